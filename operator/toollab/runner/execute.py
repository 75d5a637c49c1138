"""Perform ONE planned action for a trial, once, and return the new status and its events.

Never sleeps between passes and never writes the status itself (`reconcile` does, once).
Cluster and installer errors propagate; `reconcile` turns them into status.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from toollab import errors, installers
from toollab.cluster import port
from toollab.installers import base, claims
from toollab.model import status, trial
from toollab.runner import (
    actions,
    footprint,
    leftovers,
    namespaces,
    scoring,
    simulation,
    sweep,
    transitions,
    trial_steps,
    verdicts,
)
from toollab.runner.deps import Dependencies, Event


@dataclass(frozen=True)
class Performed:
    """The outcome of one action: the new status, events to post, and whether the trial is gone."""

    status: status.TrialStatus
    events: tuple[Event, ...] = ()
    gone: bool = False


def perform(
    action: actions.Action,
    *,
    tool_trial: trial.ToolTrial,
    current: status.TrialStatus,
    deps: Dependencies,
    now: datetime,
) -> Performed:
    """Dispatch on the action's type."""
    user = _user(deps, tool_trial, current)
    if isinstance(action, actions.StartRun):
        new = transitions.start_run(
            tool_trial,
            current,
            now=now,
            default_service_account=deps.default_service_account,
            scheduled=action.scheduled,
        )
        what = "scheduled run" if action.scheduled else "run"
        return Performed(
            new, (Event("Normal", "RunStarted", f"{what} of generation {tool_trial.generation} started"),)
        )
    if isinstance(action, actions.EnsureNamespace):
        return Performed(
            namespaces.ensure_namespace(action, tool_trial=tool_trial, current=current, deps=deps, now=now)
        )
    if isinstance(action, actions.Install):
        return install(tool_trial=tool_trial, current=current, deps=deps, user=user, now=now)
    if isinstance(action, actions.RunStepAttempt):
        return Performed(
            attempt_step(action.index, tool_trial=tool_trial, current=current, deps=deps, user=user, now=now)
        )
    if isinstance(action, actions.Finish):
        return finish(action, tool_trial=tool_trial, current=current, deps=deps, user=user, now=now)
    if isinstance(action, actions.Score):
        return Performed(*scoring.score(tool_trial, current, deps=deps, user=user, now=now))
    if isinstance(action, actions.PostRunCleanup):
        return post_run_cleanup(tool_trial=tool_trial, current=current, deps=deps, user=user, now=now)
    if isinstance(action, actions.ExpireTrial):
        deps.cluster.delete(
            trial.API_VERSION, trial.KIND, name=tool_trial.name, namespace=tool_trial.namespace
        )
        return Performed(
            current, (Event("Normal", "Expired", "ttlSecondsAfterFinished passed; deleting"),), gone=True
        )
    return Performed(current)


def _user(deps: Dependencies, tool_trial: trial.ToolTrial, current: status.TrialStatus) -> str | None:
    account = current.run.service_account if current.run else tool_trial.service_account
    return deps.user_for(tool_trial.namespace, account)


def install(
    *,
    tool_trial: trial.ToolTrial,
    current: status.TrialStatus,
    deps: Dependencies,
    user: str | None,
    now: datetime,
) -> Performed:
    """Install the tool as the trial's identity; idempotent."""
    context = _context(tool_trial, current, deps=deps, user=user, now=now)
    current = simulation.with_run_context(current, tool_trial, deps=deps)
    installer = installers.installer_for(tool_trial.source, helm_path=deps.helm_path)
    result = installer.install(context)
    inventory = result.inventory(current.inventory)
    info = replace(result.info(), profile=tool_trial.tool.profile or "", preset=tool_trial.tool.preset or "")
    new = transitions.install_succeeded(
        current, info, now=now, entries=inventory.entries, release=inventory.release
    )
    what = " ".join(p for p in (result.chart, result.version) if p) or str(result.method)
    return Performed(
        new, (Event("Normal", "InstallSucceeded", f"installed {what} ({len(result.objects)} objects)"),)
    )


