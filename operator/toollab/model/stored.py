"""Reading and writing values of a stored `.status`: RFC3339 timestamps, tolerant scalars.

Pure: no clock reads (callers pass `now`), no I/O.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def format_time(moment: datetime) -> str:
    """RFC3339 in UTC with a Z; milliseconds only when there are some."""
    moment = moment.astimezone(UTC)
    if moment.microsecond // 1000:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: Any) -> datetime | None:
    """A stored timestamp, or None when absent or unreadable (a status is never trusted)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def seconds_between(start: datetime | None, end: datetime) -> float:
    """Seconds from `start` to `end` (0 when there is no start), to 0.1 s."""
    if start is None:
        return 0.0
    return round(max(0.0, (end - start).total_seconds()), 1)


def as_int(value: Any, default: int = 0) -> int:
    """An integer field of a stored status, or `default`."""
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def as_float(value: Any, default: float | None = None) -> float | None:
    """A number field of a stored status, or `default`."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value)


def as_str(value: Any, default: str = "") -> str:
    """A string field of a stored status, or `default`."""
    return value if isinstance(value, str) else default
