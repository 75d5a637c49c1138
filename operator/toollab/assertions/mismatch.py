"""Mismatch records: where an expected document and an actual object differ, as data.

Pure: no I/O. A mismatch is never raised; matchers return lists of them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")
_MAX_VALUE_CHARS = 60


class Reason(StrEnum):
    """Why one node of the expected tree does not match."""

    MISSING = "missing"  # the expected map key is absent from actual
    TYPE = "type"  # the two values have different JSON types
    LENGTH = "length"  # the two lists have different lengths
    VALUE = "value"  # two scalars of the same type differ


@dataclass(frozen=True)
class Mismatch:
    """One difference: indexed field path, reason, and the expected and actual values.

    For `length`, expected and actual are the two lengths; for `missing`, actual is None.
    """

    path: str
    reason: Reason
    expected: Any
    actual: Any

    def describe(self) -> str:
        """`path: expected X, got Y`, without the reason."""
        where = self.path or "(the object)"
        if self.reason is Reason.MISSING:
            return f"{where}: expected {render(self.expected)}, got nothing"
        if self.reason is Reason.LENGTH:
            return f"{where}: expected {_items(self.expected)}, got {_items(self.actual)}"
        return f"{where}: expected {render(self.expected)}, got {render(self.actual)}"

    def __str__(self) -> str:
        return f"{self.describe()} ({self.reason})"


def child_path(path: str, key: str) -> str:
    """The path of a map key: `a.b`, or `a["x.y/z"]` when the key is not plain."""
    if _PLAIN_KEY.fullmatch(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def index_path(path: str, index: int) -> str:
    """The path of a list element: `a[0]`."""
    return f"{path}[{index}]"


def render(value: Any, *, limit: int = _MAX_VALUE_CHARS) -> str:
    """A value as compact JSON (strings quoted, null, true), cut at `limit` characters."""
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _items(count: Any) -> str:
    return f"{count} item" if count == 1 else f"{count} items"
