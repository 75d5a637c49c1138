"""Loading YAML as Kubernetes does: numbers, keys, timestamps, null documents, Lists, errors."""

from __future__ import annotations

from typing import Any

import pytest

from toollab import errors
from toollab.assertions import documents

HEAD = "apiVersion: v1\nkind: ConfigMap\n"


def values(yaml_text: str) -> Any:
    """The `v` field of a one-document ConfigMap."""
    [doc] = documents.load_documents(HEAD + yaml_text, source="t.yaml")
    return doc["v"]


SCALARS: list[tuple[str, Any]] = [
    ("2.0", 2),  # a whole float decodes as an int, as live objects do
    ("-3.0", -3),
    ("1e3", 1000),
    ("2.5", 2.5),
    ("1e21", 1e21),  # Go writes it with an exponent: stays a float
    ("9223372036854775808", 9.223372036854776e18),  # beyond int64: a float
    ("017", 15),  # octal, as Go's ParseInt(s, 0, 64)
    ("0o17", 15),
    ("0x1F", 31),
    ("1_000", 1000),
    ("2024-01-01", "2024-01-01"),  # timestamps stay strings
    ("2024-01-01T10:00:00Z", "2024-01-01T10:00:00Z"),
    ("12:30", "12:30"),  # no base-60 numbers
    ("yes", True),
    ("y", True),
    ("n", False),
    ("Off", False),
    ("'2'", "2"),
    ("~", None),
    ("[]", []),
    ("{}", {}),
]


@pytest.mark.parametrize(("text", "value"), SCALARS, ids=[t for t, _ in SCALARS])
def test_scalars_decode_as_kubernetes_does(text: str, value: Any) -> None:
    loaded = values(f"v: {text}\n")
    assert loaded == value
    assert type(loaded) is type(value)


def test_map_keys_become_strings_and_stay_distinct() -> None:
    assert values("v: {1: a, true: b, 1.5: c, 2.0: d}\n") == {"1": "a", "true": "b", "1.5": "c", "2": "d"}


def test_merge_keys_are_honoured() -> None:
    assert values("base: &b {u: 1}\nv: {<<: *b, w: 2}\n") == {"u": 1, "w": 2}


def test_yaml_1_1_boolean_keys_become_true_and_false_as_in_kubernetes() -> None:
    # sigs.k8s.io/yaml (go-yaml v2) reads `y`, `n`, `on` as booleans, keys too
    assert values("v: {y: 1, n: 2, 'on': 3}\n") == {"true": 1, "false": 2, "on": 3}


def test_null_and_empty_documents_are_skipped() -> None:
    text = f"---\n---\nnull\n---\n{HEAD}metadata: {{name: a}}\n---\n"
    assert [d["metadata"]["name"] for d in documents.load_documents(text, source="t.yaml")] == ["a"]


def test_a_v1_list_expands_to_its_items() -> None:
    text = "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: a}}\n"
    assert documents.load_documents(text, source="t.yaml") == [
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}}
    ]


def test_a_typed_list_gives_its_items_apiversion_and_kind() -> None:
    text = "apiVersion: apps/v1\nkind: DeploymentList\nitems:\n- metadata: {name: a}\n"
    assert documents.load_documents(text, source="t.yaml") == [
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a"}}
    ]


def test_a_kind_ending_in_list_without_items_is_an_object() -> None:
    text = "apiVersion: example.com/v1\nkind: Checklist\nspec: {}\n"
    assert documents.load_documents(text, source="t.yaml")[0]["kind"] == "Checklist"


BAD: list[tuple[str, str]] = [
    (f"{HEAD}---\n- a\n- b\n", "t.yaml: document 2 (line 4) is not an object (got a list)"),
    ('"just text"\n', "t.yaml: document 1 (line 1) is not an object (got a string)"),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: [a\n", "t.yaml: line 4: invalid YAML"),
    ("kind: Pod\n", "t.yaml: document 1 (line 1) has no apiVersion"),
    (
        "apiVersion: v1\nkind: List\nitems: [3]\n",
        "t.yaml: document 1 (line 1), item 0 is not an object (got a number)",
    ),
    (f"{HEAD}v: .inf\n", "t.yaml: document 1 (line 1): inf is not a JSON number"),
    (f"{HEAD}v: !!binary aGk=\n", "t.yaml: document 1 (line 1): a bytes value has no JSON form"),
    (f"{HEAD}v: {{[a]: 1}}\n", "t.yaml: line 3: invalid YAML: a map key must be a string, number or boolean"),
]


@pytest.mark.parametrize(("text", "message"), BAD, ids=[m.split(": ", 1)[1] for _, m in BAD])
def test_bad_input_is_an_input_error_naming_the_source_and_line(text: str, message: str) -> None:
    with pytest.raises(errors.InputError) as caught:
        documents.load_documents(text, source="t.yaml")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_kind_can_be_optional() -> None:
    assert documents.load_documents("a: 1\n", source="t.yaml", require_kind=False) == [{"a": 1}]


@pytest.mark.parametrize(
    ("value", "normal"),
    [(2.0, 2), (2.5, 2.5), (True, True), ({"a": [1.0, None]}, {"a": [1, None]}), (2**64, float(2**64))],
)
def test_normalise_applies_the_number_rule(value: Any, normal: Any) -> None:
    assert documents.normalise(value) == normal
    assert type(documents.normalise(value)) is type(normal)
