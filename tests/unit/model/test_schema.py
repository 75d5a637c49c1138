"""The offline structural-schema validator behind `toollab validate`."""

from __future__ import annotations

from typing import Any

import pytest

from toollab.model import schema

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 5, "pattern": "^[a-z]+$"},
        "count": {"type": "integer", "minimum": 0, "maximum": 3},
        "ratio": {"type": "number"},
        "on": {"type": "boolean"},
        "mode": {"type": "string", "enum": ["A", "B"]},
        "tags": {"type": "array", "maxItems": 2, "items": {"type": "string"}},
        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}


def problems(value: Any, **kwargs: Any) -> list[str]:
    return [str(p) for p in schema.validate(value, SCHEMA, **kwargs)]


def test_a_valid_value_has_no_problems() -> None:
    value = {
        "name": "ab",
        "count": 3,
        "ratio": 1,
        "on": False,
        "mode": "A",
        "tags": ["x"],
        "labels": {"a": "b"},
    }
    assert problems(value | {"free": {"any": {"thing": [1]}}}) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({}, ["name: required"]),
        ({"name": None}, ["name: required"]),
        ({"name": ""}, ["name: required", 'name: "" does not match ^[a-z]+$']),
        ({"name": "toolong"}, ["name: must be at most 5 characters"]),
        ({"name": "AB"}, ['name: "AB" does not match ^[a-z]+$']),
        ({"name": "a", "count": True}, ["count: must be an integer, not True"]),
        ({"name": "a", "count": 1.5}, ["count: must be an integer, not 1.5"]),
        ({"name": "a", "count": -1}, ["count: must be 0 or more, not -1"]),
        ({"name": "a", "count": 4}, ["count: must be 3 or less, not 4"]),
        ({"name": "a", "ratio": "1"}, ['ratio: must be a number, not "1"']),
        ({"name": "a", "on": "yes"}, ['on: must be a boolean, not "yes"']),
        ({"name": "a", "mode": "C"}, ['mode: "C" is not one of A, B']),
        (
            {"name": "a", "tags": ["x", "y", 3]},
            ["tags: has 3 items, at most 2 allowed", "tags[2]: must be a string, not 3"],
        ),
        ({"name": "a", "tags": {"x": 1}}, ["tags: must be an array, not an object"]),
        ({"name": "a", "extra": 1}, ["extra: unknown field"]),
        ({"name": "a", "labels": {"a": 1}}, ["labels.a: must be a string, not 1"]),
        ([], ["must be an object, not a list"]),
    ],
)
def test_reports_each_violation_with_its_path(value: Any, expected: list[str]) -> None:
    assert problems(value) == expected


def test_nulls_are_skipped_like_the_api_server_prunes_them() -> None:
    assert problems({"name": "a", "count": None, "extra": None}) == []


def test_pattern_text_replaces_the_regex_in_messages() -> None:
    assert problems({"name": "AB"}, pattern_text={"^[a-z]+$": "lower-case letters"}) == [
        'name: "AB" is not lower-case letters'
    ]


def test_validate_resource_leaves_metadata_to_the_api_server() -> None:
    root = {"type": "object", "properties": {"metadata": {"type": "object"}, "spec": {"type": "object"}}}
    body = {"metadata": {"name": "x", "labels": {"a": "b"}}, "spec": {"typo": 1}}
    assert [str(p) for p in schema.validate_resource(body, root)] == ["spec.typo: unknown field"]
