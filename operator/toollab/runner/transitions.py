"""Pure status transitions: each takes a TrialStatus (and what happened) and returns a new one.

No I/O and no clock reads: `runner.execute` performs an action, then calls these with
`now`. Conditions follow the kstatus table in `model.conditions.conditions_for`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from toollab.model import history as histories
from toollab.model import scorecard as scorecards
from toollab.model import status, stored, trial

S = status.ConditionStatus
T = status.ConditionType
Reason = status.Reason


def start_run(
    tool_trial: trial.ToolTrial,
    current: status.TrialStatus,
    *,
    now: datetime,
    default_service_account: str | None = None,
    scheduled: bool = False,
) -> status.TrialStatus:
    """A fresh run of the trial's generation; the verdict, observedGeneration, inventory, history and
    last scorecard carry over.

    The run acts as spec.serviceAccountName, else `default_service_account` (the operator's
    --default-service-account), else (None) as the operator itself.
    """
    namespace = tool_trial.target.namespace
    run = status.RunInfo(
        generation=tool_trial.generation,
        started_at=now,
        deadline=now + timedelta(seconds=tool_trial.timeout_seconds),
        target_namespace=namespace,
        namespace_created=_created_namespace(current.inventory, namespace),
        service_account=tool_trial.service_account or default_service_account,
        scheduled=scheduled,
    )
    fresh = status.TrialStatus(
        observed_generation=current.observed_generation,
        result=current.result,
        conditions=current.conditions,
        started_at=now,
        steps=tuple(status.StepStatus(name=s.name) for s in tool_trial.steps),
        total=len(tool_trial.steps),
        run=run,
        inventory=current.inventory,
        history=current.history,
        scorecard=current.scorecard,
    )
    message = f"run of generation {tool_trial.generation} started" + (" (scheduled)" if scheduled else "")
    return _running(
        fresh, status.Phase.PENDING, Reason.PROGRESSING, message, now=now, installed=Reason.PROGRESSING
    )


def namespace_ready(
    current: status.TrialStatus, *, created: bool, now: datetime, uid: str = ""
) -> status.TrialStatus:
    """The target namespace exists; `created`: this trial created it, with `uid` (cleanup deletes
    that very namespace, nothing else)."""
    run = _run(current)
    inventory = current.inventory
    if created:
        entry = status.InventoryEntry("v1", "Namespace", run.target_namespace, None, created=True, uid=uid)
        inventory = inventory.with_entries((entry,))
    run = replace(
        run,
        stage=status.Stage.NAMESPACE_READY,
        namespace_created=_created_namespace(inventory, run.target_namespace),
    )
    return install_started(replace(current, run=run, inventory=inventory), now=now)


def install_started(current: status.TrialStatus, *, now: datetime) -> status.TrialStatus:
    """Installing (phase Installing, Installed=Unknown)."""
    message = f"installing into namespace {_run(current).target_namespace}"
    return _running(
        current, status.Phase.INSTALLING, Reason.INSTALLING, message, now=now, installed=Reason.INSTALLING
    )


def install_succeeded(
    current: status.TrialStatus,
    info: status.InstallInfo,
    *,
    now: datetime,
    entries: tuple[status.InventoryEntry, ...] = (),
    release: str | None = None,
    footprint: status.Footprint | None = None,
) -> status.TrialStatus:
    """Installed: record what and where; the steps run next (phase Verifying)."""
    inventory = current.inventory.with_entries(entries)
    if release:
        inventory = replace(inventory, release=release)
    run = replace(_run(current), stage=status.Stage.INSTALLED)
    installed = replace(
        current, install=info, inventory=inventory, run=run, footprint=footprint or current.footprint
    )
    what = " ".join(part for part in (info.chart, info.version) if part) or info.method
    conditions = [
        _condition(T.INSTALLED, S.TRUE, Reason.INSTALL_SUCCEEDED, f"installed {what}", installed, now)
    ]
    installed = replace(installed, conditions=status.merge_conditions(installed.conditions, conditions))
    return _running(installed, status.Phase.VERIFYING, Reason.VERIFYING, _progress(installed), now=now)


def begin_step(
    current: status.TrialStatus, index: int, *, timeout_seconds: float, now: datetime
) -> status.TrialStatus:
    """Step `index` starts (idempotent): its deadline is fixed now and persisted."""
    step = current.steps[index]
    if step.started_at is not None:
        return replace(current, current_step=index)
    begun = replace(
        step,
        phase=status.StepPhase.RUNNING,
        started_at=now,
        deadline=now + timedelta(seconds=timeout_seconds),
    )
    return replace(current, steps=_put(current.steps, index, begun), current_step=index)


def step_applied(current: status.TrialStatus, index: int) -> status.TrialStatus:
    """The step's apply/delete/run parts are done: a later attempt does not redo them."""
    return replace(current, steps=_put(current.steps, index, replace(current.steps[index], applied=True)))


