"""Kubernetes' CEL list library (and cel-go's list extension) over CEL list values.

Pure: no I/O. `isSorted`, `sum`, `min`, `max`, `indexOf`, `lastIndexOf` as in
k8s.io/apiserver/pkg/cel/library/lists.go; `slice`, `flatten`, `distinct`, `reverse`, `sort` as
cel-go's ext.Lists. `indexOf`/`lastIndexOf` on a string are the strings library's.
"""

from __future__ import annotations

import itertools
from typing import Any

from celpy import celtypes
from celpy.evaluation import CELEvalError

from toollab.cel import texts


def _items(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return list(value)


def _comparable(items: list[Any], what: str) -> None:
    kinds = {type(item) for item in items}
    if len(kinds) > 1:
        names = ", ".join(sorted(k.__name__.removesuffix("Type").lower() for k in kinds))
        raise CELEvalError(f"{what}: list elements are not comparable ({names})")


def is_sorted(value: Any) -> celtypes.BoolType:
    """`list.isSorted()`: every element <= the next."""
    items = _items(value)
    _comparable(items, "isSorted")
    return celtypes.BoolType(all(a <= b for a, b in itertools.pairwise(items)))


def total(value: Any) -> Any:
    """`list.sum()`: 0 for an empty list (of the elements' type otherwise)."""
    items = _items(value)
    _comparable(items, "sum")
    if not items:
        return celtypes.IntType(0)
    result = items[0]
    for item in items[1:]:
        result = result + item
    return result


def smallest(value: Any) -> Any:
    """`list.min()`: an error on an empty list."""
    return _extreme(value, "min", min)


def largest(value: Any) -> Any:
    """`list.max()`: an error on an empty list."""
    return _extreme(value, "max", max)


def _extreme(value: Any, name: str, pick: Any) -> Any:
    items = _items(value)
    if not items:
        raise CELEvalError(f"{name}() called on an empty list")
    _comparable(items, name)
    return pick(items)


def index_of(target: Any, item: Any, *offset: Any) -> celtypes.IntType:
    """`list.indexOf(x)` (-1 when absent), or the strings library's `string.indexOf`."""
    if isinstance(target, str):
        return texts.index_of(target, item, *offset)
    items = _items(target)
    return celtypes.IntType(next((i for i, x in enumerate(items) if x == item), -1))


def last_index_of(target: Any, item: Any, *offset: Any) -> celtypes.IntType:
    """`list.lastIndexOf(x)` (-1 when absent), or the strings library's `string.lastIndexOf`."""
    if isinstance(target, str):
        return texts.last_index_of(target, item, *offset)
    items = _items(target)
    found = [i for i, x in enumerate(items) if x == item]
    return celtypes.IntType(found[-1] if found else -1)


def slice_of(value: Any, start: Any, end: Any) -> celtypes.ListType:
    """`list.slice(start, end)`: an error outside 0 <= start <= end <= size."""
    items = _items(value)
    if not 0 <= int(start) <= int(end) <= len(items):
        raise CELEvalError(f"slice({start}, {end}) out of range for a list of {len(items)}")
    return celtypes.ListType(items[int(start) : int(end)])


def flatten(value: Any, *depth: Any) -> celtypes.ListType:
    """`list.flatten([depth])`: nested lists spliced in, one level by default."""
    levels = int(depth[0]) if depth else 1
    if levels < 0:
        raise CELEvalError("flatten() depth must not be negative")
    items = _items(value)
    for _ in range(levels):
        items = [x for item in items for x in (item if isinstance(item, list) else [item])]
    return celtypes.ListType(items)


def distinct(value: Any) -> celtypes.ListType:
    """`list.distinct()`: first occurrences, in order."""
    kept: list[Any] = []
    for item in _items(value):
        if item not in kept:
            kept.append(item)
    return celtypes.ListType(kept)


def reverse(value: Any) -> Any:
    """`list.reverse()`, or the strings library's `string.reverse()`."""
    if isinstance(value, str):
        return celtypes.StringType(value[::-1])
    return celtypes.ListType(list(reversed(_items(value))))


def sort(value: Any) -> celtypes.ListType:
    """`list.sort()`: elements of one comparable type, ascending."""
    items = _items(value)
    _comparable(items, "sort")
    return celtypes.ListType(sorted(items))


FUNCTIONS = {
    "isSorted": is_sorted,
    "sum": total,
    "min": smallest,
    "max": largest,
    "indexOf": index_of,
    "lastIndexOf": last_index_of,
    "slice": slice_of,
    "flatten": flatten,
    "distinct": distinct,
    "reverse": reverse,
    "sort": sort,
}

__all__ = ["FUNCTIONS"]
