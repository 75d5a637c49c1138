"""Kyverno's time functions for JMESPath: RFC 3339 times, Go layouts and Go durations.

Pure: no I/O and no clock; `time_now`, `time_now_utc` and a `time_since` without an end ask the
resolver (see `lookups`). Results are RFC 3339 without fractional seconds, as Go's
`time.RFC3339` prints them; durations print as Go does (`1h0m0s`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from toollab.assertions.jp import registry, units

signature = registry.signature
FunctionFailure = registry.FunctionFailure
_STRING: registry.Spec = {"types": ["string"]}
# Go reference-time tokens -> strptime directives, longest first
_GO_LAYOUT = [
    ("January", "%B"), ("Monday", "%A"), ("Z07:00", "%z"), ("-07:00", "%z"), ("-0700", "%z"),
    ("Z0700", "%z"), ("2006", "%Y"), ("Jan", "%b"), ("Mon", "%a"), ("MST", "%Z"), ("002", "%j"),
    (".000000000", ".%f"), (".000000", ".%f"), (".000", ".%f"), (".999999999", ".%f"), (".999999", ".%f"),
    (".999", ".%f"), ("-07", "%z"), ("_2", "%d"), ("01", "%m"), ("02", "%d"), ("03", "%I"), ("04", "%M"),
    ("05", "%S"), ("06", "%y"), ("15", "%H"), ("PM", "%p"), ("pm", "%p"), ("1", "%m"), ("2", "%d"),
    ("3", "%I"), ("4", "%M"), ("5", "%S"),
]  # fmt: skip
_GO_TOKEN = re.compile("|".join(re.escape(token) for token, _ in _GO_LAYOUT))


class TimeFunctions(registry.Registry):
    """`time_add`, `time_parse`, `time_utc`, `time_diff`, `time_before`, `time_after`, `time_between`…"""

    @signature(_STRING, _STRING)
    def _func_time_add(self, time: str, duration: str) -> str:
        return format_time(parse_time(time, "time_add") + _duration(duration, "time_add"))

    @signature(_STRING, _STRING)
    def _func_time_parse(self, layout: str, text: str) -> str:
        return format_time(parse_layout(layout, text, "time_parse"))

    @signature(_STRING)
    def _func_time_utc(self, time: str) -> str:
        return format_time(parse_time(time, "time_utc").astimezone(UTC))

    @signature(_STRING, _STRING)
    def _func_time_diff(self, start: str, end: str) -> str:
        return _between(parse_time(start, "time_diff"), parse_time(end, "time_diff"))

    @signature(_STRING, _STRING)
    def _func_time_before(self, first: str, second: str) -> bool:
        return parse_time(first, "time_before") < parse_time(second, "time_before")

    @signature(_STRING, _STRING)
    def _func_time_after(self, first: str, second: str) -> bool:
        return parse_time(first, "time_after") > parse_time(second, "time_after")

    @signature(_STRING, _STRING, _STRING)
    def _func_time_between(self, time: str, start: str, end: str) -> bool:
        moment = parse_time(time, "time_between")
        return parse_time(start, "time_between") < moment < parse_time(end, "time_between")

    @signature(_STRING, _STRING)
    def _func_time_truncate(self, time: str, duration: str) -> str:
        moment, step = parse_time(time, "time_truncate"), _duration(duration, "time_truncate")
        if step <= timedelta(0):
            return format_time(moment)
        epoch = datetime(1970, 1, 1, tzinfo=UTC)  # whole days from Go's zero time, so the same grid
        return format_time(moment - (moment - epoch) % step)

    @signature(_STRING)
    def _func_time_to_cron(self, time: str) -> str:
        moment = parse_time(time, "time_to_cron")
        weekday = moment.isoweekday() % 7  # Go: Sunday is 0
        return f"{moment.minute} {moment.hour} {moment.day} {moment.month} {weekday}"

    def since(self, layout: str, start: str, end: str, *, now: Callable[[], datetime]) -> str:
        """`time_since`: from `start` to `end` (or to `now()` when `end` is empty)."""
        first = parse_layout(layout, start, "time_since") if layout else parse_time(start, "time_since")
        if not end:
            return _between(first, now())
        last = parse_layout(layout, end, "time_since") if layout else parse_time(end, "time_since")
        return _between(first, last)


def parse_time(text: str, name: str) -> datetime:
    """An RFC 3339 time with a zone (`2024-05-01T10:00:00Z`); FunctionFailure otherwise."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None or "T" not in text.upper():
        raise FunctionFailure(name, f"{text!r} is not an RFC 3339 time")
    return moment


def parse_layout(layout: str, text: str, name: str) -> datetime:
    """`text` read with a Go layout (reference time `Mon Jan 2 15:04:05 MST 2006`); UTC when no zone."""
    directives = dict(_GO_LAYOUT)
    pattern = _GO_TOKEN.sub(lambda m: directives[m.group(0)], layout.replace("%", "%%"))
    try:
        moment = datetime.strptime(text.replace("Z", "+00:00") if "%z" in pattern else text, pattern)
    except ValueError as exc:
        raise FunctionFailure(name, f"cannot parse {text!r} as {layout!r}: {exc}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def format_time(moment: datetime) -> str:
    """RFC 3339 as Go prints it: whole seconds, `Z` for UTC."""
    text = moment.replace(microsecond=0).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _duration(text: str, name: str) -> timedelta:
    parsed = units.parse_duration(text)
    if parsed is None:
        raise FunctionFailure(name, f"{text!r} is not a duration like 1h30m")
    return timedelta(microseconds=parsed.nanos / 1000)


def _between(start: datetime, end: datetime) -> str:
    delta: Any = end - start
    return units.format_duration(int(delta / timedelta(microseconds=1)) * 1000)
