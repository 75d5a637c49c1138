"""Kubernetes quantities and Go durations as Kyverno's arithmetic functions read and print them.

Pure: no I/O. A quantity prints in its canonical form (apimachinery's `Quantity.String()`): the
first operand's format (binary `Ki…Ei`, decimal `n…E`, or exponent `e3`), the largest suffix that
keeps an integer mantissa. A duration prints as Go's `time.Duration.String()` (`1h30m0s`, `1.5s`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from toollab.model import quantities

_DECIMAL_SUFFIXES = {-9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"}
_BINARY_SUFFIXES = ((60, "Ei"), (50, "Pi"), (40, "Ti"), (30, "Gi"), (20, "Mi"), (10, "Ki"))
_DURATION = re.compile(r"^[-+]?(?:0|(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$")
_DURATION_PART = re.compile(r"(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_NANOS = {"ns": 1, "us": 10**3, "µs": 10**3, "μs": 10**3, "ms": 10**6, "s": 10**9, "m": 60 * 10**9}
_NANOS["h"] = 3600 * 10**9


@dataclass(frozen=True)
class Quantity:
    """An exact amount and the format it prints in: `BinarySI`, `DecimalSI` or `DecimalExponent`."""

    amount: Fraction
    format: str

    def __str__(self) -> str:
        return format_quantity(self.amount, self.format)


@dataclass(frozen=True)
class Duration:
    """A Go duration, in whole nanoseconds."""

    nanos: int

    def __str__(self) -> str:
        return format_duration(self.nanos)


def parse_quantity(text: str) -> Quantity | None:
    """A quantity, or None when `text` is not one."""
    try:
        amount = quantities.parse_quantity(text)
    except ValueError:
        return None
    if text.strip() != text or not text:
        return None
    suffix = re.sub(r"^[+-]?[\d.]+", "", text)
    if suffix.endswith("i"):
        return Quantity(amount, "BinarySI")
    return Quantity(amount, "DecimalExponent" if suffix[:1] in ("e", "E") else "DecimalSI")


def parse_duration(text: str) -> Duration | None:
    """A Go duration (`1h30m`, `-1.5s`, `300ms`, `0`), or None when `text` is not one."""
    if not _DURATION.match(text):
        return None
    sign = -1 if text.startswith("-") else 1
    nanos = sum(Fraction(number) * _NANOS[unit] for number, unit in _DURATION_PART.findall(text))
    return Duration(sign * int(nanos))


def format_quantity(amount: Fraction, fmt: str) -> str:
    """apimachinery's canonical form of `amount` in format `fmt`."""
    if fmt == "BinarySI" and abs(amount) >= 1024 and amount.denominator == 1:
        return _binary(int(amount))
    mantissa, exponent = _decimal(amount)
    if fmt == "DecimalExponent":
        return f"{mantissa}e{exponent}" if exponent else str(mantissa)
    if exponent in _DECIMAL_SUFFIXES:
        return f"{mantissa}{_DECIMAL_SUFFIXES[exponent]}"
    return f"{mantissa * 10 ** (exponent - 18)}E"


def format_duration(nanos: int) -> str:
    """Go's `Duration.String()`: `0s`, `1.5µs`, `250ms`, `1m30s`, `1h0m0s`, a leading `-` when negative."""
    if nanos == 0:
        return "0s"
    sign, nanos = ("-" if nanos < 0 else ""), abs(nanos)
    if nanos < 10**9:
        for unit, size in (("ms", 10**6), ("µs", 10**3), ("ns", 1)):
            if nanos >= size:
                return sign + _fraction(nanos, size) + unit
    hours, rest = divmod(nanos, 3600 * 10**9)
    minutes, rest = divmod(rest, 60 * 10**9)
    seconds = _fraction(rest, 10**9) + "s"
    if hours:
        return f"{sign}{hours}h{minutes}m{seconds}"
    return f"{sign}{minutes}m{seconds}" if minutes else sign + seconds


def _binary(value: int) -> str:
    for power, suffix in _BINARY_SUFFIXES:
        if value % (1 << power) == 0:
            return f"{value >> power}{suffix}"
    return str(value)


def _decimal(amount: Fraction) -> tuple[int, int]:
    """(mantissa, exponent): exponent a multiple of 3 from -9 up, as large as keeps the mantissa whole."""
    scaled = amount * 10**9
    nanos = math.ceil(scaled) if scaled > 0 else math.floor(scaled)  # apimachinery rounds away from zero
    exponent = -9
    while nanos and nanos % 1000 == 0 and exponent < 18:
        nanos //= 1000
        exponent += 3
    return nanos, exponent if nanos else 0


def _fraction(value: int, unit: int) -> str:
    whole, rest = divmod(value, unit)
    if not rest:
        return str(whole)
    digits = str(rest).rjust(len(str(unit)) - 1, "0").rstrip("0")
    return f"{whole}.{digits}"
