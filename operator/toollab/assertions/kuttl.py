"""The `kuttl` dialect: KUTTL's IsSubset (expected is a subset of actual), reporting every mismatch.

Pure: no I/O. Upstream is kudobuilder/kuttl internal/utils/subset.go. At each node the first
rule that applies decides: different types -> type; map -> every expected key must be present
and match (extra actual keys ignored); list -> equal length, then element by element in order;
scalars -> equal. Types are strict (`True` is not `1`, `1` is not `1.0`); nothing is interpreted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toollab.assertions import mismatch

Mismatch = mismatch.Mismatch
Reason = mismatch.Reason


def match(expected: Any, actual: Any, *, path: str = "") -> list[Mismatch]:
    """Every mismatch of `expected` against `actual`, in path order (keys sorted, indexes ascending)."""
    found: list[Mismatch] = []
    _compare(expected, actual, path, found)
    return found


def json_type(value: Any) -> str:
    """The JSON type of a value, telling bool from int and int from float."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "map"
    if isinstance(value, list | tuple):
        return "list"
    return type(value).__name__


def _compare(expected: Any, actual: Any, path: str, found: list[Mismatch]) -> None:
    kind = json_type(expected)
    if kind != json_type(actual):
        found.append(Mismatch(path, Reason.TYPE, expected, actual))
    elif kind == "map":
        _compare_maps(expected, actual, path, found)
    elif kind == "list":
        _compare_lists(expected, actual, path, found)
    elif expected != actual:
        found.append(Mismatch(path, Reason.VALUE, expected, actual))


def _compare_maps(
    expected: Mapping[str, Any], actual: Mapping[str, Any], path: str, found: list[Mismatch]
) -> None:
    # kuttl: extra keys in actual are ignored; `{}` therefore matches any map
    for key in sorted(expected, key=str):
        where = mismatch.child_path(path, str(key))
        if key not in actual:
            found.append(Mismatch(where, Reason.MISSING, expected[key], None))
        else:
            _compare(expected[key], actual[key], where, found)


def _compare_lists(expected: list[Any], actual: list[Any], path: str, found: list[Mismatch]) -> None:
    # kuttl: no partial, contains or unordered matching; elements pair up by index
    if len(expected) != len(actual):
        found.append(Mismatch(path, Reason.LENGTH, len(expected), len(actual)))
        return
    for index, (want, have) in enumerate(zip(expected, actual, strict=True)):
        _compare(want, have, mismatch.index_path(path, index), found)
