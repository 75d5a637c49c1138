"""The `Score` action: run the scorecard's checkers on this run's install and keep what they found.

Never fails the trial: its verdict is already written. A checker that cannot run is reported in
the scorecard as Unavailable or Failed, and an error reading the cluster yields a scorecard that
says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from toollab import errors
from toollab.model import scorecard, status, trial
from toollab.runner import transitions
from toollab.runner.deps import Dependencies, Event
from toollab.scorecard import pod_security, running, simulated


def score(
    tool_trial: trial.ToolTrial,
    current: status.TrialStatus,
    *,
    deps: Dependencies,
    user: str | None,
    now: datetime,
) -> tuple[status.TrialStatus, tuple[Event, ...]]:
    """The status with this run's scorecard, and an event summing it up per checker."""
    run = current.run
    if run is None:
        return current, ()
    install = running.Install(
        trial=tool_trial,
        namespace=run.target_namespace,
        inventory=current.inventory.entries,
        cluster=deps.cluster_for(user),
        allow_http=deps.allow_http,
    )
    checkers = running.Checkers(runner=deps.runner, helm=deps.helm_path, kube_score=deps.kube_score)
    try:
        security = _pod_security(deps, user=user, namespace=run.target_namespace)
        results = running.score(install, checkers=checkers, pod_security=security)
    except errors.ToollabError as exc:
        failed = scorecard.CheckerRun("scorecard", "", scorecard.CheckerState.FAILED, message=str(exc))
        results = ((failed, ()),)
    if current.environment is not None and current.environment.simulated_nodes:
        results = (*results, _fail_closed(install.cluster, current))
    card = scorecard.assemble(results, run_started_at=run.started_at, checked_at=max(now, deps.clock()))
    return transitions.scored(current, card), (Event("Normal", "Scored", summary(card)),)


def _fail_closed(cluster: Any, current: status.TrialStatus) -> running.Result:
    """The installed webhook configurations that refuse requests on a simulated cluster."""
    entries = [e for e in current.inventory.entries if e.kind in simulated.WEBHOOK_KINDS]
    try:
        live = [cluster.get(e.api_version, e.kind, name=e.name, namespace=None) for e in entries]
    except errors.ToollabError as exc:
        why = f"could not read the webhook configurations: {exc}"
        return scorecard.CheckerRun(simulated.NAME, "", scorecard.CheckerState.FAILED, message=why), ()
    return simulated.fail_closed(c for c in live if c is not None)


def summary(card: scorecard.Scorecard) -> str:
    """One line per checker, joined: "kube-score 1.20.0: 7 critical, 2 passed; helm-lint ...: clean"."""
    parts = []
    for run in card.checkers:
        name = f"{run.name} {run.version}".strip()
        if run.state is not scorecard.CheckerState.RAN:
            parts.append(f"{name}: {run.state}")
            continue
        counts = [(run.critical, "critical"), (run.warning, "warning"), (run.info, "info")]
        found = ", ".join(f"{n} {word}" for n, word in counts if n)
        parts.append(f"{name}: {found or 'clean'}, {run.passed} passed")
    return "; ".join(parts)


def _pod_security(deps: Dependencies, *, user: str | None, namespace: str) -> running.PodSecurity:
    """The API server as checker: its version, the namespace's warn level, dry-runs as the trial."""
    found = deps.cluster.get("v1", "Namespace", name=namespace, namespace=None) or {}
    labels = (found.get("metadata") or {}).get("labels") or {}
    acting = deps.cluster.impersonating(user)

    def warnings_for(obj: Mapping[str, Any]) -> tuple[str, ...]:
        return acting.dry_run_apply_warnings(obj, namespace=namespace)

    level = labels.get(pod_security.WARN_LABEL)
    return running.PodSecurity(server=deps.cluster.server_version(), level=level, warnings_for=warnings_for)
