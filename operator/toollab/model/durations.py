"""Durations as written in a ToolTrial ("30s", "5m", "1h30m", "300ms") and back.

Pure: no I/O. The grammar is the CRD's `pattern` for timeouts, a subset of Go's
time.ParseDuration: one to four <number><unit>, units h, m, s, ms, each number at most nine
digits (so parsing never overflows). A duration is at most `limits.MAX_DURATION_SECONDS` (24h).
"""

from __future__ import annotations

import re
from typing import Any

from toollab import errors
from toollab.model import limits

# The CRD uses the same expression (anchored) as its `pattern`; keep them in step.
PATTERN = r"^([0-9]{1,9}(\.[0-9]{1,9})?(ms|h|m|s)){1,4}$"

_WHOLE = re.compile(PATTERN)
_PART = re.compile(r"([0-9]{1,9}(?:\.[0-9]{1,9})?)(ms|h|m|s)")
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def is_duration(text: str) -> bool:
    """Whether `text` matches the duration grammar (zero allowed)."""
    return bool(_WHOLE.match(text))


def parse_duration(value: Any, *, path: str, most: float = limits.MAX_DURATION_SECONDS) -> float:
    """Seconds in a duration like 30s, 5m or 1h30m, at most `most`; SpecError naming `path` otherwise."""
    if not isinstance(value, str) or not is_duration(value):
        shown = f'"{value}"' if isinstance(value, str) else repr(value)
        raise errors.SpecError(path, f"{shown} is not a duration like 30s or 5m")
    seconds = sum(float(number) * _UNIT_SECONDS[unit] for number, unit in _PART.findall(value))
    if seconds <= 0:
        raise errors.SpecError(path, f'"{value}" must be longer than 0s')
    if seconds > most:
        raise errors.SpecError(
            path, f'"{value}" is longer than {format_duration(most)}, the most allowed here'
        )
    return seconds


def format_duration(seconds: float) -> str:
    """A short human form: 45s, 5m, 1h30m, 1.5s, 300ms."""
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    if seconds < 60:
        return f"{seconds:g}s"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(hours, "h"), (minutes, "m"), (secs, "s")]
    return "".join(f"{amount}{unit}" for amount, unit in parts if amount)
