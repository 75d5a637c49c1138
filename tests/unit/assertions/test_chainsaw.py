"""The chainsaw dialect, table by table, from assertions.md §10.1 (assertion trees) and §10.2 (errors)."""

from __future__ import annotations

from typing import Any

import pytest

from toollab import errors
from toollab.assertions import chainsaw
from toollab.assertions.mismatch import Mismatch, Reason

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web", "labels": {"app": "web", "tier": "front"}},
    "spec": {
        "replicas": 3,
        "containers": [
            {"name": "app", "image": "nginx:1.27", "resources": {"limits": {"memory": "128Mi"}}},
            {"name": "sidecar", "image": "envoy:1.30", "resources": {"limits": {"memory": "64Mi"}}},
        ],
        "volumes": [],
        "nodeName": None,
    },
    "status": {"readyReplicas": 2.0, "conditions": [{"type": "Ready", "status": "True"}]},
}

MATCHES: list[tuple[str, Any]] = [
    # map nodes
    ("a plain key reads the field", {"metadata": {"name": "web"}}),
    ("extra actual keys are ignored", {"spec": {"replicas": 3}}),
    ("{} passes for any non-null map", {"spec": {}}),
    ("{} passes for a scalar too: present and not null", {"spec": {"replicas": {}}}),
    ("{} passes for an empty list", {"spec": {"volumes": {}}}),
    ("a projection in parentheses", {"spec": {"(length(containers))": 2}}),
    ("jp; selects JMESPath explicitly", {"spec": {"(jp;length(containers))": 2}}),
    ("a projection of a missing path is null, and found", {"spec": {"(nothing)": None}}),
    ("a comparison in a key", {"spec": {"(replicas > `1`)": True}}),
    ("a filter for partial list checks", {"status": {"(conditions[?type=='Ready'] | [0].status)": "True"}}),
    ("~. iterates over every element", {"spec": {"~.containers": {"resources": {"limits": {"memory": {}}}}}}),
    (
        "~. over a projection",
        {"(spec.containers[*].name)": ["app", "sidecar"], "~.(spec.containers)": {"name": {}}},
    ),
    ("~name. binds the index", {"spec": {"~i.containers": {"(name)": "($i == `0` && 'app' || 'sidecar')"}}}),
    ("~name. over a map binds the key", {"metadata": {"~k.labels": "(($k == 'app') && 'web' || 'front')"}}),
    ("an empty list passes iteration vacuously", {"spec": {"~.volumes": {"name": "never-checked"}}}),
    (
        "->name binds the projected value",
        {"spec": {"replicas->r": "($r)", "(replicas)->r": {"(@ == $r)": True}}},
    ),
    ("spaces after the arrow are allowed", {"spec": {"(replicas)->  r": "($r)"}}),
    ("an escaped key is literal", {"metadata": {"labels": {"\\app\\": "web"}}}),
    # list nodes
    (
        "lists of equal length match by index",
        {"spec": {"containers": [{"name": "app"}, {"name": "sidecar"}]}},
    ),
    ("an empty list matches an empty list", {"spec": {"volumes": []}}),
    # scalar nodes
    ("equal strings", {"metadata": {"name": "web"}}),
    ("int against float compares numerically", {"status": {"readyReplicas": 2}}),
    ("float against int compares numerically", {"spec": {"replicas": 3.0}}),
    ("both null", {"spec": {"nodeName": None}}),
    ("a value expression is compared with the field", {"spec": {"replicas": "(`1` + `2`)"}}),
    ("@ in a value is the field", {"metadata": {"name": "(starts_with(@, 'w') && @ || 'x')"}}),
    ("a map result is compared as a subset", {"(metadata)": {"(labels)": "({app: 'web'})"}}),
    ("a list result needs equal length", {"spec": {"(containers[*].name)": "(['app', 'sidecar'])"}}),
    ("an escaped value is literal", {"metadata": {"name": "\\web\\"}}),
]


@pytest.mark.parametrize("expected", [e for _, e in MATCHES], ids=[n for n, _ in MATCHES])
def test_matches(expected: Any) -> None:
    assert chainsaw.match(expected, POD) == []


