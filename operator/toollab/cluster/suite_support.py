"""What the suite runners ask of `KubeCluster` beyond the `Cluster` protocol: emptying a test
namespace (`cluster.namespaces`) and watches that wake a step's polling (`cluster.watching`).

A mixin over the cluster's raw requests; no kubernetes client here.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from toollab.cluster import namespaces, watching
from toollab.cluster.port import Drain, ObjectRef

_LOCK = threading.Lock()  # guards the first use of each connection's drainer


class SuiteSupport:
    """Mixin of `KubeCluster`: `port.NamespaceDrainer` and `port.ChangeWatcher`."""

    def drain_namespace(self: namespaces.Requests, name: str, *, force: bool = False) -> Drain:
        """One round of emptying and finalizing a terminating namespace (see `cluster.namespaces`)."""
        with _LOCK:
            drainer = getattr(self, "_drainer", None)
            if drainer is None:
                drainer = namespaces.Drainer(self)
                setattr(self, "_drainer", drainer)  # noqa: B010 - a Protocol-typed self has no such attribute
        return drainer.drain(name, force=force)

    def watch_changes(
        self: watching.Streams, refs: Sequence[ObjectRef], *, seconds: float
    ) -> watching.ChangeFeed:
        """Watches on the collections of `refs`, opened now (see `cluster.watching`)."""
        return watching.ChangeFeed.open(self, refs, seconds=seconds)


__all__ = ["SuiteSupport"]
