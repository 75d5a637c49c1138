"""What wakes a step between its rounds of checks: a change to what it checks, else its interval.

Where the cluster can watch (`port.ChangeWatcher`), the step's waits return as soon as an object
of a checked kind (the named one, when the check names it) changes; elsewhere, and when nothing
can be watched, they are plain sleeps. Talks to the cluster only through the `Cluster` protocol.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from toollab.cluster import port
from toollab.suites.core import celchecks


def checked_refs(
    objects: Sequence[Mapping[str, Any]], cel: celchecks.CelChecks | None, *, namespace: str
) -> list[port.ObjectRef]:
    """The objects (or collections, for unnamed ones) a step's checks read."""
    refs = []
    for obj in objects:
        ref = port.ObjectRef.of(obj)
        if ref.api_version and ref.kind:
            refs.append(port.ObjectRef(ref.api_version, ref.kind, ref.name, ref.namespace or namespace))
    for cel_ref in cel.refs if cel is not None else ():
        refs.append(
            port.ObjectRef(cel_ref.api_version, cel_ref.kind, cel_ref.name, cel_ref.namespace or namespace)
        )
    return refs


@contextlib.contextmanager
def waking(
    cluster: port.Cluster, refs: Sequence[port.ObjectRef], *, seconds: float, sleep: Callable[[float], None]
) -> Iterator[Callable[[float], None]]:
    """A `sleep` that returns early when one of `refs` changes, for the next `seconds`."""
    if not refs or not isinstance(cluster, port.ChangeWatcher):
        yield sleep
        return
    feed = cluster.watch_changes(refs, seconds=seconds)
    try:
        yield feed.wait
    finally:
        feed.close()


__all__ = ["checked_refs", "waking"]