MISMATCHES: list[tuple[str, Any, list[Mismatch]]] = [
    (
        "an absent key is not found",
        {"spec": {"paused": False}},
        [Mismatch("spec.paused", Reason.MISSING, False, None)],
    ),
    (
        "a key under null is not found",
        {"spec": {"nodeName": {"x": 1}}},
        [Mismatch("spec.nodeName.x", Reason.MISSING, 1, None)],
    ),
    ("{} fails for null", {"spec": {"nodeName": {}}}, [Mismatch("spec.nodeName", Reason.TYPE, {}, None)]),
    (
        "{} fails for an absent key",
        {"spec": {"paused": {}}},
        [Mismatch("spec.paused", Reason.MISSING, {}, None)],
    ),
    (
        "a space before the arrow stays in the key, which is then plain (as upstream)",
        {"spec": {"(replicas) -> r": 3}},
        [Mismatch('spec["(replicas) "]', Reason.MISSING, 3, None)],
    ),
    (
        "a projection's result is compared",
        {"spec": {"(length(containers))": 3}},
        [Mismatch("spec.(length(containers))", Reason.VALUE, 3, 2)],
    ),
    (
        "every element is checked, every mismatch reported",
        {"spec": {"~.containers": {"image": "nginx:1.27"}}},
        [Mismatch("spec.containers[1].image", Reason.VALUE, "nginx:1.27", "envoy:1.30")],
    ),
    (
        "a null list is a field error",
        {"spec": {"nodeName": [1]}},
        [Mismatch("spec.nodeName", Reason.TYPE, "a list", None)],
    ),
    (
        "plain lists are as strict as in kuttl",
        {"spec": {"containers": [{"name": "app"}]}},
        [Mismatch("spec.containers", Reason.LENGTH, 1, 2)],
    ),
    (
        "one side null is a field error",
        {"metadata": {"name": None}, "spec": {"nodeName": "n1"}},
        [
            Mismatch("metadata.name", Reason.TYPE, None, "web"),
            Mismatch("spec.nodeName", Reason.TYPE, "n1", None),
        ],
    ),
    (
        "different numbers",
        {"status": {"readyReplicas": 3}},
        [Mismatch("status.readyReplicas", Reason.VALUE, 3, 2.0)],
    ),
    (
        "a failing comparison in a key",
        {"spec": {"(replicas > `5`)": True}},
        [Mismatch("spec.(replicas > `5`)", Reason.VALUE, True, False)],
    ),
    (
        "a map result with a different value",
        {"metadata": {"labels": "({app: 'db'})"}},
        [Mismatch("metadata.labels", Reason.VALUE, {"app": "db"}, {"app": "web", "tier": "front"})],
    ),
    (
        "every mismatch, in key order",
        {"spec": {"replicas": 1, "containers": [{"name": "x"}, {"name": "y"}]}},
        [
            Mismatch("spec.containers[0].name", Reason.VALUE, "x", "app"),
            Mismatch("spec.containers[1].name", Reason.VALUE, "y", "sidecar"),
            Mismatch("spec.replicas", Reason.VALUE, 1, 3),
        ],
    ),
]


@pytest.mark.parametrize(
    ("expected", "found"), [(e, f) for _, e, f in MISMATCHES], ids=[n for n, _, _ in MISMATCHES]
)
def test_mismatches(expected: Any, found: list[Mismatch]) -> None:
    assert chainsaw.match(expected, POD) == found


EVALUATION_ERRORS: list[tuple[str, Any, str]] = [
    (
        "a plain key under a scalar",
        {"spec": {"replicas": {"x": 1}}},
        "spec.replicas: cannot read field 'x' of an int 3",
    ),
    (
        "a plain key under a list",
        {"spec": {"containers": {"name": "x"}}},
        "cannot read field 'name' of a list",
    ),
    ("a list node against a map", {"spec": [1]}, "spec: expected a list, got a map"),
    (
        "iteration over a scalar",
        {"spec": {"~.replicas": {}}},
        "spec.replicas: ~ iterates over a list or a map, got an int 3",
    ),
    (
        "iteration over null",
        {"spec": {"~.nodeName": {}}},
        "spec.nodeName: ~ iterates over a list or a map, got null",
    ),
    (
        "a string against an int",
        {"spec": {"replicas": "3"}},
        'spec.replicas: types are not comparable: expected a string "3", got an int 3',
    ),
    (
        "a bool against a string",
        {"metadata": {"name": True}},
        "types are not comparable: expected a bool true",
    ),
    (
        "a boolean expression in value position",
        {"spec": {"replicas": "(@ > `1`)"}},
        "types are not comparable: expected a bool true, got an int 3",
    ),
    ("a map result against a scalar", {"spec": {"replicas": "({a: `1`})"}}, "expected a map, got an int 3"),
    (
        "a function given the wrong type",
        {"spec": {"(length(replicas))": 1}},
        "length() expects string or array or object",
    ),
    ("an unknown variable", {"spec": {"($nope)": 1}}, "variable not defined: $nope"),
]