def _context(
    tool_trial: trial.ToolTrial,
    current: status.TrialStatus,
    *,
    deps: Dependencies,
    user: str | None,
    now: datetime,
) -> base.InstallContext:
    deadline = current.run.deadline if current.run else now
    remaining = max(10.0, (deadline - now).total_seconds())
    return base.InstallContext.for_trial(
        tool_trial,
        cluster=deps.cluster_for(user),
        impersonate=user,
        allow_http=deps.allow_http,
        kubeconfig=deps.kubeconfig,
        timeout_seconds=remaining,
    )


def attempt_step(
    index: int,
    *,
    tool_trial: trial.ToolTrial,
    current: status.TrialStatus,
    deps: Dependencies,
    user: str | None,
    now: datetime,
) -> status.TrialStatus:
    """One attempt of step `index`: its parts once (recorded), then one round of checks."""
    spec = tool_trial.steps[index]
    new = transitions.begin_step(current, index, timeout_seconds=spec.timeout_seconds, now=now)
    cluster = deps.cluster_for(user)
    if spec.has_actions and not new.steps[index].applied:
        own = current.run is not None and current.run.namespace_created
        entries = trial_steps.perform_parts(cluster, tool_trial, index, pause=deps.pause, namespace_ours=own)
        new = transitions.step_applied(replace(new, inventory=new.inventory.with_entries(entries)), index)
    attempt = trial_steps.check(cluster, tool_trial, index)
    ended = max(now, deps.clock())  # the step's seconds include this attempt's own work
    if attempt.passed:
        passed = transitions.step_passed(new, index, now=ended)
        if spec.run is not None and simulation.run_was_simulated(cluster, deps.cluster, tool_trial, index):
            return simulation.mark_simulated(passed, index)
        return passed
    new = transitions.step_attempt_failed(new, index, attempt.message, now=ended)
    if attempt.final:
        failed = replace(new.steps[index], phase=status.StepPhase.FAILED)
        new = replace(new, steps=(*new.steps[:index], failed, *new.steps[index + 1 :]))
    return new


def finish(
    action: actions.Finish,
    *,
    tool_trial: trial.ToolTrial,
    current: status.TrialStatus,
    deps: Dependencies,
    user: str | None,
    now: datetime,
) -> Performed:
    """Record the verdict, with the footprint of what runs in the target namespace now."""
    with_footprint = replace(
        current, footprint=_footprint_or_none(tool_trial, current, deps=deps, user=user) or current.footprint
    )
    message = simulation.finish_message(action, tool_trial, with_footprint, cluster=deps.cluster_for(user))
    finished = transitions.finish(with_footprint, action.verdict, action.reason, message, now=now)
    new, regressed = verdicts.conclude(tool_trial, finished)
    kind = "Normal" if action.verdict is status.Result.PASSED else "Warning"
    reason = {status.Result.PASSED: "TrialPassed", status.Result.FAILED: "AssertionsFailed"}.get(
        action.verdict, "TrialError"
    )
    return Performed(new, (Event(kind, reason, message), *regressed))


def _footprint_or_none(
    tool_trial: trial.ToolTrial, current: status.TrialStatus, *, deps: Dependencies, user: str | None
) -> status.Footprint | None:
    """The footprint, read as the trial's identity; None when that identity may not read it (the
    verdict stands without one)."""
    try:
        return measure_footprint(tool_trial, current, cluster=deps.cluster_for(user))
    except errors.Forbidden:
        return None


