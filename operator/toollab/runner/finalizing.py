"""A ToolTrial's end: toollab's finalizer (added before a trial's first action) and the cleanup that
must finish before it is removed.

The operator keeps it itself (not Kopf), so that a standby replica or another shard never adds
or removes it. Both writes carry the trial's resourceVersion: a stale copy gets a Conflict
(retryable) instead of dropping a finalizer someone else added meanwhile.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from toollab import errors
from toollab.model import parse, status, trial
from toollab.runner import execute, profiles
from toollab.runner.deps import Dependencies, Event

FINALIZER = "toollab.dev/finalizer"
RETRY_SECONDS = 2.0  # a transient failure of cleanup
FAILED_SECONDS = 10.0  # cleanup refused (e.g. RBAC): tried again, less often


@dataclass(frozen=True)
class CleanupResult:
    """Whether cleanup on deletion is finished; if not, when to try again."""

    done: bool
    message: str = ""
    delay: float = RETRY_SECONDS
    events: tuple[Event, ...] = ()


def finalizers_of(body: Mapping[str, Any]) -> list[str]:
    """The trial's finalizers, in order."""
    return [str(f) for f in (body.get("metadata") or {}).get("finalizers") or []]


def has_finalizer(body: Mapping[str, Any]) -> bool:
    """Whether the trial carries toollab's finalizer."""
    return FINALIZER in finalizers_of(body)


def is_deleting(body: Mapping[str, Any]) -> bool:
    """Whether the trial is being deleted (it stays until its finalizers are gone)."""
    return bool((body.get("metadata") or {}).get("deletionTimestamp"))


def add_finalizer(body: Mapping[str, Any], *, deps: Dependencies) -> dict[str, Any]:
    """The trial with toollab's finalizer (one write when it is missing)."""
    if has_finalizer(body):
        return dict(body)
    return _write_finalizers(body, [*finalizers_of(body), FINALIZER], deps=deps)


def remove_finalizer(body: Mapping[str, Any], *, deps: Dependencies) -> dict[str, Any]:
    """Let the trial go: the same finalizers without toollab's."""
    if not has_finalizer(body):
        return dict(body)
    return _write_finalizers(body, [f for f in finalizers_of(body) if f != FINALIZER], deps=deps)


def _write_finalizers(
    body: Mapping[str, Any], finalizers: list[str], *, deps: Dependencies
) -> dict[str, Any]:
    meta = body.get("metadata") or {}
    patch = {"metadata": {"finalizers": finalizers, "resourceVersion": meta.get("resourceVersion")}}
    return deps.cluster.patch(
        trial.API_VERSION, trial.KIND, name=meta["name"], namespace=meta["namespace"], patch=patch
    )


def clean_up(*, body: dict[str, Any], deps: Dependencies, now: datetime) -> CleanupResult:
    """On deletion: remove exactly what the trial installed (inventory, release, its namespace)."""
    current = status.TrialStatus.from_raw(body.get("status"), now=now)
    if not current.inventory.entries and not current.inventory.release and current.run is None:
        return CleanupResult(done=True)  # never started: nothing can have been created
    try:
        tool_trial = parse.parse_trial(_resolved_for_cleanup(body, current, deps=deps))
    except errors.SpecError:
        return CleanupResult(done=True, message="invalid spec: nothing was installed")
    try:
        _uninstall_as_trial_or_operator(tool_trial, current, deps=deps, now=now)
    except errors.ToollabError as exc:
        if exc.retryable:
            return CleanupResult(done=False, message=f"cleanup: {exc}", delay=RETRY_SECONDS)
        return CleanupResult(
            done=False,
            message=f"cleanup failed: {exc}",
            delay=FAILED_SECONDS,
            events=(Event("Warning", "CleanupFailed", str(exc), action="Cleanup"),),
        )
    return CleanupResult(
        done=True,
        events=(Event("Normal", "CleanedUp", "removed what the trial installed", action="Cleanup"),),
    )


def _resolved_for_cleanup(
    body: Mapping[str, Any], current: status.TrialStatus, *, deps: Dependencies
) -> Mapping[str, Any]:
    """The body with its profile expanded; when the profile is gone, the parts the status recorded
    (helm parts uninstall by release name, manifests parts by their inventory entries)."""
    try:
        return profiles.resolve(body, cluster=deps.cluster)
    except errors.SpecError:
        if current.install is None or not current.install.parts:
            raise
    recorded = [
        {"name": p.name, "helm": {"repo": "https://recorded.invalid", "chart": p.chart or p.name}}
        if p.method == "helm"
        else {"name": p.name, "manifests": {"inline": [{"apiVersion": "v1", "kind": "List"}]}}
        for p in current.install.parts
    ]
    spec = dict(body.get("spec") or {})
    spec["tool"] = {"name": profiles.profile_name(body), "parts": recorded}
    return dict(body) | {"spec": spec}


def _uninstall_as_trial_or_operator(
    tool_trial: trial.ToolTrial, current: status.TrialStatus, *, deps: Dependencies, now: datetime
) -> None:
    """As the trial's identity; if that identity lost its rights (its namespace is going), as the
    operator: the inventory still limits cleanup to what the trial created."""
    account = current.run.service_account if current.run else tool_trial.service_account
    user = deps.user_for(tool_trial.namespace, account)
    try:
        execute.uninstall(tool_trial, current, deps=deps, user=user, now=now)
    except errors.Forbidden:
        if user is None:
            raise
        execute.uninstall(tool_trial, current, deps=deps, user=None, now=now)


__all__ = [
    "FINALIZER",
    "CleanupResult",
    "add_finalizer",
    "clean_up",
    "finalizers_of",
    "has_finalizer",
    "is_deleting",
    "remove_finalizer",
]
