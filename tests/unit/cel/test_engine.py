"""The shared CEL engine: plain values in and out, the Kubernetes libraries, and errors that say why."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toollab import cel, errors

DEPLOY = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "labels": {"app": "shop", "tier": "front"}},
    "spec": {
        "replicas": 3,
        "template": {
            "spec": {
                "containers": [
                    {"name": "app", "image": "shop:1.2", "resources": {"limits": {"memory": "1Gi"}}},
                    {"name": "proxy", "image": "envoy:1.30", "resources": {"limits": {"memory": "256Mi"}}},
                ]
            }
        },
    },
    "status": {"readyReplicas": 3, "conditions": [{"type": "Available", "status": "True"}]},
}


def evaluate(source: str, **bindings: Any) -> Any:
    return cel.compile_expression(source, variables=list(bindings) or None).evaluate(bindings)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("d.metadata.name == 'web'", True),
        ("d.spec.replicas == d.status.readyReplicas", True),
        ("d.spec.template.spec.containers.all(c, has(c.resources.limits.memory))", True),
        ("d.status.conditions.exists(c, c.type == 'Available' && c.status == 'True')", True),
        ("size(d.spec.template.spec.containers)", 2),
        ("d.spec.template.spec.containers.map(c, c.name)", ["app", "proxy"]),
        ("d.metadata.labels", {"app": "shop", "tier": "front"}),
        ("has(d.spec.paused)", False),
        ("double(d.spec.replicas) * 1.5", 4.5),
        ("d.metadata.name.startsWith('w') ? 'yes' : 'no'", "yes"),
        ("null", None),
    ],
)
def test_expressions_over_an_object_give_plain_values(source: str, expected: Any) -> None:
    result = evaluate(source, d=DEPLOY)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # quantity (k8s.io/apiserver/pkg/cel/library/quantity.go)
        ("quantity('1Gi') == quantity('1024Mi')", True),
        ("quantity('1Gi').isGreaterThan(quantity('512Mi'))", True),
        ("quantity('250m').isLessThan(quantity('1'))", True),
        ("quantity('2k').compareTo(quantity('2000'))", 0),
        ("quantity('1.5').isInteger()", False),
        ("quantity('2Ki').asInteger()", 2048),
        ("quantity('500m').asApproximateFloat()", 0.5),
        ("quantity('-3').sign()", -1),
        ("quantity('1Gi').add(quantity('1Gi')).asInteger()", 2 * 2**30),
        ("quantity('1').sub(3).asInteger()", -2),
        ("isQuantity('12Mi') && !isQuantity('12 MiB')", True),
        (
            "d.spec.template.spec.containers.all(c,"
            " quantity(c.resources.limits.memory).isLessThan(quantity('2Gi')))",
            True,
        ),
        # lists
        ("[1, 2, 2, 5].isSorted() && ![2, 1].isSorted()", True),
        ("[1, 2, 3].sum()", 6),
        ("[1.5, 2.5].sum()", 4.0),
        ("[].sum()", 0),
        ("[3, 1, 2].min()", 1),
        ("[3, 1, 2].max()", 3),
        ("['a', 'b', 'a'].indexOf('a')", 0),
        ("['a', 'b', 'a'].lastIndexOf('a')", 2),
        ("['a'].indexOf('z')", -1),
        ("[1, 2, 3, 4].slice(1, 3)", [2, 3]),
        ("[[1], [2, [3]]].flatten()", [1, 2, [3]]),
        ("[1, 2, 1, 3].distinct()", [1, 2, 3]),
        ("[1, 2, 3].reverse()", [3, 2, 1]),
        ("['b', 'c', 'a'].sort()", ["a", "b", "c"]),
        # strings
        ("'hello'.charAt(1)", "e"),
        ("'hello'.charAt(5)", ""),
        ("'banana'.indexOf('an')", 1),
        ("'banana'.indexOf('an', 2)", 3),
        ("'banana'.lastIndexOf('an')", 3),
        ("'MiXed ß'.lowerAscii()", "mixed ß"),
        ("'mixed'.upperAscii()", "MIXED"),
        ("'a.b.c'.replace('.', '/')", "a/b/c"),
        ("'a.b.c'.replace('.', '/', 1)", "a/b.c"),
        ("'a,b,c'.split(',')", ["a", "b", "c"]),
        ("'a,b,c'.split(',', 2)", ["a", "b,c"]),
        ("'a,b'.split(',', 0)", []),
        ("'kubernetes'.substring(4, 8)", "rnet"),
        ("'  padded \\t'.trim()", "padded"),
        ("['x', 'y'].join('-')", "x-y"),
        ("['x', 'y'].join()", "xy"),
        # regex (RE2, as the API server)
        ("'shop:1.2'.find('[0-9]+\\\\.[0-9]+')", "1.2"),
        ("'no digits'.find('[0-9]+')", ""),
        ("'a1b22c333'.findAll('[0-9]+')", ["1", "22", "333"]),
        ("'a1b22c333'.findAll('[0-9]+', 2)", ["1", "22"]),
        ("'shop:1.2'.matches('^shop:')", True),
    ],
)
def test_kubernetes_libraries(source: str, expected: Any) -> None:
    assert evaluate(source, d=DEPLOY) == expected


@pytest.mark.parametrize(
    ("source", "cause"),
    [
        ("d.metadata.name ==", "parse error at line 1, column 17"),
        ("d.metadata.(name)", "parse error at line 1"),
        ("nosuch(d)", "unknown function 'nosuch' at line 1, column 1"),
        ("d.metadata.name.shout()", "unknown function 'shout' at line 1, column 17"),
        ("x.metadata.name == 'web'", "undeclared reference to 'x' at line 1, column 1 (known: d)"),
        ("", "empty expression"),
    ],
)
def test_compile_errors_name_the_expression_and_the_cause(source: str, cause: str) -> None:
    with pytest.raises(errors.CelError) as caught:
        cel.compile_expression(source, variables=["d"])
    assert caught.value.expression == source
    assert cause in str(caught.value)
    assert str(caught.value).startswith(f"CEL expression {source!r}: ")


@pytest.mark.parametrize(
    ("source", "cause"),
    [
        ("d.spec.nope == 1", "no such key: 'nope'"),
        ("d.metadata.labels['team']", "no such key: 'team'"),
        ("d.metadata.name + 1", "no matching overload for '+' applied to '(string, int)'"),
        ("d.spec.replicas < 'three'", "no matching overload for '<' applied to '(int, string)'"),
        ("d.spec.replicas * 1.5", "no matching overload for '*' applied to '(int, double)'"),
        ("d.spec.replicas / 0", "division by zero"),
        ("[].max()", "max() called on an empty list"),
        ("[1, 'a'].sort()", "list elements are not comparable (int, string)"),
        ("quantity('ten')", "invalid quantity 'ten'"),
        ("quantity('1.5').asInteger()", "cannot convert quantity '1.5' to an int64 without loss"),
        ("'abc'.substring(2, 1)", "start 2 is after end 1"),
        ("'abc'.charAt(9)", "index 9 out of range"),
        ("'x'.find('(')", "invalid regular expression '('"),
        ("[1][3]", "index out of range"),
    ],
)
def test_evaluation_errors_name_the_expression_and_the_cause(source: str, cause: str) -> None:
    program = cel.compile_expression(source, variables=["d"])
    with pytest.raises(errors.CelError) as caught:
        program.evaluate({"d": DEPLOY})
    assert cause in str(caught.value)
    assert caught.value.expression == source


def test_the_agreed_public_surface() -> None:
    assert set(cel.__all__) == {"CelError", "Program", "compile_expression"}


def test_cel_errors_belong_to_the_error_tree() -> None:
    assert issubclass(cel.CelError, errors.ToollabError)
    assert cel.CelError is errors.CelError


def test_without_declared_variables_a_missing_binding_fails_at_evaluation() -> None:
    program = cel.compile_expression("ready.status.readyReplicas > 0")
    with pytest.raises(errors.CelError, match="undeclared reference to 'ready'"):
        program.evaluate({})
    assert program.evaluate({"ready": {"status": {"readyReplicas": 1}}}) is True


def test_macro_variables_are_not_undeclared_references() -> None:
    assert evaluate("pods.all(p, p.ready) && pods.exists_one(q, q.ready)", pods=[{"ready": True}])


def test_a_program_is_reusable_and_never_keeps_bindings() -> None:
    program = cel.compile_expression("obj.n * 2", variables=["obj"])
    assert [program.evaluate({"obj": {"n": n}}) for n in (1, 2, 3)] == [2, 4, 6]


def test_hostile_input_is_an_error_not_a_crash() -> None:
    with pytest.raises(errors.CelError):
        cel.compile_expression("(" * 500 + "1" + ")" * 500).evaluate({})
    long_string = "'" + "a" * 100_000 + "'.size()"
    assert cel.compile_expression(long_string).evaluate({}) == 100_000


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**62), 2**62) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@given(json_values)
def test_a_binding_comes_back_as_it_went_in(value: Any) -> None:
    assert cel.compile_expression("v", variables=["v"]).evaluate({"v": value}) == value
