"""Properties of the chainsaw dialect over generated JSON values (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.unit.assertions import test_properties as kuttl_properties
from toollab.assertions import chainsaw, kuttl
from toollab.assertions.mismatch import Reason

# Keys are identifiers and strings never look like syntax: `(…)`, `~x.`, `->`, `\…\` are generated
# nowhere, so every value means itself.
KEYS = st.text(alphabet="abcdefgh", min_size=1, max_size=4)
TEXT = st.text(alphabet="abc xyz:-_.", max_size=6).filter(lambda t: "->" not in t)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=25,
)
OBJECTS = st.dictionaries(KEYS, VALUES, max_size=5)


def paths(value: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every map-key path in `value` (through maps only) with the value found there."""
    found = [(path, value)] if path else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths(child, (*path, key))
    return found


@given(OBJECTS)
def test_an_object_matches_itself(value: dict[str, Any]) -> None:
    assert chainsaw.match(value, value) == []


@given(st.data(), OBJECTS)
def test_a_projection_of_its_own_value_matches(data: st.DataObject, actual: dict[str, Any]) -> None:
    candidates = paths(actual)
    if not candidates:
        return
    path, value = data.draw(st.sampled_from(candidates))
    expression = ".".join(f'"{key}"' for key in path)
    assert chainsaw.match({f"({expression})": value}, actual) == []


@given(st.data(), OBJECTS)
def test_a_projection_of_a_list_can_be_iterated(data: st.DataObject, actual: dict[str, Any]) -> None:
    lists = [(p, v) for p, v in paths(actual) if isinstance(v, list) and all(isinstance(i, dict) for i in v)]
    if not lists:
        return
    path, items = data.draw(st.sampled_from(lists))
    expression = ".".join(f'"{key}"' for key in path)
    # every element is a map, so `{}` (not null) holds for each, and the length projection holds
    assert chainsaw.match({f"~.({expression})": {}, f"(length({expression}))": len(items)}, actual) == []


@given(st.data(), OBJECTS)
def test_a_kuttl_match_is_a_chainsaw_match(data: st.DataObject, actual: dict[str, Any]) -> None:
    expected = data.draw(kuttl_properties.subsets(actual))
    assert kuttl.match(expected, actual) == []
    assert chainsaw.match(expected, actual) == []


@given(OBJECTS, KEYS, VALUES)
def test_an_extra_expected_key_is_missing(actual: dict[str, Any], key: str, value: Any) -> None:
    if key in actual:
        return
    assert [(m.path, m.reason) for m in chainsaw.match({**actual, key: value}, actual)] == [
        (key, Reason.MISSING)
    ]


@given(st.integers(-(10**6), 10**6))
def test_numbers_compare_by_value_across_int_and_float(number: int) -> None:
    assert chainsaw.match({"n": float(number)}, {"n": number}) == []
    assert chainsaw.match({"n": number}, {"n": float(number)}) == []
    assert [m.reason for m in chainsaw.match({"n": number + 0.5}, {"n": number})] == [Reason.VALUE]
