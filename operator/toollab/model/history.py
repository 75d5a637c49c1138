"""`status.history`: the last runs of a trial (newest first), and regressions between them.

Pure data: no I/O. A run is recorded when its verdict is written; `spec.historyLimit` (default
10) bounds how many are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from toollab.model import stored
from toollab.model.records import compact, write_time

Raw = Mapping[str, Any]
PASSED, FAILED = "Passed", "Failed"


@dataclass(frozen=True)
class HistoryEntry:
    """One finished run: when, how it ended, how many steps passed, how fast, which version."""

    started_at: datetime
    finished_at: datetime
    result: str  # Passed | Failed | Error
    passed: int = 0
    total: int = 0
    time_to_ready_seconds: float | None = None
    version: str = ""  # what was installed (status.install.version)
    generation: int = 0
    scheduled: bool = False  # started by spec.schedule rather than by a spec change

    def to_raw(self) -> dict[str, Any]:
        """The stored form."""
        raw = {
            "startedAt": write_time(self.started_at),
            "finishedAt": write_time(self.finished_at),
            "result": self.result,
            "passed": self.passed,
            "total": self.total,
        }
        extra = {
            "timeToReadySeconds": self.time_to_ready_seconds,
            "version": self.version or None,
            "generation": self.generation,
            "scheduled": self.scheduled,
        }
        return compact(raw | extra)

    @classmethod
    def from_raw(cls, raw: Raw) -> HistoryEntry | None:
        """Read a stored entry; None when it lacks its times."""
        started, finished = stored.parse_time(raw.get("startedAt")), stored.parse_time(raw.get("finishedAt"))
        if started is None or finished is None:
            return None
        return cls(
            started_at=started,
            finished_at=finished,
            result=stored.as_str(raw.get("result"), "Unknown"),
            passed=stored.as_int(raw.get("passed")),
            total=stored.as_int(raw.get("total")),
            time_to_ready_seconds=stored.as_float(raw.get("timeToReadySeconds")),
            version=stored.as_str(raw.get("version")),
            generation=stored.as_int(raw.get("generation")),
            scheduled=raw.get("scheduled") is True,
        )


def record(history: tuple[HistoryEntry, ...], entry: HistoryEntry, *, limit: int) -> tuple[HistoryEntry, ...]:
    """`entry` first, then the older ones, at most `limit` in all; a run already recorded is replaced."""
    older = tuple(e for e in history if e.started_at != entry.started_at)
    return (entry, *older)[: max(1, limit)]


def regression(history: tuple[HistoryEntry, ...]) -> tuple[HistoryEntry, HistoryEntry] | None:
    """(last good run, this run) when the newest run Failed right after one that Passed."""
    if len(history) < 2 or history[0].result != FAILED or history[1].result != PASSED:
        return None
    return history[1], history[0]


def describe_regression(before: HistoryEntry, now: HistoryEntry) -> str:
    """A line for the Regressed event: what passed, what failed, and whether the version moved."""
    version = ""
    if before.version != now.version and (before.version or now.version):
        version = f"; version {before.version or '?'} -> {now.version or '?'}"
    return (
        f"run started {stored.format_time(now.started_at)} Failed ({now.passed}/{now.total} steps) after the "
        f"run started {stored.format_time(before.started_at)} Passed{version}"
    )
