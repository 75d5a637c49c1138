"""Value comparison of the `chainsaw` dialect's scalar nodes (kyverno-json `pkg/core/matching`).

Pure: no I/O. An expected map is a subset of the actual map, an expected list matches a list of
equal length element by element, and scalars are equal when both are null, when they have the
same type and are equal, or when both are numbers of equal value (`1` and `1.0`). Any other pair
of types cannot be compared: that is `NotComparable`, which the dialect treats as an evaluation
error (not a mismatch).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toollab.assertions import kuttl, mismatch


class NotComparable(Exception):
    """Two values whose types cannot be compared."""


def matches(expected: Any, actual: Any) -> bool:
    """Whether `actual` satisfies `expected`; NotComparable when their types cannot be compared."""
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            raise NotComparable(f"expected a map, got {describe_type(actual)}")
        return all(key in actual and matches(value, actual[key]) for key, value in expected.items())
    if isinstance(expected, list):
        if not isinstance(actual, list):
            raise NotComparable(f"expected a list, got {describe_type(actual)}")
        return len(expected) == len(actual) and all(
            matches(want, have) for want, have in zip(expected, actual, strict=True)
        )
    return equal(expected, actual)


def equal(expected: Any, actual: Any) -> bool:
    """Scalar equality: null only equals null; same types compare; numbers compare by value."""
    if expected is None or actual is None:
        return expected is None and actual is None
    kinds = kuttl.json_type(expected), kuttl.json_type(actual)
    if kinds[0] == kinds[1]:
        return bool(expected == actual)
    if set(kinds) <= {"int", "float"}:
        return bool(expected == actual)
    raise NotComparable(
        f"types are not comparable: expected {describe_type(expected)}, got {describe_type(actual)}"
    )


def describe_type(value: Any) -> str:
    """`a string "x"`, `an int 3`, `a map`, `a list`, `null`: for error messages."""
    kind = kuttl.json_type(value)
    if kind in ("map", "list"):
        return f"a {kind}"
    if kind == "null":
        return "null"
    article = "an" if kind == "int" else "a"
    return f"{article} {kind} {mismatch.render(value, limit=40)}"
