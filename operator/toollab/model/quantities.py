"""Kubernetes resource quantities ("250m", "1.5", "512Mi", "1e3") as exact numbers, and back.

Pure: no I/O. The one quantity parser of toollab: the footprint sums with it, reports chart with it.
"""

from __future__ import annotations

import re
from fractions import Fraction

_QUANTITY = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))([a-zA-Z]*|[eE][+-]?\d+)$")
_SUFFIXES: dict[str, Fraction] = {
    "": Fraction(1),
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 1000),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
    "Ki": Fraction(2**10),
    "Mi": Fraction(2**20),
    "Gi": Fraction(2**30),
    "Ti": Fraction(2**40),
    "Pi": Fraction(2**50),
    "Ei": Fraction(2**60),
}
_BINARY = ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki")
_DECIMAL = ("E", "P", "T", "G", "M", "k")


def parse_quantity(text: str | int | float) -> Fraction:
    """A Kubernetes quantity ("250m", "1.5", "512Mi", "1e3") as an exact number; ValueError if malformed."""
    match = _QUANTITY.match(str(text).strip())
    if match is None:
        raise ValueError(f"not a Kubernetes quantity: {text!r}")
    number, suffix = Fraction(match.group(1)), match.group(2)
    if suffix[:1] in ("e", "E") and suffix[1:]:
        return number * Fraction(10) ** int(suffix[1:])
    if suffix not in _SUFFIXES:
        raise ValueError(f"not a Kubernetes quantity: {text!r} (unknown suffix {suffix!r})")
    return number * _SUFFIXES[suffix]


def _ceil(value: Fraction) -> int:
    return -((-value.numerator) // value.denominator)


def format_cpu(cores: Fraction) -> str:
    """CPU as Kubernetes prints it: whole cores ("2"), else millicores rounded up ("250m")."""
    if cores.denominator == 1:
        return str(cores.numerator)
    return f"{_ceil(cores * 1000)}m"


def format_memory(size: Fraction) -> str:
    """Bytes with the largest exact suffix, binary first ("640Mi"), then decimal ("5G"), else bytes."""
    whole = _ceil(size)
    for suffix in (*_BINARY, *_DECIMAL):
        unit = int(_SUFFIXES[suffix])
        if whole and whole % unit == 0:
            return f"{whole // unit}{suffix}"
    return str(whole)
