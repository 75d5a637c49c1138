"""Wake a polling loop when something it checks changes: watches on the checked collections.

A `ChangeFeed` opens one watch per collection (one object's, by field selector, when the check
names it) from the collection's current resourceVersion, before the round of checks it guards,
so no change after that is missed; `wait(seconds)` returns early when any watch saw an event.
A collection that cannot be watched (not served yet, refused) is left out: the caller's own
interval still bounds the wait. Reader threads only set a flag; they never decode events.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from toollab import errors
from toollab.cluster.port import ObjectRef, ResourceInfo

MARGIN = 5.0  # seconds the client waits past the server's own watch timeout


class Streams(Protocol):
    """What a feed needs of a cluster: discovery, a list, and a streamed GET."""

    def resource(self, api_version: str, kind: str) -> ResourceInfo: ...

    def path(self, info: ResourceInfo, *, namespace: str | None, name: str | None = None) -> str: ...

    def request(
        self, method: str, path: str, *, query: Mapping[str, Any] | None = None, what: str = ""
    ) -> Any: ...

    def open_stream(self, path: str, *, query: Mapping[str, Any], read_timeout: float) -> Any: ...


class ChangeFeed:
    """Open watches; `wait` sleeps until one of them sees an event or the time is up."""

    def __init__(self, streams: Sequence[Any]) -> None:
        self._streams = list(streams)
        self._changed = threading.Event()
        self._threads = [threading.Thread(target=self._read, args=(s,), daemon=True) for s in self._streams]
        for thread in self._threads:
            thread.start()

    @classmethod
    def open(cls, cluster: Streams, refs: Sequence[ObjectRef], *, seconds: float) -> ChangeFeed:
        """Watch the collection (or the one named object) of each ref for up to `seconds`."""
        streams = []
        for path, selector in sorted(_targets(cluster, refs)):
            stream = _open_one(cluster, path, selector, seconds=seconds)
            if stream is not None:
                streams.append(stream)
        return cls(streams)

    @property
    def watching(self) -> int:
        """How many watches are open."""
        return len(self._streams)

    def wait(self, seconds: float) -> None:
        """Sleep `seconds`, or less when a watched object changed since the last wait."""
        if self._changed.wait(max(0.0, seconds)):
            self._changed.clear()

    def close(self) -> None:
        """Stop every watch (their threads end as their connections close)."""
        for stream in self._streams:  # the connection is closed, never returned half-read to the pool
            try:
                if hasattr(stream, "shutdown"):
                    stream.shutdown()  # wakes the reader blocked in a read (urllib3 >= 2.3)
                stream.close()
            except Exception:  # noqa: BLE001 - a stream already gone is fine; closing must not fail
                pass

    def __enter__(self) -> ChangeFeed:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read(self, stream: Any) -> None:
        try:
            for chunk in stream.stream(4096):
                if chunk:
                    self._changed.set()
        except Exception:  # noqa: BLE001 - closed or broken: the caller's interval takes over
            return


def _targets(cluster: Streams, refs: Sequence[ObjectRef]) -> set[tuple[str, str]]:
    """(collection path, field selector) per distinct ref; kinds not served are left out."""
    found: set[tuple[str, str]] = set()
    for ref in refs:
        try:
            info = cluster.resource(ref.api_version, ref.kind)
        except errors.ClusterError:
            continue
        namespace = ref.namespace if info.namespaced else None
        selector = f"metadata.name={ref.name}" if ref.name else ""
        found.add((cluster.path(info, namespace=namespace), selector))
    return found


def _open_one(cluster: Streams, path: str, selector: str, *, seconds: float) -> Any | None:
    """A watch from the collection's current resourceVersion, or None when it cannot be opened."""
    query: dict[str, Any] = {"limit": 1, **({"fieldSelector": selector} if selector else {})}
    try:
        listed = cluster.request("GET", path, query=query, what=f"list {path}")
        version = str((listed.get("metadata") or {}).get("resourceVersion") or "")
        timeout = max(1, math.ceil(seconds))
        watch = {**query, "watch": "1", "resourceVersion": version, "timeoutSeconds": timeout}
        del watch["limit"]
        return cluster.open_stream(path, query=watch, read_timeout=timeout + MARGIN)
    except errors.ClusterError:
        return None


__all__ = ["ChangeFeed"]