@pytest.mark.parametrize(
    ("expected", "message"),
    [(e, m) for _, e, m in EVALUATION_ERRORS],
    ids=[n for n, _, _ in EVALUATION_ERRORS],
)
def test_evaluation_errors_are_raised_not_reported(expected: Any, message: str) -> None:
    with pytest.raises(errors.EvaluationError) as raised:
        chainsaw.match(expected, POD)
    assert message in str(raised.value)


COMPILE_ERRORS: list[tuple[str, Any, str]] = [
    (
        "a parse error",
        {"spec": {"(replicas ==)": 1}},
        "spec: JMESPath (replicas ==): parse error: incomplete expression",
    ),
    ("an unknown function", {"(frobnicate(spec))": 1}, "unknown function frobnicate()"),
    ("an unsupported Kyverno function", {"(random('[a-z]{3}'))": 1}, "random() (generates random text"),
    ("an unknown engine", {"(js;spec)": 1}, "unknown expression engine"),
    (
        "a binding in a value (a ConfigMap value a->b)",
        {"data": {"k": "a->b"}},
        "data.k: a binding (->) is not allowed",
    ),
    ("iteration in a value", {"data": {"k": "~.x"}}, "iteration (~) is not allowed in a value"),
]


@pytest.mark.parametrize(
    ("expected", "message"), [(e, m) for _, e, m in COMPILE_ERRORS], ids=[n for n, _, _ in COMPILE_ERRORS]
)
def test_bad_trees_fail_to_compile_before_any_object_is_read(expected: Any, message: str) -> None:
    with pytest.raises(errors.EvaluationError) as raised:
        chainsaw.compile_tree(expected)
    assert message in str(raised.value)


def test_bindings_are_lexical_and_outer_bindings_are_visible() -> None:
    tree = {"spec": {"replicas->r": {}, "(replicas)": "($want)", "~.containers": {"(name)": "($r)"}}}
    with pytest.raises(errors.EvaluationError, match=r"variable not defined: \$r"):
        chainsaw.match(tree, POD, bindings={"want": 3})
    assert chainsaw.match({"spec": {"(replicas)": "($want)"}}, POD, bindings={"want": 3}) == []


def test_the_whole_object_can_be_a_scalar_check_against_null() -> None:
    assert chainsaw.match({"($namespace)": "lab"}, None, bindings={"namespace": "lab"}) == []
    assert chainsaw.match({"(`1` + `1`)": 3}, None) == [Mismatch("(`1` + `1`)", Reason.VALUE, 3, 2)]


def test_literal_part_drops_expressions_for_diffs() -> None:
    tree = {"a": 1, "(b)": 2, "~.c": {"d": 3}, "e->x": {"f": "(g)", "h": "\\(i)\\"}, "\\(j)\\": [{"(k)": 1}]}
    assert chainsaw.literal_part(tree) == {"a": 1, "e": {"h": "(i)"}, "(j)": [{}]}


CEL: list[tuple[str, Any]] = [
    ("a CEL key", {"spec": {"(cel;object.replicas > 2)": True}}),
    ("a CEL value", {"spec": {"replicas": "(cel; object + 0)"}}),
    (
        "CEL reads bindings like kyverno-json",
        {"(cel; bindings.resolve('want'))": 3, "(cel;bindings.want)": 3},
    ),
    (
        "CEL with the Kubernetes quantity library",
        {"(cel;quantity('128Mi').isGreaterThan(quantity('64Mi')))": True},
    ),
]


@pytest.mark.parametrize("expected", [e for _, e in CEL], ids=[n for n, _ in CEL])
def test_cel_expressions_run_on_the_shared_engine(expected: Any) -> None:
    assert chainsaw.match(expected, POD, bindings={"want": 3}) == []


def test_compiler_cel_makes_bare_parentheses_cel() -> None:
    assert chainsaw.match({"spec": {"(object.replicas)": 3}}, POD, engine="cel") == []
    with pytest.raises(
        errors.EvaluationError, match=r"CEL expression 'length\(containers\)': unknown function"
    ):
        chainsaw.match({"spec": {"(length(containers))": 2}}, POD, engine="cel")


def test_cel_errors_name_the_expression_and_path() -> None:
    with pytest.raises(errors.EvaluationError) as raised:
        chainsaw.compile_tree({"spec": {"(cel;object.replicas >)": 1}})
    assert str(raised.value).startswith("spec: CEL expression 'object.replicas >': parse error")
    with pytest.raises(errors.EvaluationError, match=r"spec.replicas: CEL expression 'object.nope'"):
        chainsaw.match({"spec": {"replicas": "(cel;object.nope)"}}, POD)
