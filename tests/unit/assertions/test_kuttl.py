"""The kuttl dialect, table by table, from assertions.md §2 ("Tests MUST pin these consequences")."""

from __future__ import annotations

from typing import Any

import pytest

from toollab.assertions import kuttl
from toollab.assertions.mismatch import Mismatch, Reason

MATCHES: list[tuple[str, Any, Any]] = [
    ("equal strings", "a", "a"),
    ("equal ints", 1, 1),
    ("equal floats", 1.5, 1.5),
    ("equal bools", True, True),
    ("both null", None, None),
    ("extra actual keys are ignored", {"a": 1}, {"a": 1, "b": 2}),
    ("nested map subset", {"s": {"a": 1}}, {"s": {"a": 1, "b": 2}, "t": 3}),
    ("{} matches an empty map", {}, {}),
    ("{} matches any map", {"spec": {}}, {"spec": {"replicas": 3, "x": {"y": 1}}}),
    ("[] matches []", {"items": []}, {"items": []}),
    ("null matches a present null key", {"a": None}, {"a": None, "b": 1}),
    ("lists equal in order", [1, 2, 3], [1, 2, 3]),
    ("partial list elements at known positions", [{"name": "a"}, {}], [{"name": "a", "x": 1}, {"name": "b"}]),
    ("parentheses are plain text", {"(x)": "(len(@) > `0`)"}, {"(x)": "(len(@) > `0`)"}),
    ("tilde is plain text", {"~.items": {"a": 1}}, {"~.items": {"a": 1}}),
    ("arrow is plain text", {"key->name": "a->b"}, {"key->name": "a->b"}),
    ("backslash is plain text", {"\\k\\": "\\v\\"}, {"\\k\\": "\\v\\"}),
]


@pytest.mark.parametrize(
    ("expected", "actual"), [(e, a) for _, e, a in MATCHES], ids=[n for n, _, _ in MATCHES]
)
def test_matches(expected: Any, actual: Any) -> None:
    assert kuttl.match(expected, actual) == []


