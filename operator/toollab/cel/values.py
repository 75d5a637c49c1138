"""Plain JSON-like Python values to CEL values and back.

Pure: no I/O. Bindings arrive as dict/list/str/int/float/bool/None (what the API server
returns); results leave the same way, so callers never see a celpy type.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from celpy import adapter, celtypes

from toollab.cel import quantity


def to_cel(value: Any) -> Any:
    """A plain value (or a tree of them) as CEL values."""
    return adapter.json_to_cel(value)


def bindings_to_cel(bindings: Mapping[str, Any]) -> dict[str, Any]:
    """Every binding as a CEL value, by name."""
    return {str(name): to_cel(value) for name, value in bindings.items()}


def to_plain(value: Any) -> Any:
    """A CEL result as plain Python: bool, int, float, str, bytes, None, list, dict (Quantity as text)."""
    if value is None or isinstance(value, celtypes.BoolType | bool):
        return None if value is None else bool(value)
    if isinstance(value, celtypes.IntType | celtypes.UintType | int):
        return int(value)
    if isinstance(value, celtypes.DoubleType | float):
        return float(value)
    if isinstance(value, celtypes.StringType | str):
        return str(value)
    if isinstance(value, celtypes.BytesType | bytes):
        return bytes(value)
    if isinstance(value, quantity.Quantity):
        return str(value)
    if isinstance(value, celtypes.DurationType | datetime.timedelta):
        return str(value)
    if isinstance(value, celtypes.TimestampType | datetime.datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {to_plain(key): to_plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(item) for item in value]
    return str(value)


def type_name(value: Any) -> str:
    """A CEL value's type as CEL names it (`int`, `string`, `map`, `list`, `Quantity`…)."""
    names = (
        (celtypes.BoolType, "bool"),
        (celtypes.IntType, "int"),
        (celtypes.UintType, "uint"),
        (celtypes.DoubleType, "double"),
        (celtypes.StringType, "string"),
        (celtypes.BytesType, "bytes"),
        (celtypes.ListType, "list"),
        (celtypes.MapType, "map"),
        (celtypes.DurationType, "duration"),
        (celtypes.TimestampType, "timestamp"),
        (quantity.Quantity, "Quantity"),
    )
    if value is None:
        return "null"
    return next((name for cls, name in names if isinstance(value, cls)), type(value).__name__)


__all__ = ["bindings_to_cel", "to_cel", "to_plain", "type_name"]
