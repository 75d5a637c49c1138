"""One lane of the engine: a bounded thread pool, the passes running in it, and the fair line of
trials waiting for a slot, with the "Queued" message each of them should show.

No asyncio and no API calls: the engine drives it from its event loop.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent import futures
from dataclasses import dataclass, field

from toollab.engine.fairqueue import FairQueue
from toollab.runner.outlook import Lane

SHOW_AFTER = 2.0  # seconds in line before a trial shows phase Queued (short waits stay invisible)
REFRESH_AFTER = 10.0  # a shown position is rewritten at most this often while it changes
REFRESH_TICK = 1.0  # how often the engine looks for positions to show
SHOW_PER_TICK = 100  # at most this many Queued writes per tick and lane
SLOT_NAMES = {Lane.INSTALL: "an install slot", Lane.STEP: "a step-attempt slot", Lane.GENERAL: "a worker"}


@dataclass
class LaneState:
    """A lane with `capacity` worker threads (the same number of slots)."""

    name: Lane
    capacity: int
    running: int = 0
    waiting: FairQueue[str] = field(default_factory=FairQueue)
    shown: dict[str, tuple[str, float]] = field(default_factory=dict)  # uid -> (message, when written)
    executor: futures.ThreadPoolExecutor = field(init=False)

    def __post_init__(self) -> None:
        if self.capacity < 1:
            raise ValueError(f"lane {self.name}: capacity must be at least 1, got {self.capacity}")
        self.executor = futures.ThreadPoolExecutor(self.capacity, thread_name_prefix=f"toollab-{self.name}")

    @property
    def has_room(self) -> bool:
        """Whether a slot is free."""
        return self.running < self.capacity

    def join(self, uid: str, *, namespace: str, since: float) -> None:
        """Wait in line (a trial already in line keeps its place)."""
        self.waiting.push(uid, namespace=namespace, since=since)

    def leave(self, uid: str) -> None:
        """Out of line (it got a slot elsewhere, changed, or is gone)."""
        self.waiting.remove(uid)
        self.shown.pop(uid, None)

    def due_messages(self, now: float, *, busy: set[str]) -> Iterator[tuple[str, str]]:
        """(uid, message) for trials whose Queued message should be written now."""
        if self.name is Lane.GENERAL or not self.waiting:
            return
        total, count = len(self.waiting), 0
        for position, entry in enumerate(self.waiting.order(), start=1):
            if count >= SHOW_PER_TICK:
                return
            if now - entry.since < SHOW_AFTER or entry.key in busy:
                continue
            message = f"waiting for {SLOT_NAMES[self.name]}: position {position} of {total}"
            shown = self.shown.get(entry.key)
            if shown is not None and (shown[0] == message or now - shown[1] < REFRESH_AFTER):
                continue
            self.shown[entry.key] = (message, now)
            count += 1
            yield entry.key, message


__all__ = ["REFRESH_AFTER", "REFRESH_TICK", "SHOW_AFTER", "LaneState"]
