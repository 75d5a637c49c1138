"""Properties of the kuttl matcher over generated JSON values (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from toollab.assertions import kuttl
from toollab.assertions.mismatch import Reason

KEYS = st.text(alphabet="abcdefgh", min_size=1, max_size=4)  # plain keys: paths read `a.b[0]`
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=25,
)
OBJECTS = st.dictionaries(KEYS, VALUES, max_size=5)


def leaves(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """(path, scalar) for every scalar in a value, with kuttl's path syntax."""
    if isinstance(value, dict):
        return [
            leaf for key, child in value.items() for leaf in leaves(child, f"{path}.{key}" if path else key)
        ]
    if isinstance(value, list):
        return [leaf for i, child in enumerate(value) for leaf in leaves(child, f"{path}[{i}]")]
    return [(path, value)]


def replaced(value: Any, path: str, new: Any, here: str = "") -> Any:
    """A copy of `value` with the scalar at `path` replaced by `new`."""
    if isinstance(value, dict):
        return {k: replaced(v, path, new, f"{here}.{k}" if here else k) for k, v in value.items()}
    if isinstance(value, list):
        return [replaced(v, path, new, f"{here}[{i}]") for i, v in enumerate(value)]
    return new if here == path else value


def other_than(value: Any) -> Any:
    """A different scalar: same type where possible, else another type."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, float):
        return "not a float"
    return 0  # None


@st.composite
def subsets(draw: st.DrawFn, value: Any) -> Any:
    """`value` with some map keys dropped, at any depth; lists keep their length."""
    if isinstance(value, dict):
        kept = draw(st.lists(st.sampled_from(sorted(value)), unique=True)) if value else []
        return {key: draw(subsets(value[key])) for key in kept}
    if isinstance(value, list):
        return [draw(subsets(item)) for item in value]
    return value


@given(VALUES)
def test_a_value_matches_itself(value: Any) -> None:
    assert kuttl.match(value, value) == []


@given(st.data(), OBJECTS)
def test_dropping_expected_keys_keeps_a_match(data: st.DataObject, actual: dict[str, Any]) -> None:
    expected = data.draw(subsets(actual))
    assert kuttl.match(expected, actual) == []


@given(st.data(), OBJECTS)
def test_changing_a_leaf_breaks_the_match_at_its_path(data: st.DataObject, actual: dict[str, Any]) -> None:
    candidates = leaves(actual)
    if not candidates:
        return
    path, old = data.draw(st.sampled_from(candidates))
    expected = replaced(actual, path, other_than(old))
    found = kuttl.match(expected, actual)
    assert [m.path for m in found] == [path]
    assert found[0].reason in (Reason.VALUE, Reason.TYPE)
    assert found[0].actual == old


@given(OBJECTS)
def test_an_empty_map_matches_every_map(actual: dict[str, Any]) -> None:
    assert kuttl.match({}, actual) == []


@given(OBJECTS, KEYS, VALUES)
def test_an_extra_expected_key_is_missing(actual: dict[str, Any], key: str, value: Any) -> None:
    if key in actual:
        return
    assert [(m.path, m.reason) for m in kuttl.match({**actual, key: value}, actual)] == [
        (key, Reason.MISSING)
    ]
