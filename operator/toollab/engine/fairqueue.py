"""A fair waiting line for slots: oldest first within a namespace, namespaces in turn (round-robin).

Pure: no clock reads, no threads; not thread-safe (the engine uses it from its event loop only).
One namespace with 100 waiting trials cannot starve another namespace's one: they alternate.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Waiting(Generic[K]):
    """One entry: who waits, from which namespace, since when (monotonic seconds)."""

    key: K
    namespace: str
    since: float


class FairQueue(Generic[K]):
    """Entries per namespace (FIFO); namespaces take turns: the one served longest ago (or never)
    goes next, and among those never served, the one whose first entry waits longest."""

    def __init__(self) -> None:
        self._lines: dict[str, deque[Waiting[K]]] = {}
        self._entries: dict[K, Waiting[K]] = {}
        self._served: dict[str, int] = {}  # namespace -> turn it was last served in
        self._turn = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def push(self, key: K, *, namespace: str, since: float) -> bool:
        """Queue `key` at the end of its namespace's line; False (and no change) if it waits already."""
        if key in self._entries:
            return False
        entry = Waiting(key, namespace, since)
        self._entries[key] = entry
        self._lines.setdefault(namespace, deque()).append(entry)
        return True

    def remove(self, key: K) -> Waiting[K] | None:
        """Take `key` out wherever it is; None if it was not waiting."""
        entry = self._entries.pop(key, None)
        if entry is not None:
            line = self._lines[entry.namespace]
            line.remove(entry)
            if not line:
                del self._lines[entry.namespace]
        return entry

    def pop(self, eligible: Callable[[K], bool] = lambda _: True) -> Waiting[K] | None:
        """The next entry in fair order for which `eligible(key)` holds, taken out; None if none."""
        for entry in self.order():
            if eligible(entry.key):
                self.remove(entry.key)
                self._turn += 1
                self._served[entry.namespace] = self._turn
                return entry
        return None

    def order(self) -> Iterator[Waiting[K]]:
        """Every entry, in the order `pop` would serve them."""
        turn = self._turn
        heap = [(self._served.get(ns, -1), line[0].since, ns, 0) for ns, line in self._lines.items()]
        heapq.heapify(heap)
        while heap:
            _, _, namespace, depth = heapq.heappop(heap)
            line = self._lines[namespace]
            yield line[depth]
            turn += 1
            if depth + 1 < len(line):
                heapq.heappush(heap, (turn, line[depth + 1].since, namespace, depth + 1))

    def positions(self) -> dict[K, int]:
        """Each waiting key's place in line, 1 first."""
        return {entry.key: index for index, entry in enumerate(self.order(), start=1)}


__all__ = ["FairQueue", "Waiting"]
