"""Resource quantities as plain numbers and short labels, for the report's charts.

Pure: no I/O. Parsing is `model.quantities`'; this never raises on odd input: an unreadable
quantity is None, so a report still renders.
"""

from __future__ import annotations

from toollab.model import quantities

_BINARY_UNITS = (
    ("Ei", 2.0**60),
    ("Pi", 2.0**50),
    ("Ti", 2.0**40),
    ("Gi", 2.0**30),
    ("Mi", 2.0**20),
    ("Ki", 2.0**10),
)


def parse_quantity(text: object) -> float | None:
    """The quantity's value in base units (cores, bytes); None when it is not a quantity."""
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        return None
    try:
        return float(quantities.parse_quantity(text))
    except ValueError:
        return None


def format_bytes(value: float) -> str:
    """Bytes in the largest binary unit that keeps the number >= 1 ("1.5Gi", "512Mi")."""
    for suffix, unit in _BINARY_UNITS:
        if value >= unit:
            return f"{value / unit:.4g}{suffix}"
    return f"{value:.4g}"


def format_cores(value: float) -> str:
    """Cores as Kubernetes writes them: millicores below one core ("250m"), else cores ("1.5")."""
    if value < 1:
        return f"{value * 1000:.4g}m"
    return f"{value:.4g}"
