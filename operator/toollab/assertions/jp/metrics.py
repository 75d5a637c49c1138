"""Chainsaw's `x_metrics_decode(text)`: Prometheus text exposition format as a list of samples.

Pure: no I/O; a sample without a timestamp gets the resolver's clock, as upstream gets `now`.
Each sample is `{metric: {__name__, labels…}, value: [seconds, "value"]}` (Prometheus' model
JSON), sorted by labels, then time.
"""

from __future__ import annotations

import math
import re
from typing import Any

from toollab.assertions.jp import lookups, registry

_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)(?:\s+(-?\d+))?\s*$")
_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?')


class MetricsFunctions(lookups.LookupFunctions):
    """`x_metrics_decode`."""

    @registry.signature({"types": ["string"]})
    def _func_x_metrics_decode(self, text: str) -> list[dict[str, Any]]:
        now = self.resolver.now().timestamp()
        samples = [
            _sample(line, number, now)
            for number, line in enumerate(text.splitlines(), start=1)
            if _is_sample(line)
        ]
        return sorted(samples, key=lambda s: (sorted(s["metric"].items()), s["value"][0]))


def _is_sample(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _sample(line: str, number: int, now: float) -> dict[str, Any]:
    match = _SAMPLE.match(line.strip())
    if match is None:
        raise registry.FunctionFailure("x_metrics_decode", f"line {number}: not a sample: {line.strip()!r}")
    name, labels, value, stamp = match.groups()
    metric = {"__name__": name, **_labels(labels or "", number)}
    seconds = int(stamp) / 1000 if stamp else round(now, 3)
    return {"metric": metric, "value": [seconds, _number_text(value, number)]}


def _labels(text: str, number: int) -> dict[str, str]:
    body, found, at = text[1:-1], {}, 0
    while at < len(body):
        match = _LABEL.match(body, at)
        if match is None:
            raise registry.FunctionFailure("x_metrics_decode", f"line {number}: bad labels {text!r}")
        found[match.group(1)] = bytes(match.group(2), "utf-8").decode("unicode_escape")
        at = match.end()
    return found


def _number_text(value: str, number: int) -> str:
    """The value as Prometheus prints it (`42`, `-3.14`, `+Inf`, `NaN`)."""
    try:
        parsed = float(value)
    except ValueError:
        raise registry.FunctionFailure(
            "x_metrics_decode", f"line {number}: not a number: {value!r}"
        ) from None
    if math.isnan(parsed):
        return "NaN"
    if math.isinf(parsed):
        return "+Inf" if parsed > 0 else "-Inf"
    return str(int(parsed)) if parsed.is_integer() and abs(parsed) < 1e21 else repr(parsed)