MISMATCHES: list[tuple[str, Any, Any, list[Mismatch]]] = [
    # no coercion
    ('"1" is not 1', {"a": "1"}, {"a": 1}, [Mismatch("a", Reason.TYPE, "1", 1)]),
    ('true is not "true"', {"a": True}, {"a": "true"}, [Mismatch("a", Reason.TYPE, True, "true")]),
    ("int is not a non-integral float", {"a": 1}, {"a": 1.5}, [Mismatch("a", Reason.TYPE, 1, 1.5)]),
    ("int is not a float, even 1.0", {"a": 1}, {"a": 1.0}, [Mismatch("a", Reason.TYPE, 1, 1.0)]),
    ("true is not 1 (Python's True == 1)", {"a": True}, {"a": 1}, [Mismatch("a", Reason.TYPE, True, 1)]),
    ("false is not 0", {"a": 0}, {"a": False}, [Mismatch("a", Reason.TYPE, 0, False)]),
    (
        "quantities compare as strings",
        {"cpu": "1000m"},
        {"cpu": "1"},
        [Mismatch("cpu", Reason.VALUE, "1000m", "1")],
    ),
    (
        "a bare number is not a quantity string",
        {"cpu": 1},
        {"cpu": "1"},
        [Mismatch("cpu", Reason.TYPE, 1, "1")],
    ),
    ("different strings", {"a": "x"}, {"a": "y"}, [Mismatch("a", Reason.VALUE, "x", "y")]),
    ("different ints", {"a": 2}, {"a": 1}, [Mismatch("a", Reason.VALUE, 2, 1)]),
    ("different bools", {"a": True}, {"a": False}, [Mismatch("a", Reason.VALUE, True, False)]),
    # null
    ("null does not match an absent key", {"a": None}, {}, [Mismatch("a", Reason.MISSING, None, None)]),
    ("null does not match a value", {"a": None}, {"a": "x"}, [Mismatch("a", Reason.TYPE, None, "x")]),
    ("a value does not match null", {"a": 1}, {"a": None}, [Mismatch("a", Reason.TYPE, 1, None)]),
    # {} and []
    ("{} does not match null", {"a": {}}, {"a": None}, [Mismatch("a", Reason.TYPE, {}, None)]),
    ("{} does not match a scalar", {"a": {}}, {"a": "x"}, [Mismatch("a", Reason.TYPE, {}, "x")]),
    ("{} does not match a list", {"a": {}}, {"a": []}, [Mismatch("a", Reason.TYPE, {}, [])]),
    ("{} is no exists check", {"a": {}}, {}, [Mismatch("a", Reason.MISSING, {}, None)]),
    ("[] matches only []", {"a": []}, {"a": [1]}, [Mismatch("a", Reason.LENGTH, 0, 1)]),
    ("[] is not a map", {"a": []}, {"a": {}}, [Mismatch("a", Reason.TYPE, [], {})]),
    # lists: length and order
    ("no contains matching", {"a": [1]}, {"a": [1, 2]}, [Mismatch("a", Reason.LENGTH, 1, 2)]),
    ("a longer expected list", {"a": [1, 2]}, {"a": [1]}, [Mismatch("a", Reason.LENGTH, 2, 1)]),
    (
        "order matters",
        {"a": [1, 2]},
        {"a": [2, 1]},
        [Mismatch("a[0]", Reason.VALUE, 1, 2), Mismatch("a[1]", Reason.VALUE, 2, 1)],
    ),
    (
        "elements pair by index, even wrongly",
        {"c": [{"name": "b"}]},
        {"c": [{"name": "a", "image": "x"}]},
        [Mismatch("c[0].name", Reason.VALUE, "b", "a")],
    ),
    (
        "a length mismatch is not looked into",
        {"c": [{"name": "x"}, {"name": "y"}]},
        {"c": [{"name": "a"}]},
        [Mismatch("c", Reason.LENGTH, 2, 1)],
    ),
    # no interpretation
    (
        "an expression is a literal string",
        {"a": "(@ > `1`)"},
        {"a": 5},
        [Mismatch("a", Reason.TYPE, "(@ > `1`)", 5)],
    ),
    (
        "an expression key is a literal key",
        {"(a)": 1},
        {"a": 1},
        [Mismatch('["(a)"]', Reason.MISSING, 1, None)],
    ),
    ("tilde keys are literal keys", {"~.a": []}, {"a": []}, [Mismatch('["~.a"]', Reason.MISSING, [], None)]),
    # paths and reporting
    (
        "indexed paths",
        {"spec": {"template": {"spec": {"containers": [{"image": "nginx:1.27"}]}}}},
        {"spec": {"template": {"spec": {"containers": [{"image": "nginx:1.25", "name": "web"}]}}}},
        [Mismatch("spec.template.spec.containers[0].image", Reason.VALUE, "nginx:1.27", "nginx:1.25")],
    ),
    (
        "keys that are not plain are quoted",
        {"metadata": {"labels": {"app.kubernetes.io/name": "web"}}},
        {"metadata": {"labels": {"app.kubernetes.io/name": "db"}}},
        [Mismatch('metadata.labels["app.kubernetes.io/name"]', Reason.VALUE, "web", "db")],
    ),
    (
        "every mismatch, sorted by path",
        {"z": 1, "a": {"y": 1, "b": [1, 2]}, "m": "x"},
        {"z": 2, "a": {"y": "1", "b": [1, 3]}},
        [
            Mismatch("a.b[1]", Reason.VALUE, 2, 3),
            Mismatch("a.y", Reason.TYPE, 1, "1"),
            Mismatch("m", Reason.MISSING, "x", None),
            Mismatch("z", Reason.VALUE, 1, 2),
        ],
    ),
    ("a root type mismatch", {"a": 1}, [1], [Mismatch("", Reason.TYPE, {"a": 1}, [1])]),
]


@pytest.mark.parametrize(
    ("expected", "actual", "mismatches"),
    [(e, a, m) for _, e, a, m in MISMATCHES],
    ids=[n for n, _, _, _ in MISMATCHES],
)
def test_mismatches(expected: Any, actual: Any, mismatches: list[Mismatch]) -> None:
    assert kuttl.match(expected, actual) == mismatches


def test_a_path_prefix_is_kept() -> None:
    assert kuttl.match({"a": 1}, {"a": 2}, path="spec") == [Mismatch("spec.a", Reason.VALUE, 1, 2)]


def test_mismatches_read_as_bullets() -> None:
    found = kuttl.match(
        {"spec": {"replicas": 2, "paused": False, "ports": [1, 2]}, "status": {"ready": 1}},
        {"spec": {"replicas": 1, "ports": [1]}, "status": {"ready": "1"}},
    )
    assert [str(m) for m in found] == [
        "spec.paused: expected false, got nothing (missing)",
        "spec.ports: expected 2 items, got 1 item (length)",
        "spec.replicas: expected 2, got 1 (value)",
        'status.ready: expected 1, got "1" (type)',
    ]


def test_the_matcher_never_changes_its_inputs() -> None:
    expected = {"a": [{"b": 1}], "c": {}}
    actual = {"a": [{"b": 2, "x": 1}], "c": {"d": 1}}
    kuttl.match(expected, actual)
    assert expected == {"a": [{"b": 1}], "c": {}}
    assert actual == {"a": [{"b": 2, "x": 1}], "c": {"d": 1}}
