"""JSON from the API server, decoded so that no object can exhaust the decoder's stack.

The API server stores objects nested up to 10,000 levels; Python's decoder recurses and gives up
near 1,000 levels (RecursionError), and so would every recursive walk of such a body after it.
`loads` cuts every value nested deeper than MAX_DEPTH levels into the string CUT before decoding,
so what comes out is always at most MAX_DEPTH + 1 levels deep; a trial spec that was cut is still
far deeper than `model.limits.MAX_DEPTH` and is refused as an invalid spec.

Pure: no I/O, no recursion of its own, imports nothing from toollab.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 128  # levels of the whole object (a spec nested 100 levels is ~106 in managedFields)
CUT = "<toollab: nested deeper than 128 levels, not decoded>"
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_OPEN = frozenset(b"[{")


def loads(data: bytes | str) -> Any:
    """json.loads, with values nested deeper than MAX_DEPTH replaced by CUT."""
    raw = data.encode() if isinstance(data, str) else data
    if raw.count(b"{") + raw.count(b"[") <= MAX_DEPTH:  # cannot nest deeper: the common case
        return json.loads(raw)
    return json.loads(prune(raw))


def prune(raw: bytes, *, max_depth: int = MAX_DEPTH) -> bytes:
    """`raw` JSON with every object or list that opens below `max_depth` levels replaced by CUT."""
    parts: list[bytes] = []
    depth, kept_until, cut_from = 0, 0, -1
    for token in _TOKENS.finditer(raw):
        first = token.group()[0]
        if first == ord('"'):
            continue
        if first in _OPEN:
            depth += 1
            if depth == max_depth + 1:
                parts.append(raw[kept_until : token.start()])
                cut_from = token.start()
        else:
            if depth == max_depth + 1 and cut_from >= 0:
                parts.append(json.dumps(CUT).encode())
                kept_until, cut_from = token.end(), -1
            depth -= 1
    parts.append(raw[kept_until:])
    return b"".join(parts)


def depth_of(raw: bytes) -> int:
    """The deepest nesting of objects and lists in `raw` JSON (for tests and diagnostics)."""
    deepest = depth = 0
    for token in _TOKENS.finditer(raw):
        first = token.group()[0]
        if first in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif first != ord('"'):
            depth -= 1
    return deepest
