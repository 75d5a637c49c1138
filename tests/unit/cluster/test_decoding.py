"""Decoding what the API server sends: nothing nested too deeply can make the decoder fail."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from toollab.cluster import decoding


def deep_json(levels: int, *, key: str = "a") -> bytes:
    """`{"spec": {"a": {"a": ... "leaf"}}}`, written as text (json.dumps would recurse)."""
    inner = json.dumps(key)
    return b'{"spec":' + (b"{" + inner.encode() + b":") * levels + b'"leaf"' + b"}" * levels + b"}"


def levels_of(value: Any, key: str = "a") -> int:
    count = 0
    while isinstance(value, dict):
        value, count = value[key], count + 1
    return count


def test_json_itself_gives_up_near_a_thousand_levels() -> None:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)  # Python's default (something in the suite may have raised it)
    try:
        with pytest.raises(RecursionError):
            json.loads(deep_json(1200))
        assert decoding.loads(deep_json(1200))["spec"]
    finally:
        sys.setrecursionlimit(limit)


@pytest.mark.parametrize("levels", [1200, 9000])
def test_a_deep_object_is_cut_below_the_limit_and_the_rest_kept(levels: int) -> None:
    decoded = decoding.loads(deep_json(levels))
    assert levels_of(decoded["spec"]) == decoding.MAX_DEPTH - 1
    cut = decoded["spec"]
    while isinstance(cut, dict):
        cut = cut["a"]
    assert cut == decoding.CUT
    assert decoding.depth_of(json.dumps(decoded).encode()) == decoding.MAX_DEPTH


def test_brackets_and_quotes_inside_strings_do_not_count() -> None:
    key = 'x"[{\\'
    decoded = decoding.loads(deep_json(300, key=key))
    assert levels_of(decoded["spec"], key) == decoding.MAX_DEPTH - 1


def test_what_is_not_too_deep_decodes_exactly_as_json_does() -> None:
    shallow = json.dumps({"a": [{"b": ["[", "{", '"']}] * 500, "c": "x" * 10_000}).encode()
    assert decoding.loads(shallow) == json.loads(shallow)
    assert decoding.loads(shallow.decode()) == json.loads(shallow)
    assert decoding.loads(deep_json(decoding.MAX_DEPTH - 1)) == json.loads(deep_json(decoding.MAX_DEPTH - 1))


def test_lists_are_cut_too() -> None:
    raw = b'{"l":' + b"[" * 2000 + b"1" + b"]" * 2000 + b',"after":2}'
    decoded = decoding.loads(raw)
    assert decoded["after"] == 2
    assert decoding.depth_of(json.dumps(decoded).encode()) <= decoding.MAX_DEPTH
