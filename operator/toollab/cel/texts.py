"""cel-go's strings extension and Kubernetes' regex library, over CEL string values.

Pure: no I/O. Indexes count code points, as cel-go does. Regular expressions are RE2 (the
syntax Kubernetes and `matches` use), so a pattern behaves as it does in the API server.
"""

from __future__ import annotations

from typing import Any

import re2
from celpy import celtypes
from celpy.evaluation import CELEvalError


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return str(value)


def _index(value: Any, text: str, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what}: expected an int, got {type(value).__name__}")
    if not 0 <= int(value) <= len(text):
        raise CELEvalError(f"{what}: index {int(value)} out of range for a string of length {len(text)}")
    return int(value)


def char_at(value: Any, index: Any) -> celtypes.StringType:
    """`s.charAt(i)`: the code point at i; "" at the end."""
    text = _text(value)
    i = _index(index, text, "charAt")
    return celtypes.StringType(text[i : i + 1])


def index_of(value: Any, part: Any, *offset: Any) -> celtypes.IntType:
    """`s.indexOf(sub[, offset])`: -1 when absent."""
    text = _text(value)
    start = _index(offset[0], text, "indexOf") if offset else 0
    return celtypes.IntType(text.find(_text(part), start))


def last_index_of(value: Any, part: Any, *offset: Any) -> celtypes.IntType:
    """`s.lastIndexOf(sub[, offset])`: the last start at or before offset; -1 when absent."""
    text = _text(value)
    end = _index(offset[0], text, "lastIndexOf") if offset else len(text)
    return celtypes.IntType(text.rfind(_text(part), 0, end + len(_text(part))))


def lower_ascii(value: Any) -> celtypes.StringType:
    """`s.lowerAscii()`: only A-Z change."""
    return celtypes.StringType("".join(c.lower() if "A" <= c <= "Z" else c for c in _text(value)))


def upper_ascii(value: Any) -> celtypes.StringType:
    """`s.upperAscii()`: only a-z change."""
    return celtypes.StringType("".join(c.upper() if "a" <= c <= "z" else c for c in _text(value)))


def replace(value: Any, old: Any, new: Any, *count: Any) -> celtypes.StringType:
    """`s.replace(old, new[, n])`: n < 0 (the default) replaces all."""
    limit = int(count[0]) if count else -1
    return celtypes.StringType(_text(value).replace(_text(old), _text(new), limit))


def split(value: Any, separator: Any, *count: Any) -> celtypes.ListType:
    """`s.split(sep[, n])`: as Go's strings.SplitN (n == 0: [], n < 0: all parts)."""
    text, sep = _text(value), _text(separator)
    limit = int(count[0]) if count else -1
    if limit == 0:
        return celtypes.ListType([])
    if sep == "":
        parts = list(text) if limit < 0 else [*text[: limit - 1], text[limit - 1 :]] if text else []
    else:
        parts = text.split(sep, limit - 1 if limit > 0 else -1)
    return celtypes.ListType([celtypes.StringType(p) for p in parts])


def substring(value: Any, start: Any, *end: Any) -> celtypes.StringType:
    """`s.substring(start[, end])`: an error when out of range or start > end."""
    text = _text(value)
    begin = _index(start, text, "substring")
    stop = _index(end[0], text, "substring") if end else len(text)
    if begin > stop:
        raise CELEvalError(f"substring: start {begin} is after end {stop}")
    return celtypes.StringType(text[begin:stop])


def trim(value: Any) -> celtypes.StringType:
    """`s.trim()`: leading and trailing whitespace removed."""
    return celtypes.StringType(_text(value).strip())


def join(value: Any, *separator: Any) -> celtypes.StringType:
    """`list.join([sep])`: a list of strings joined."""
    if not isinstance(value, list):
        raise TypeError(f"join: expected a list, got {type(value).__name__}")
    return celtypes.StringType((_text(separator[0]) if separator else "").join(_text(v) for v in value))


def _pattern(pattern: Any) -> Any:
    try:
        return re2.compile(_text(pattern))
    except re2.error as exc:
        raise CELEvalError(f"invalid regular expression {str(pattern)!r}: {exc}") from exc


def find(value: Any, pattern: Any) -> celtypes.StringType:
    """`s.find(regex)`: the first match, or ""."""
    match = _pattern(pattern).search(_text(value))
    return celtypes.StringType(match.group(0) if match else "")


def find_all(value: Any, pattern: Any, *count: Any) -> celtypes.ListType:
    """`s.findAll(regex[, n])`: every match (at most n when n >= 0)."""
    limit = int(count[0]) if count else -1
    found = [m.group(0) for m in _pattern(pattern).finditer(_text(value))]
    found = found if limit < 0 else found[:limit]
    return celtypes.ListType([celtypes.StringType(f) for f in found])


FUNCTIONS = {
    "charAt": char_at,
    "lowerAscii": lower_ascii,
    "upperAscii": upper_ascii,
    "replace": replace,
    "split": split,
    "substring": substring,
    "trim": trim,
    "join": join,
    "find": find,
    "findAll": find_all,
}

__all__ = ["FUNCTIONS", "index_of", "last_index_of"]
