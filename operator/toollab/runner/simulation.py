"""Honest verdicts on simulated nodes: read the cluster's environment, spot run Jobs that only
"completed" on a kwok node, and say so in the step and in the verdict's message.

Nodes are read as the operator (cluster-scoped, read-only); a run Job's pods as the trial's
identity. Never changes a verdict's result: it adds what was not really exercised.
"""

from __future__ import annotations

from dataclasses import replace

from toollab import errors
from toollab.cluster import port
from toollab.model import environment, status, trial
from toollab.runner import actions, diagnose, profiles, trial_steps
from toollab.runner.deps import Dependencies


def read_environment(deps: Dependencies) -> environment.Environment | None:
    """The cluster's nodes and version; None when the operator may not list nodes."""
    try:
        nodes = deps.cluster.list("v1", "Node", namespace=None)
        version = deps.cluster.server_version()
    except errors.Forbidden:
        return None
    return environment.Environment.from_nodes(nodes, kubernetes_version=version)


def with_run_context(
    current: status.TrialStatus, tool_trial: trial.ToolTrial, *, deps: Dependencies
) -> status.TrialStatus:
    """At install: the cluster's environment and the profile the run installs from."""
    read = read_environment(deps) or current.environment
    return replace(current, environment=read, profile=profile_info(tool_trial))


def finish_message(
    action: actions.Finish, tool_trial: trial.ToolTrial, current: status.TrialStatus, *, cluster: port.Cluster
) -> str:
    """The verdict's message: a timeout's known causes, then what simulation could not verify."""
    message = action.message
    if action.reason in (status.Reason.ASSERTIONS_FAILED, status.Reason.TIMEOUT) and current.install:
        message = diagnose.with_causes(message, cluster, tool_trial.target.namespace)
    return verdict_message(message, current)


def profile_info(tool_trial: trial.ToolTrial) -> environment.ProfileInfo | None:
    """`status.profile` for a trial expanded from a profile (as last read)."""
    name = tool_trial.tool.profile
    known = profiles.known(name) if name else None
    if name is None:
        return None
    category, isolation = (known.category, known.isolation) if known else ("", "")
    return environment.ProfileInfo(name, category, tool_trial.tool.preset or "", isolation)


def run_was_simulated(
    tenant: port.Cluster, operator: port.Cluster, tool_trial: trial.ToolTrial, index: int
) -> bool:
    """Whether step `index`'s run Job had its pod on a simulated node (so its command never ran)."""
    pods = tenant.list(
        "v1",
        "Pod",
        namespace=tool_trial.target.namespace,
        labels={"job-name": trial_steps.job_name(tool_trial, index)},
    )
    nodes = {str((p.get("spec") or {}).get("nodeName") or "") for p in pods} - {""}
    for name in nodes:
        node = operator.get("v1", "Node", name=name, namespace=None)
        if node is not None and environment.is_simulated_node(node):
            return True
    return False


def mark_simulated(current: status.TrialStatus, index: int) -> status.TrialStatus:
    """Step `index` passed only as a simulation: flag it and say why."""
    step = replace(current.steps[index], simulated=True, message=environment.RUN_NOT_EXECUTED)
    return replace(current, steps=(*current.steps[:index], step, *current.steps[index + 1 :]))


def verdict_message(message: str, current: status.TrialStatus) -> str:
    """The verdict's message, with what the simulated environment could not verify."""
    note = current.environment.note() if current.environment is not None else ""
    simulated_runs = [s.name for s in current.steps if s.simulated]
    if simulated_runs:
        note += f"{'; ' if note else 'Simulated: '}run steps not executed: {', '.join(simulated_runs)}"
    return f"{message} ({note})" if note else message
