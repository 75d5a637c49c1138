"""Secret values never leave a comparison: mismatches and diffs of a Secret's data name the key
and the lengths, never a value (neither the live one nor the one expected).

Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from toollab.assertions.mismatch import Mismatch, Reason

SECRET_FIELDS = ("data", "stringData")
_SECRET_PATH = re.compile(r"^(data|stringData)([.\[]|$)")


def is_secret(obj: Any) -> bool:
    """Whether `obj` is (or describes) a core v1 Secret."""
    return isinstance(obj, Mapping) and obj.get("kind") == "Secret" and obj.get("apiVersion", "v1") == "v1"


def hidden(value: Any) -> str:
    """What is shown instead of a secret value: its length only."""
    if value is None:
        return "nothing"
    if isinstance(value, Mapping):
        return f"<{len(value)} keys, values hidden>"
    return f"<secret of {len(str(value))} characters>"


def mismatches(found: Sequence[Mismatch]) -> tuple[Mismatch, ...]:
    """Mismatches of a Secret with every value under data/stringData replaced by its length."""
    return tuple(_mismatch(m) for m in found)


def _mismatch(found: Mismatch) -> Mismatch:
    if not _SECRET_PATH.match(found.path) or found.reason is Reason.LENGTH:
        return found
    actual = None if found.reason is Reason.MISSING else hidden(found.actual)
    return replace(found, expected=hidden(found.expected), actual=actual)


def body(obj: Any) -> Any:
    """A Secret (expected or actual) with the values under data/stringData replaced by lengths."""
    if not is_secret(obj):
        return obj
    shown = dict(obj)
    for field in SECRET_FIELDS:
        if isinstance(obj.get(field), Mapping):
            shown[field] = {key: hidden(value) for key, value in obj[field].items()}
        elif field in obj:
            shown[field] = hidden(obj[field])
    return shown


__all__ = ["body", "hidden", "is_secret", "mismatches"]
