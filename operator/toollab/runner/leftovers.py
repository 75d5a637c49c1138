"""The uninstall audit: after a post-run cleanup, what the trial created that is still in the
cluster (CRDs, other cluster-scoped objects, webhook configurations, namespaces).

Reads only, as the trial's identity; an object it may not read is not reported (nothing is
guessed). An object being deleted (deletionTimestamp set) is going, not left over.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from toollab import errors
from toollab.cluster import port
from toollab.model import records, status, trial
from toollab.model.leftover import Leftover
from toollab.runner import singleton
from toollab.runner.deps import Dependencies


def after_cleanup(
    tool_trial: trial.ToolTrial,
    current: status.TrialStatus,
    *,
    deps: Dependencies,
    user: str | None,
    now: datetime,
) -> tuple[Leftover, ...]:
    """Once the post-run cleanup removed the tool: the audit, and the tool's Lease given up (the
    next trial of a cluster-singleton tool may install now)."""
    left = audit(deps.cluster_for(user), current.inventory.entries)
    if tool_trial.tool.profile:
        singleton.release(deps, tool_trial.tool.profile, singleton.holder_of(tool_trial), now=now)
    return left


def audit(cluster: port.Cluster, entries: Iterable[records.InventoryEntry]) -> tuple[Leftover, ...]:
    """The created, cluster-scoped inventory entries whose objects are still there."""
    found = []
    for entry in entries:
        if not entry.created or entry.namespace is not None:
            continue
        try:
            live = cluster.get(entry.api_version, entry.kind, name=entry.name, namespace=None)
        except (errors.Forbidden, errors.NotFound):
            continue
        if live is not None and not (live.get("metadata") or {}).get("deletionTimestamp"):
            found.append(Leftover(api_version=entry.api_version, kind=entry.kind, name=entry.name))
    return tuple(found)
