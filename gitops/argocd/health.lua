-- Argo CD health check for toollab.dev/ToolTrial.
--
-- Healthy     the trial passed (for the spec Argo CD applied: observedGeneration is current)
-- Degraded    the trial failed or errored (phase Failed/Error, or Stalled=True)
-- Progressing anything else: no status yet, a run in progress, or a run for an older spec
--
-- Install it as `resource.customizations.health.toollab.dev_ToolTrial` in argocd-cm
-- (see argocd-cm-patch.yaml). Written for Argo CD's Lua 5.1 (gopher-lua); no libraries needed.

local hs = {}

local function report(status, message)
  hs.status = status
  hs.message = message
  return hs
end

local function conditions_by_type(status)
  local found = {}
  if type(status.conditions) == "table" then
    for _, condition in ipairs(status.conditions) do
      if type(condition) == "table" and condition.type ~= nil then
        found[condition.type] = condition
      end
    end
  end
  return found
end

local function is_true(condition)
  return condition ~= nil and condition.status == "True"
end

local function text(condition, fallback)
  if condition ~= nil and condition.message ~= nil and condition.message ~= "" then
    return condition.message
  end
  if condition ~= nil and condition.reason ~= nil and condition.reason ~= "" then
    return condition.reason
  end
  return fallback
end

local status = obj.status
if status == nil or status.phase == nil then
  return report("Progressing", "Waiting for the toollab operator to pick up the trial")
end

-- observedGeneration is written when a generation reaches its verdict, so a lag means the
-- current spec has no verdict yet and any older condition describes an older run.
local generation = obj.metadata and obj.metadata.generation
if generation ~= nil and (status.observedGeneration == nil or status.observedGeneration < generation) then
  return report("Progressing", "Running the trial for the latest spec (phase " .. status.phase .. ")")
end

local c = conditions_by_type(status)
local verdict = status.phase
if verdict == "CleaningUp" and status.result ~= nil then
  verdict = status.result -- post-run cleanup keeps the verdict it already reached
end

if verdict == "Failed" or verdict == "Error" or is_true(c.Stalled) then
  return report("Degraded", text(c.Stalled, text(c.Ready, "Trial " .. verdict)))
end
if verdict == "Passed" or is_true(c.Ready) then
  return report("Healthy", text(c.Ready, "Trial passed"))
end
return report("Progressing", text(c.Reconciling, "Trial " .. status.phase))
