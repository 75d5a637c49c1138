"""The uninstall audit: after a post-run cleanup, what the trial created that is still in the
cluster (CRDs, other cluster-scoped objects, webhook configurations, namespaces).

Reads only, as the trial's identity; an object it may not read is not reported (nothing is
guessed). An object being deleted (deletionTimestamp set) is going, not left over.
"""

from __future__ import annotations

from collections.abc import Iterable

from toollab import errors
from toollab.cluster import port
from toollab.model import records
from toollab.model.leftover import Leftover


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
