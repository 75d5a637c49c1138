"""One reconcile pass for a trial (read, plan, act, write status once) and the cleanup on delete.

The operator's entry into the runner; knows nothing of Kopf. Errors are turned into status here,
in one place: retryable ones are retried, the rest end the run in Error with their reason.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from toollab import errors, logs
from toollab.model import parse, status, trial
from toollab.runner import (
    actions,
    diagnose,
    execute,
    finalizing,
    plan,
    profiles,
    singleton,
    transitions,
    trial_steps,
    verdicts,
)
from toollab.runner.deps import Dependencies, Event
from toollab.runner.outlook import Lane, lane_of

__all__ = ["Dependencies", "Event", "PassResult", "reconcile_once", "show_queued"]

log = logging.getLogger(__name__)
RETRY_SECONDS = 2.0
UNEXPECTED_SECONDS = 30.0  # a non-retryable failure to read or write the trial itself
SINGLETON_WAIT_SECONDS = 3.0  # a trial queued behind another trial of a cluster-singleton tool


@dataclass(frozen=True)
class PassResult:
    """What the driver does next: wait `delay` seconds (None: until something changes), or stop."""

    delay: float | None
    events: tuple[Event, ...] = ()
    gone: bool = False
    body: dict[str, Any] | None = None  # the trial as the status write returned it, for the next pass


def reconcile_once(
    *,
    name: str,
    namespace: str,
    deps: Dependencies,
    now: datetime,
    known: dict[str, Any] | None = None,
    lane: Lane | None = None,
) -> PassResult:
    """Read the trial, plan one action, perform it, write the status once; on deletion, clean up
    and let the trial go.

    Reading the trial or writing its status can fail too (the API server is restarting): such a
    pass changes nothing and is tried again after a pause, never raised to the caller.
    `known` is the trial as last seen (a status write's answer or the watch: as fresh as a read).
    `lane`: the pool this pass was given; an action that belongs to another lane is not performed
    (delay 0: plan again).
    """
    try:
        return _pass(name=name, namespace=namespace, deps=deps, now=now, known=known, lane=lane)
    except errors.ClusterError as exc:
        trial_log = logs.for_trial(log, namespace=namespace, name=name)
        trial_log.warning(
            "reading or writing the trial failed: %s (will retry)", exc, extra={"reason": exc.reason}
        )
        return PassResult(delay=RETRY_SECONDS if exc.retryable else UNEXPECTED_SECONDS)


def _pass(
    *,
    name: str,
    namespace: str,
    deps: Dependencies,
    now: datetime,
    known: dict[str, Any] | None,
    lane: Lane | None,
) -> PassResult:
    body = known or deps.cluster.get(trial.API_VERSION, trial.KIND, name=name, namespace=namespace)
    if body is None:
        return PassResult(delay=None, gone=True)
    if finalizing.is_deleting(body):
        return _finalize(body, deps=deps, now=now)
    current = status.TrialStatus.from_raw(body.get("status"), now=now)
    try:
        tool_trial = parse.parse_trial(profiles.resolve(body, cluster=deps.cluster))
    except errors.SpecError as exc:
        return _invalid_spec(body, current, exc, deps=deps, now=now)
    action = plan.next_action(tool_trial, current, now=now)
    if action.delay is None or action.delay > 0:
        return PassResult(delay=action.delay)
    if lane is not None and lane_of(action) is not lane:
        return PassResult(delay=0.0, body=body)
    body = finalizing.add_finalizer(body, deps=deps)  # before the trial creates anything
    holder = singleton.blocking_holder(action, tool_trial, deps=deps, now=now)
    if holder is not None:  # another trial has this cluster-singleton tool installed: wait
        message = singleton.waiting_message(tool_trial.tool.profile or "", holder)
        shown = show_queued(body=body, message=message, deps=deps, now=now)
        return PassResult(delay=SINGLETON_WAIT_SECONDS, events=shown.events, body=shown.body)
    if current.phase is status.Phase.QUEUED and lane_of(action) is not Lane.GENERAL:
        installing = isinstance(action, actions.Install)
        current = transitions.dequeued(current, installing=installing, now=now)
        body = write_status(deps, tool_trial, current)  # the phase shown while the slow work runs
    performed = _perform_chain(action, tool_trial=tool_trial, current=current, deps=deps, now=now)
    if performed.status != current and not performed.gone:
        body = write_status(deps, tool_trial, performed.status)
    delay = RETRY_SECONDS if _retrying(performed.status) else 0.0  # a repeated failure waits too
    return PassResult(delay=delay, events=performed.events, gone=performed.gone, body=body)


# Bookkeeping actions that never wait on anything slow: they share a pass (and its one status
# write) with the action before them. Installs and step attempts always write their own
# progress first, so the phase shown is right while the slow work runs.
CHAINED = (actions.StartRun, actions.EnsureNamespace, actions.Finish)


def _perform_chain(
    action: actions.Action,
    *,
    tool_trial: trial.ToolTrial,
    current: status.TrialStatus,
    deps: Dependencies,
    now: datetime,
) -> execute.Performed:
    """Perform `action`, then any immediately due bookkeeping actions; events for every phase change."""
    state, gone = current, False
    events: tuple[Event, ...] = ()
    for _ in range(len(CHAINED) + 1):  # bounded: each bookkeeping action advances the run
        performed = _perform(action, tool_trial=tool_trial, current=state, deps=deps, now=now)
        done = type(action).__name__
        events += tuple(
            replace(e, action=done) for e in performed.events + _phase_events(state, performed.status)
        )
        state, gone = performed.status, performed.gone
        if gone or _retrying(state):
            break
        now = max(now, deps.clock())  # the next action starts after this one's work
        action = plan.next_action(tool_trial, state, now=now)
        if not isinstance(action, CHAINED) or action.delay != 0:
            break
    return execute.Performed(state, events, gone)


def _perform(
    action: actions.Action,
    *,
    tool_trial: trial.ToolTrial,
    current: status.TrialStatus,
    deps: Dependencies,
    now: datetime,
) -> execute.Performed:
    """Perform, translating failures: retryable -> retry later; anything else -> Error verdict."""
    try:
        return execute.perform(action, tool_trial=tool_trial, current=current, deps=deps, now=now)
    except errors.ToollabError as exc:
        current = _remember_release(action, tool_trial, current)
        made = trial_steps.created_before(exc)  # a step that failed half-way: record what it made
        current = replace(current, inventory=current.inventory.with_entries(made)) if made else current
        if exc.retryable:
            _log_retry(tool_trial, current, action, exc)
            return execute.Performed(transitions.retrying(current, exc.reason, str(exc), now=now))
        message = f"{_stage_of(action)}: {exc}"
        if isinstance(action, actions.Install) and "timed out" in str(exc):
            message = diagnose.for_install(message, tool_trial, current, deps=deps)
        finished = transitions.finish(current, status.Result.ERROR, exc.reason, message, now=now)
        recorded, regressed = verdicts.conclude(tool_trial, finished)
        return execute.Performed(recorded, (Event("Warning", exc.reason, message), *regressed))


def _log_retry(
    tool_trial: trial.ToolTrial, current: status.TrialStatus, action: actions.Action, exc: errors.ToollabError
) -> None:
    """A retry is news once: at INFO when it starts (or its reason changes), then at DEBUG."""
    reconciling = current.condition(status.ConditionType.RECONCILING)
    again = _retrying(current) and reconciling is not None and reconciling.message == str(exc)
    trial_log = logs.for_trial(
        log, namespace=tool_trial.namespace, name=tool_trial.name, generation=tool_trial.generation
    )
    extra = {"action": type(action).__name__, "reason": exc.reason}
    trial_log.log(logging.DEBUG if again else logging.INFO, "%s (will retry)", exc, extra=extra)


def _remember_release(
    action: actions.Action, tool_trial: trial.ToolTrial, current: status.TrialStatus
) -> status.TrialStatus:
    """A helm install that failed may have left a release and what it created: record the
    release, so that cleanup uninstalls it (helm uninstall --ignore-not-found when there is none)."""
    if not isinstance(action, actions.Install):
        return current
    source = tool_trial.source
    if isinstance(source, trial.PartsSource):  # any part may have installed: each is uninstalled
        return replace(current, inventory=replace(current.inventory, release=source.parts[0].name))
    if not isinstance(source, trial.HelmSource):
        return current
    return replace(current, inventory=replace(current.inventory, release=tool_trial.release_name))


def _stage_of(action: actions.Action) -> str:
    if isinstance(action, actions.Install):
        return "install failed"
    if isinstance(action, actions.RunStepAttempt):
        return f"step {action.index + 1} could not run"
    return type(action).__name__


def _retrying(current: status.TrialStatus) -> bool:
    reconciling = current.condition(status.ConditionType.RECONCILING)
    return reconciling is not None and reconciling.reason == status.Reason.PROGRESSING_WITH_RETRY


def _invalid_spec(
    body: dict[str, Any],
    current: status.TrialStatus,
    exc: errors.SpecError,
    *,
    deps: Dependencies,
    now: datetime,
) -> PassResult:
    """An invalid spec is a status (Error/InvalidSpec), written once per generation."""
    generation = int((body.get("metadata") or {}).get("generation") or 0)
    if current.observed_generation == generation and current.phase is status.Phase.ERROR:
        return PassResult(delay=None)
    new = transitions.spec_invalid(current, str(exc), generation=generation, now=now)
    written = _write(body, new, deps=deps)
    return PassResult(delay=None, events=(Event("Warning", "InvalidSpec", str(exc)),), body=written)


def write_status(deps: Dependencies, tool_trial: trial.ToolTrial, new: status.TrialStatus) -> dict[str, Any]:
    """The one status write of a pass (a merge patch of the whole status); returns the trial."""
    return deps.cluster.patch_status(
        trial.API_VERSION,
        trial.KIND,
        name=tool_trial.name,
        namespace=tool_trial.namespace,
        status=new.to_patch(),
    )


def _write(body: dict[str, Any], new: status.TrialStatus, *, deps: Dependencies) -> dict[str, Any]:
    """A status write for a trial known only by its body (its spec may not parse)."""
    meta = body["metadata"]
    return deps.cluster.patch_status(
        trial.API_VERSION, trial.KIND, name=meta["name"], namespace=meta["namespace"], status=new.to_patch()
    )


def _phase_events(old: status.TrialStatus, new: status.TrialStatus) -> tuple[Event, ...]:
    """An event at each phase change (verdicts have their own, from `execute.finish`)."""
    if new.phase == old.phase or new.phase is None or new.phase in status.VERDICT_PHASES:
        return ()
    step = f" (step {new.current_step + 1}/{new.total})" if new.phase is status.Phase.VERIFYING else ""
    return (Event("Normal", str(new.phase), f"phase {old.phase or 'new'} -> {new.phase}{step}"),)


def _finalize(body: dict[str, Any], *, deps: Dependencies, now: datetime) -> PassResult:
    """A deleted trial: clean up what it installed, then remove toollab's finalizer."""
    if not finalizing.has_finalizer(body):
        return PassResult(delay=None, gone=True)
    result = finalizing.clean_up(body=body, deps=deps, now=now)
    if not result.done:
        log.info("trial %s: %s", _where(body), result.message)
        return PassResult(delay=result.delay, events=result.events)
    singleton.release_for_body(deps, body, now=now)  # the next trial of its tool may install
    finalizing.remove_finalizer(body, deps=deps)
    return PassResult(delay=None, gone=True, events=result.events)


def show_queued(*, body: dict[str, Any], message: str, deps: Dependencies, now: datetime) -> PassResult:
    """Write phase Queued with `message` (which slot, which position), unless it is shown already."""
    current = status.TrialStatus.from_raw(body.get("status"), now=now)
    shown = current.condition(status.ConditionType.RECONCILING)
    if current.phase is status.Phase.QUEUED and shown is not None and shown.message == message:
        return PassResult(delay=None, body=body)
    new = transitions.queued(current, message, now=now)
    try:
        written = _write(body, new, deps=deps)
    except errors.ClusterError as exc:
        log.info("trial %s: could not show its queue position: %s", _where(body), exc)
        return PassResult(delay=None)
    return PassResult(delay=None, events=_phase_events(current, new), body=written)


def _where(body: dict[str, Any]) -> str:
    meta = body.get("metadata") or {}
    return f"{meta.get('namespace')}/{meta.get('name')}"