def measure_footprint(
    tool_trial: trial.ToolTrial, current: status.TrialStatus, *, cluster: port.Cluster
) -> status.Footprint | None:
    """Pods (and workloads) in the target namespace, plus the cluster-scoped objects installed."""
    if current.run is None or current.install is None:
        return None
    namespace = current.run.target_namespace
    pods = cluster.list("v1", "Pod", namespace=namespace)
    ours = [p for p in pods if not _is_step_job_pod(p, tool_trial)]
    live = any((p.get("status") or {}).get("phase") not in footprint.TERMINAL_PHASES for p in ours)
    kinds = () if live else ("Deployment", "DaemonSet", "StatefulSet")  # templates count only without pods
    workloads = [w for kind in kinds for w in cluster.list("apps/v1", kind, namespace=namespace)]
    cluster_scoped = sum(
        1 for e in current.inventory.entries if e.namespace is None and e.kind != "Namespace"
    )
    return footprint.compute_footprint(pods=ours, workloads=workloads, cluster_scoped_objects=cluster_scoped)


def _is_step_job_pod(pod: port.Object, tool_trial: trial.ToolTrial) -> bool:
    labels = (pod.get("metadata") or {}).get("labels") or {}
    return labels.get(trial.LABEL_TRIAL_UID) == tool_trial.uid and "job-name" in labels


def post_run_cleanup(
    *,
    tool_trial: trial.ToolTrial,
    current: status.TrialStatus,
    deps: Dependencies,
    user: str | None,
    now: datetime,
) -> Performed:
    """First pass: show CleaningUp; next pass: uninstall and delete the namespace we created."""
    if current.phase is not status.Phase.CLEANING_UP:
        return Performed(transitions.cleanup_started(current, now=now))
    uninstall(tool_trial, current, deps=deps, user=user, now=now)
    left = leftovers.after_cleanup(tool_trial, current, deps=deps, user=user, now=now)
    return Performed(
        replace(transitions.cleaned_up(current, now=now), leftovers=left),
        (Event("Normal", "CleanedUp", "removed what the trial installed"),),
    )


def uninstall(
    tool_trial: trial.ToolTrial,
    current: status.TrialStatus,
    *,
    deps: Dependencies,
    user: str | None,
    now: datetime,
) -> None:
    """Remove the inventory (as the trial's identity), then the namespace if the trial created it.

    When that namespace is already being deleted (an earlier cleanup pass ran before an install
    in flight had recorded what it made), what is in it goes with it, helm's release record too,
    and so does the trial's grant there: only what lies outside it is removed.
    """
    going = _own_namespace_going(current, deps=deps, uid=tool_trial.uid)
    entries = [
        e
        for e in current.inventory.entries
        if not (e.kind == "Namespace" and e.api_version == "v1") and not (going and e.namespace == going)
    ]
    if entries or current.inventory.release:
        context = replace(
            _context(tool_trial, current, deps=deps, user=user, now=now), namespace_going=bool(going)
        )
        installers.installer_for(tool_trial.source, helm_path=deps.helm_path).uninstall(context, entries)
    sweep.sweep(tool_trial, current, cluster=deps.cluster_for(user), going=going)
    for entry in _namespaces(current):  # as the operator: only the namespace it proves it created
        claims.delete_if_ours(deps.cluster, entry, uid=tool_trial.uid)


def _namespaces(current: status.TrialStatus) -> list[status.InventoryEntry]:
    return [e for e in current.inventory.entries if e.kind == "Namespace" and e.api_version == "v1"]


def _own_namespace_going(current: status.TrialStatus, *, deps: Dependencies, uid: str) -> str | None:
    """The namespace this trial created, when it is being deleted or gone (read as the operator)."""
    for entry in _namespaces(current):
        if not entry.created or not entry.uid:
            continue
        live = deps.cluster.get("v1", "Namespace", name=entry.name, namespace=None)
        if live is None:
            return entry.name
        if claims.is_recorded_and_ours(live, entry, uid=uid) and (live.get("metadata") or {}).get(
            "deletionTimestamp"
        ):
            return entry.name
    return None
