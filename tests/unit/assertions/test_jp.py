"""JMESPath Community Edition on the `jmespath` package: grammar, functions, units and error messages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from toollab import errors
from toollab.assertions import jp
from toollab.assertions.jp import units

DATA = {
    "spec": {"replicas": 3, "containers": [{"name": "a", "cpu": "250m"}, {"name": "b", "cpu": "1"}]},
    "metadata": {"labels": {"app": "web", "tier": "front"}},
    "nums": [1, 2.5, 3],
    "text": "  Hello, World  ",
}


def evaluate(expression: str, value: Any = None, **bindings: Any) -> Any:
    return jp.compile_expression(expression).evaluate(DATA if value is None else value, bindings=bindings)


GRAMMAR: list[tuple[str, str, Any]] = [
    ("a field path", "spec.replicas", 3),
    ("a filter", "spec.containers[?name=='b'].cpu | [0]", "1"),
    ("a variable", "$ns", "lab"),
    ("the root", "spec.containers[0].name == $.spec.containers[0].name", True),
    ("addition binds looser than multiplication", "`1` + `2` * `3`", 7),
    ("parentheses group", "(`1` + `2`) * `3`", 9),
    ("subtraction and unary minus", "spec.replicas - `1` + -`1`", 1),
    ("division gives a float", "`7` / `2`", 3.5),
    ("integer division floors", "`7` // `2`", 3),
    ("modulo", "`7` % `4`", 3),
    ("arithmetic on a non-number is null", "spec.replicas + 'x'", None),
    ("ordering applies to numbers only", "'b' > 'a'", None),
    ("equality across int and float", "spec.replicas == `3.0`", True),
    ("true is not 1", "`true` == `1`", False),
    ("deep equality keeps bools apart", "`[true]` == `[1]`", False),
    ("let binds within its body", "let $n = spec.replicas in $n * `2`", 6),
    ("let sees outer bindings", "let $x = `1` in $x + $ns_count", 3),
    ("a projection stops at arithmetic", "length(spec.containers[*].name) + `1`", 3),
    ("raw string literal with an escaped quote", "'it\\'s'", "it's"),
]


@pytest.mark.parametrize(
    ("expression", "result"), [(e, r) for _, e, r in GRAMMAR], ids=[n for n, _, _ in GRAMMAR]
)
def test_grammar(expression: str, result: Any) -> None:
    assert evaluate(expression, ns="lab", ns_count=2) == result


FUNCTIONS: list[tuple[str, Any]] = [
    # go-jmespath community defaults the jmespath package lacks
    ("find_first('abcabc', 'c')", 2),
    ("find_last('abcabc', 'c')", 5),
    ("find_first('abc', 'z')", None),
    ("from_items([['a', `1`], ['b', `2`]])", {"a": 1, "b": 2}),
    ("group_by(spec.containers, &name).a[0].cpu", "250m"),
    ("lower('AbC')", "abc"),
    ("upper('abc')", "ABC"),
    ("pad_left('7', `3`, '0')", "007"),
    ("pad_right('7', `3`)", "7  "),
    ("trim_left('xxaxx', 'x')", "axx"),
    ("trim_right('  a  ')", "  a"),
    ("zip(['a', 'b'], [`1`, `2`, `3`])", [["a", 1], ["b", 2]]),
    ("type(`1.5`)", "number"),
    # kyverno-json (Kyverno's version wins a clash, as in Chainsaw)
    ("replace('aaa', 'a', 'b', `2`)", "bba"),
    ("replace('aaa', 'a', 'b', `-1`)", "bbb"),
    ("replace_all('a.b.c', '.', '/')", "a/b/c"),
    ("split('a,b,c', ',')", ["a", "b", "c"]),
    ("trim('--a--', '-')", "a"),
    ("trim_prefix('v1.2', 'v')", "1.2"),
    ("to_upper('a')", "A"),
    ("to_lower('A')", "a"),
    ("compare('a', 'b')", -1),
    ("equal_fold('Go', 'GO')", True),
    ("regex_match('^nginx:[0-9.]+$', 'nginx:1.27')", True),
    ("regex_match('^[0-9]+$', `42`)", True),
    ("regex_replace_all('([a-z]+)-([0-9]+)', 'web-1', '$2-$1')", "1-web"),
    ("regex_replace_all_literal('[0-9]', 'a1b2', '$1')", "a$1b$1"),
    ("pattern_match('nginx:*', 'nginx:1.27')", True),
    ("wildcard('web-?', 'web-10')", False),
    ("label_match({app: 'web'}, metadata.labels)", True),
    ("label_match({app: 'db'}, metadata.labels)", False),
    ("to_boolean('TRUE')", True),
    ("base64_encode('hello')", "aGVsbG8="),
    ("base64_decode('aGVsbG8=')", "hello"),
    ("path_canonicalize('/a/./b/../c//d')", "/a/c/d"),
    ("truncate('kubernetes', `4`)", "kube"),
    ("parse_json('{\"a\": [1, 2]}').a[1]", 2),
    ("parse_yaml('a: {b: 2024-01-01}').a.b", "2024-01-01"),
    ("lookup(metadata.labels, 'app')", "web"),
    ("lookup(nums, `5`)", None),
    ("items(metadata.labels, 'k', 'v')", [{"k": "app", "v": "web"}, {"k": "tier", "v": "front"}]),
    ("object_from_lists(['a', 'b'], [`1`])", {"a": 1, "b": None}),
    ("at(nums, `1`)", 2.5),
    ("concat('a', 'b')", "ab"),
    ("json_parse('[1]')", [1]),
    ("semver_compare('1.2.3', '>=1.2.0 <2.0.0')", True),
    ("semver_compare('2.0.0', '>=1.2.0 <2.0.0 || >=3.0.0')", False),
    ("semver_compare('1.5.0', '1.x')", True),
    # arithmetic over numbers, quantities and durations
    ("add(`1`, `2`)", 3),
    ("add(spec.replicas, `0.5`)", 3.5),
    ("add('1Gi', '512Mi')", "1536Mi"),
    ("add('250m', '750m')", "1"),
    ("add('1h', '30m0s')", "1h30m0s"),
    ("subtract('1', '250m')", "750m"),
    ("subtract('1h', '90m0s')", "-30m0s"),
    ("multiply('250m', `4`)", "1"),
    ("multiply(`2`, '1Gi')", "2Gi"),
    ("multiply('1m30s', `2`)", "3m0s"),
    ("divide('1Gi', '256Mi')", 4),
    ("divide('1h', '15m0s')", 4),
    ("divide('3', `2`)", "1500m"),
    ("modulo(`7`, `3`)", 1),
    ("modulo('10Gi', '3Gi')", "1Gi"),
    ("sum(spec.containers[*].cpu)", "1250m"),
    ("sum(nums)", 6.5),
    ("round(`2.567`, `2`)", 2.57),
    ("round(`-2.5`, `0`)", -3),
    # time, with no clock needed
    ("time_add('2024-02-28T23:00:00Z', '2h')", "2024-02-29T01:00:00Z"),
    ("time_parse('2006-01-02', '2024-05-01')", "2024-05-01T00:00:00Z"),
    ("time_parse('Jan 2, 2006 at 3:04pm (MST)', 'Feb 3, 2013 at 7:54pm (UTC)')", "2013-02-03T19:54:00Z"),
    ("time_utc('2024-05-01T12:00:00+02:00')", "2024-05-01T10:00:00Z"),
    ("time_diff('2024-05-01T10:00:00Z', '2024-05-01T11:30:15Z')", "1h30m15s"),
    ("time_before('2024-05-01T10:00:00Z', '2024-05-01T11:00:00Z')", True),
    ("time_after('2024-05-01T10:00:00Z', '2024-05-01T11:00:00Z')", False),
    ("time_between('2024-05-01T10:30:00Z', '2024-05-01T10:00:00Z', '2024-05-01T11:00:00Z')", True),
    ("time_truncate('2024-05-01T10:47:13Z', '15m')", "2024-05-01T10:45:00Z"),
    ("time_to_cron('2024-05-05T10:47:00Z')", "47 10 5 5 0"),
    ("time_since('', '2024-05-01T10:00:00Z', '2024-05-01T10:00:01.5Z')", "1.5s"),
    # Chainsaw's own
    ("trim_space(text)", "Hello, World"),
    ("as_string('x')", "x"),
    ("as_string(`1`)", None),
]


@pytest.mark.parametrize(("expression", "result"), FUNCTIONS, ids=[e for e, _ in FUNCTIONS])
def test_functions(expression: str, result: Any) -> None:
    assert evaluate(expression) == result


FAILURES: list[tuple[str, str]] = [
    ("length(spec.replicas)", "length() expects string or array or object, got number 3"),
    ("to_upper()", "to_upper"),
    ("add('1Gi', '1h')", "add(): operand types mismatch"),
    ("add('x', `1`)", "add(): invalid operand 'x': not a number, quantity or duration"),
    ("divide(`1`, `0`)", "divide(): division by zero"),
    ("`1` / `0`", "division by zero"),
    ("modulo(`1.5`, `1`)", "non-integer argument(s) for modulo"),
    ("to_boolean('yes')", "to_boolean(): lowercase argument must be 'true' or 'false'"),
    ("base64_decode('***')", "base64_decode(): not base64"),
    ("regex_match('(', 'x')", "regex_match(): invalid regular expression"),
    ("time_add('yesterday', '1h')", "time_add(): 'yesterday' is not an RFC 3339 time"),
    ("time_add('2024-05-01T10:00:00Z', 'soon')", "'soon' is not a duration"),
    ("$missing", "variable not defined: $missing"),
    ("x_k8s_get($client, 'v1', 'Pod', 'ns', 'p')", "x_k8s_get(): needs a live cluster"),
    ("time_now()", "time_now(): needs a live cluster and clock"),
]


@pytest.mark.parametrize(("expression", "message"), FAILURES, ids=[e for e, _ in FAILURES])
def test_evaluation_failures_name_the_expression_and_cause(expression: str, message: str) -> None:
    with pytest.raises(errors.EvaluationError) as raised:
        evaluate(expression, client=None)
    assert str(raised.value).startswith(f"JMESPath ({expression}): ")
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("spec.", "parse error: incomplete expression"),
        ("spec[?", "parse error: incomplete expression"),
        ("a ^ b", "parse error: Unknown character '^' at column 3"),
        ("`{bad json`", "parse error: Bad JSON literal {bad json at column 1"),
        ("nope(`1`)", "unknown function nope()"),
        ("x509_decode('')", "x509_decode() (decodes certificates) is not supported by toollab"),
        ("let $a = `1` $a", "parse error"),
    ],
)
def test_compile_errors(expression: str, message: str) -> None:
    with pytest.raises(errors.EvaluationError, match=r"^JMESPath \(") as raised:
        jp.compile_expression(expression)
    assert message in str(raised.value)


class FixedResolver:
    """A resolver with one ConfigMap, a fixed clock and a fixed environment."""

    def get(self, api_version: str, kind: str, *, namespace: str, name: str) -> dict[str, Any] | None:
        return {"data": {"k": "v"}} if (kind, namespace, name) == ("ConfigMap", "ns", "cm") else None

    def list(self, api_version: str, kind: str, *, namespace: str) -> list[dict[str, Any]]:
        return [{"metadata": {"name": "cm"}}]

    def serves(self, api_version: str, kind: str) -> bool:
        return kind == "ConfigMap"

    def server_version(self) -> dict[str, Any]:
        return {"major": "1", "minor": "36"}

    def env(self, name: str) -> str:
        return {"HOME": "/home/lab"}.get(name, "")

    def now(self) -> datetime:
        return datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "result"),
    [
        ("x_k8s_get($client, 'v1', 'ConfigMap', 'ns', 'cm').data.k", "v"),
        ("x_k8s_exists($client, 'v1', 'ConfigMap', 'ns', 'other')", False),
        ("x_k8s_list($client, 'v1', 'ConfigMap').items[0].metadata.name", "cm"),
        ("x_k8s_list($client, 'v1', 'ConfigMap', 'ns').kind", "ConfigMapList"),
        ("x_k8s_resource_exists($client, 'v1', 'Secret')", False),
        ("x_k8s_server_version($config).minor", "36"),
        ("env('HOME')", "/home/lab"),
        ("env('UNSET')", ""),
        ("time_now_utc()", "2024-05-01T12:00:00Z"),
        ("time_since('', '2024-05-01T11:00:00Z', '')", "1h0m0s"),
        ("x_metrics_decode('# TYPE up gauge\nup 1\nreq{code=\"200\"} 2.5 1000')[0].value", [1, "2.5"]),
        ("x_metrics_decode('up 1')[0].metric", {"__name__": "up"}),
        ("x_metrics_decode('up 1')[0].value[0]", 1714564800),
    ],
)
def test_lookups_go_through_the_resolver(expression: str, result: Any) -> None:
    program = jp.compile_expression(expression)
    assert (
        program.evaluate(None, bindings={"client": None, "config": None}, resolver=FixedResolver()) == result
    )


def test_the_function_list_is_published() -> None:
    assert {"x_k8s_get", "add", "time_add", "find_first", "length", "env"} <= set(jp.FUNCTION_NAMES)
    assert not set(jp.UNSUPPORTED_FUNCTIONS) & set(jp.FUNCTION_NAMES)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("1536Mi", "1536Mi"),
        ("1.5Gi", "1536Mi"),
        ("2048Ki", "2Mi"),
        ("1000m", "1"),
        ("0.5", "500m"),
        ("1500", "1500"),
        ("1e3", "1e3"),
        ("1.5e3", "1500"),
        ("100n", "100n"),
        ("0.1n", "1n"),
        ("0", "0"),
        ("512", "512"),
    ],
)
def test_quantities_print_in_canonical_form(text: str, canonical: str) -> None:
    quantity = units.parse_quantity(text)
    assert quantity is not None
    assert str(quantity) == canonical


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("1h", "1h0m0s"),
        ("90m", "1h30m0s"),
        ("1.5s", "1.5s"),
        ("300ms", "300ms"),
        ("1500us", "1.5ms"),
        ("-2m3s", "-2m3s"),
        ("0", "0s"),
        ("1h2m3.004s", "1h2m3.004s"),
    ],
)
def test_durations_print_as_go_does(text: str, canonical: str) -> None:
    duration = units.parse_duration(text)
    assert duration is not None
    assert str(duration) == canonical


@pytest.mark.parametrize("text", ["", "1", "h", "1x", "1h-2m", "1.2.3s"])
def test_not_durations(text: str) -> None:
    assert units.parse_duration(text) is None
