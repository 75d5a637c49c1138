"""Kubernetes resource quantities ("250m", "512Mi", "1.5Gi") as plain numbers, for charts.

Pure: no I/O. Never raises on odd input; an unreadable quantity is None, so a report still renders.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# apimachinery resource.Quantity suffixes: binary (Ki..Ei), decimal (n..E)
_SUFFIXES: dict[str, Decimal] = {
    "Ki": Decimal(2) ** 10,
    "Mi": Decimal(2) ** 20,
    "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40,
    "Pi": Decimal(2) ** 50,
    "Ei": Decimal(2) ** 60,
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "": Decimal(1),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
}
_QUANTITY = re.compile(r"^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$")


def parse_quantity(text: object) -> float | None:
    """The quantity's value in base units (cores, bytes); None when it is not a quantity."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        return float(text)
    if not isinstance(text, str):
        return None
    match = _QUANTITY.match(text.strip())
    if match is None:
        return None
    try:
        number = Decimal(match.group(1))
    except InvalidOperation:
        return None
    return float(number * _SUFFIXES[match.group(2) or ""])


def format_bytes(value: float) -> str:
    """Bytes in the largest binary unit that keeps the number >= 1 ("1.5Gi", "512Mi")."""
    for suffix in ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki"):
        unit = float(_SUFFIXES[suffix])
        if value >= unit:
            return f"{value / unit:.4g}{suffix}"
    return f"{value:.4g}"


def format_cores(value: float) -> str:
    """Cores as Kubernetes writes them: millicores below one core ("250m"), else cores ("1.5")."""
    if value < 1:
        return f"{value * 1000:.4g}m"
    return f"{value:.4g}"
