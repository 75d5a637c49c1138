"""The dialect seam: which matcher compares an expected document with an actual object.

Pure: no I/O. `kuttl` is KUTTL's subset rule; `chainsaw` (assertion trees) comes later.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from toollab import errors
from toollab.assertions import kuttl, mismatch


class Dialect(StrEnum):
    """The assertion languages toollab understands."""

    KUTTL = "kuttl"  # literal map subset, ordered lists, strict scalar types
    CHAINSAW = "chainsaw"  # kyverno-json assertion trees with JMESPath (not available yet)


def match(expected: Any, actual: Any, *, dialect: Dialect) -> list[mismatch.Mismatch]:
    """Every mismatch of `expected` against `actual` under `dialect`; empty means a match."""
    check_available(dialect)
    return kuttl.match(expected, actual)


def check_available(dialect: Dialect) -> None:
    """Raise EvaluationError unless `dialect` can be evaluated (only `kuttl`, for now)."""
    if dialect != Dialect.KUTTL:
        raise errors.EvaluationError(f"the {dialect} dialect is not available yet")