def step_attempt_failed(
    current: status.TrialStatus, index: int, message: str, *, now: datetime
) -> status.TrialStatus:
    """One more attempt that did not pass; `message` says what differed (kept, trimmed)."""
    step = _attempted(current.steps[index], now)
    step = replace(step, phase=status.StepPhase.RUNNING, message=status.trim(message))
    updated = replace(current, steps=_put(current.steps, index, step), current_step=index)
    return _running(updated, status.Phase.VERIFYING, Reason.VERIFYING, _progress(updated), now=now)


def step_passed(current: status.TrialStatus, index: int, *, now: datetime) -> status.TrialStatus:
    """Step `index` passed; the next one is current."""
    step = replace(_attempted(current.steps[index], now), phase=status.StepPhase.PASSED, message="")
    steps = _put(current.steps, index, step)
    passed = sum(1 for s in steps if s.phase is status.StepPhase.PASSED)
    updated = replace(current, steps=steps, passed=passed, current_step=index + 1)
    return _running(updated, status.Phase.VERIFYING, Reason.VERIFYING, _progress(updated), now=now)


def finish(
    current: status.TrialStatus, verdict: status.Result, reason: str, message: str, *, now: datetime
) -> status.TrialStatus:
    """The run's verdict: phase, result, finishedAt, observedGeneration and conditions."""
    run = _run(current)
    phase = status.Phase(str(verdict))
    steps = current.steps if verdict is status.Result.PASSED else _close_steps(current.steps)
    finished = replace(
        current,
        observed_generation=run.generation,
        phase=phase,
        result=verdict,
        finished_at=now,
        steps=steps,
        time_to_ready_seconds=stored.seconds_between(run.started_at, now)
        if phase is status.Phase.PASSED
        else None,
        run=replace(run, stage=status.Stage.FINISHED),
    )
    kstatus = status.conditions_for(phase, reason, message, generation=run.generation, now=now)
    passed = verdict is status.Result.PASSED
    verified = _condition(T.VERIFIED, S.TRUE if passed else S.FALSE, reason, message, finished, now)
    extra = [verified]
    if run.stage in (status.Stage.STARTED, status.Stage.NAMESPACE_READY):
        extra.append(_condition(T.INSTALLED, S.FALSE, reason, message, finished, now))
    return replace(finished, conditions=status.merge_conditions(current.conditions, (*kstatus, *extra)))


def record_run(
    current: status.TrialStatus, *, limit: int, next_run_at: datetime | None = None
) -> status.TrialStatus:
    """After a verdict: the run joins status.history (newest first, at most `limit`); the next
    scheduled run's time is shown."""
    run = _run(current)
    if current.finished_at is None:
        return current
    entry = histories.HistoryEntry(
        started_at=run.started_at,
        finished_at=current.finished_at,
        result=str(current.result),
        passed=current.passed,
        total=current.total,
        time_to_ready_seconds=current.time_to_ready_seconds,
        version=current.install.version if current.install else "",
        generation=run.generation,
        scheduled=run.scheduled,
    )
    history = histories.record(current.history, entry, limit=limit)
    return replace(current, history=history, next_run_at=next_run_at)


def scored(current: status.TrialStatus, card: scorecards.Scorecard) -> status.TrialStatus:
    """The scorecard of this run's install is in."""
    return replace(current, scorecard=card)


def spec_invalid(
    current: status.TrialStatus, message: str, *, generation: int, now: datetime
) -> status.TrialStatus:
    """The spec of `generation` cannot run: Error/InvalidSpec (permanent until the spec changes)."""
    errored = replace(
        current,
        observed_generation=generation,
        phase=status.Phase.ERROR,
        result=status.Result.ERROR,
        finished_at=now,
        steps=(),
        passed=0,
        total=0,
        current_step=0,
        time_to_ready_seconds=None,
    )
    kstatus = status.conditions_for(
        status.Phase.ERROR, Reason.INVALID_SPEC, message, generation=generation, now=now
    )
    return replace(errored, conditions=status.merge_conditions(current.conditions, kstatus))


def retrying(current: status.TrialStatus, reason: str, message: str, *, now: datetime) -> status.TrialStatus:
    """A transient failure (API server, helm lock): phase unchanged, Reconciling=True/ProgressingWithRetry."""
    generation = _generation(current)
    ready = status.condition(T.READY, S.UNKNOWN, reason, message, generation=generation, now=now)
    reconciling = status.condition(
        T.RECONCILING, S.TRUE, Reason.PROGRESSING_WITH_RETRY, message, generation=generation, now=now
    )
    return replace(current, conditions=status.merge_conditions(current.conditions, (ready, reconciling)))


def queued(current: status.TrialStatus, message: str, *, now: datetime) -> status.TrialStatus:
    """Waiting for a free slot (phase Queued, Ready=Unknown, Reconciling=True/Queued); `message`
    says which slot and the position, e.g. "waiting for an install slot: position 3 of 12"."""
    return _running(current, status.Phase.QUEUED, Reason.QUEUED, message, now=now)


