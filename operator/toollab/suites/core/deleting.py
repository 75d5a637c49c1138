"""Delete objects named, or selected by kind and labels, and wait until they are gone.

Shared by KUTTL test steps and ToolTrial delete steps, and the emptying of a test namespace
by both suite formats. Talks to the cluster only through the `Cluster` protocol; sleeps only
through the injected `sleep`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from toollab import errors
from toollab.cluster import port


def find(
    cluster: port.Cluster,
    api_version: str,
    kind: str,
    *,
    name: str,
    namespace: str | None,
    labels: Mapping[str, str] | None,
) -> list[dict[str, Any]]:
    """The named object (if it exists), or every object of the kind matching `labels`."""
    if name:
        found = cluster.get(api_version, kind, name=name, namespace=namespace)
        return [found] if found is not None else []
    return cluster.list(api_version, kind, namespace=namespace, labels=labels or None)


def delete_all(cluster: port.Cluster, refs: Sequence[port.ObjectRef]) -> None:
    """Delete each object (background propagation); one already gone is fine."""
    for ref in refs:
        cluster.delete(ref.api_version, ref.kind, name=ref.name, namespace=ref.namespace)


def wait_gone(
    cluster: port.Cluster,
    refs: Sequence[port.ObjectRef],
    *,
    timeout: float,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    poll: float,
    uids: Mapping[port.ObjectRef, str] | None = None,
) -> list[port.ObjectRef]:
    """Wait until none of `refs` is served or `timeout` passes; the ones still there.

    With `uids`, an object re-created under the same name counts as gone (a recovered pod);
    without, any object of that name keeps the wait going (kuttl's rule).
    """
    deadline = clock() + timeout
    left = list(refs)
    while True:
        left = [ref for ref in left if _still_there(cluster, ref, uid=(uids or {}).get(ref))]
        if not left or clock() >= deadline:
            return left
        sleep(min(poll, max(0.0, deadline - clock())))


NAMESPACE_MODES = ("auto", "fast", "controller")  # who empties a test namespace (--namespace-deletion)


def drain_namespace(
    cluster: port.Cluster,
    namespace: str,
    *,
    mode: str,
    deadline: float,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    poll: float,
) -> port.Drain:
    """Empty and finalize a namespace being deleted, in rounds, until it is gone, refused or the
    deadline; the last round. "controller" (kuttl's way, 5 s or more) and a cluster that cannot
    drain are answered as refused at once; "auto" needs a control plane of one API server."""
    if mode == "controller":
        return port.Drain(refused="--namespace-deletion controller")
    if not isinstance(cluster, port.NamespaceDrainer):
        return port.Drain(refused="this cluster cannot empty namespaces")
    while True:
        drained = cluster.drain_namespace(namespace, force=mode == "fast")
        if drained.gone or drained.refused or clock() >= deadline:
            return drained
        sleep(min(poll, max(0.0, deadline - clock())))


def _still_there(cluster: port.Cluster, ref: port.ObjectRef, *, uid: str | None) -> bool:
    try:
        live = cluster.get(ref.api_version, ref.kind, name=ref.name, namespace=ref.namespace)
    except errors.NotFound:
        return False
    except errors.ClusterError:
        return True  # cannot tell yet; ask again next time
    if live is None:
        return False
    return uid is None or (live.get("metadata") or {}).get("uid") == uid
