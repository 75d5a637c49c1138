"""The input bounds every trial must keep: nesting depth, serialized size, durations, TTL.

Pure: no I/O, and no recursion (a hostile spec may be nested far deeper than Python's stack).
The CRD states the same bounds where its schema can (tests/unit/test_crd.py holds them in step).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from toollab import errors

MAX_DEPTH = 100  # levels of objects and lists below spec
MAX_SPEC_BYTES = 512 * 1024  # spec as compact JSON
MAX_DURATION_SECONDS = 24 * 3600  # spec.timeout and every step timeout
MAX_TTL_SECONDS = 30 * 24 * 3600  # spec.cleanup.ttlSecondsAfterFinished
MAX_INTERVAL_SECONDS = 30 * 24 * 3600  # spec.schedule @every


def depth(value: Any, *, stop_after: int = MAX_DEPTH) -> int:
    """How deeply `value` nests objects and lists (a scalar: 0); stops counting past `stop_after`."""
    deepest, level = 0, [(value, 0)]
    while level:
        item, at = level.pop()
        children = item.values() if isinstance(item, Mapping) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, at + 1)
        if deepest > stop_after:
            return deepest
        level.extend((child, at + 1) for child in children)
    return deepest


def check_spec(spec: Any, *, path: str = "spec") -> None:
    """SpecError when `spec` nests deeper than MAX_DEPTH or serializes to more than MAX_SPEC_BYTES."""
    if depth(spec) > MAX_DEPTH:
        raise errors.SpecError(path, f"nested deeper than {MAX_DEPTH} levels")
    size = len(json.dumps(spec, separators=(",", ":"), ensure_ascii=False, default=str).encode())
    if size > MAX_SPEC_BYTES:
        raise errors.SpecError(
            path, f"is {size} bytes as JSON, more than {MAX_SPEC_BYTES} ({MAX_SPEC_BYTES // 1024} KiB)"
        )


def check_ttl(seconds: int | None, *, path: str) -> None:
    """SpecError when a TTL is longer than MAX_TTL_SECONDS (None: no TTL)."""
    if seconds is not None and seconds > MAX_TTL_SECONDS:
        raise errors.SpecError(path, f"must be {MAX_TTL_SECONDS} (30 days) or less, not {seconds}")