def dequeued(current: status.TrialStatus, *, installing: bool, now: datetime) -> status.TrialStatus:
    """A slot is free: back to Installing (before the install) or Verifying (before a step attempt)."""
    if installing:
        return install_started(current, now=now)
    return _running(current, status.Phase.VERIFYING, Reason.VERIFYING, _progress(current), now=now)


def cleanup_started(current: status.TrialStatus, *, now: datetime) -> status.TrialStatus:
    """Removing what the trial installed (after the verdict, or on deletion); Ready is left alone."""
    message = "removing what the trial installed"
    generation = _generation(current)
    changed = [
        status.condition(T.RECONCILING, S.TRUE, Reason.CLEANING_UP, message, generation=generation, now=now),
        status.condition(T.INSTALLED, S.UNKNOWN, Reason.CLEANING_UP, message, generation=generation, now=now),
    ]
    conditions = status.merge_conditions(current.conditions, changed)
    return replace(current, phase=status.Phase.CLEANING_UP, conditions=conditions)


def cleaned_up(current: status.TrialStatus, *, now: datetime) -> status.TrialStatus:
    """The post-run cleanup is done: inventory empty, the verdict's phase back."""
    run = replace(_run(current), stage=status.Stage.CLEANED_UP, namespace_created=False)
    message = "removed what the trial installed, as spec.cleanup.policy asks"
    generation = run.generation
    changed = [
        status.condition(T.RECONCILING, S.FALSE, Reason.CLEANED_UP, message, generation=generation, now=now),
        status.condition(T.INSTALLED, S.FALSE, Reason.CLEANED_UP, message, generation=generation, now=now),
    ]
    phase = (
        status.Phase(str(current.result)) if current.result is not status.Result.UNKNOWN else current.phase
    )
    return replace(
        current,
        phase=phase,
        run=run,
        inventory=status.Inventory(),
        conditions=status.merge_conditions(current.conditions, changed),
    )


# --- helpers ----------------------------------------------------------------------------------


def _run(current: status.TrialStatus) -> status.RunInfo:
    if current.run is None:
        raise ValueError("no run in progress: start_run() comes first")
    return current.run


def _generation(current: status.TrialStatus) -> int:
    return current.run.generation if current.run else current.observed_generation or 0


def _created_namespace(inventory: status.Inventory, namespace: str) -> bool:
    return any(e.kind == "Namespace" and e.name == namespace and e.created for e in inventory.entries)


def _put(
    steps: tuple[status.StepStatus, ...], index: int, step: status.StepStatus
) -> tuple[status.StepStatus, ...]:
    return (*steps[:index], step, *steps[index + 1 :])


def _attempted(step: status.StepStatus, now: datetime) -> status.StepStatus:
    started = step.started_at or now
    seconds = stored.seconds_between(started, now)
    return replace(step, started_at=started, attempts=step.attempts + 1, seconds=seconds)


def _close_steps(steps: tuple[status.StepStatus, ...]) -> tuple[status.StepStatus, ...]:
    """At a verdict other than Passed: the running step Failed, those not reached Skipped."""
    closed = {
        status.StepPhase.RUNNING: status.StepPhase.FAILED,
        status.StepPhase.PENDING: status.StepPhase.SKIPPED,
    }
    return tuple(replace(s, phase=closed.get(s.phase, s.phase)) for s in steps)


def _progress(current: status.TrialStatus) -> str:
    if current.current_step >= len(current.steps):
        return f"{current.passed_text} steps passed"
    step = current.steps[current.current_step]
    where = f'step {current.current_step + 1}/{len(current.steps)} "{step.name}"'
    return f"{where}: attempt {step.attempts} not passing yet" if step.attempts else f"{where}: starting"


def _condition(
    kind: status.ConditionType,
    state: status.ConditionStatus,
    reason: str,
    message: str,
    current: status.TrialStatus,
    now: datetime,
) -> status.Condition:
    return status.condition(kind, state, reason, message, generation=_generation(current), now=now)


def _running(
    current: status.TrialStatus,
    phase: status.Phase,
    reason: str,
    message: str,
    *,
    now: datetime,
    installed: str | None = None,
) -> status.TrialStatus:
    """Set a running phase: kstatus conditions, Verified=Unknown, Installed=Unknown when given."""
    generation = _generation(current)
    changed = list(status.conditions_for(phase, reason, message, generation=generation, now=now))
    changed.append(status.condition(T.VERIFIED, S.UNKNOWN, reason, message, generation=generation, now=now))
    if installed is not None:
        changed.append(
            status.condition(T.INSTALLED, S.UNKNOWN, installed, message, generation=generation, now=now)
        )
    return replace(current, phase=phase, conditions=status.merge_conditions(current.conditions, changed))
