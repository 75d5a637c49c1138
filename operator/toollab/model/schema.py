"""A small validator for a CRD's structural OpenAPI v3 schema, for checking files offline.

Covers what the API server checks before CEL: type, required, enum, pattern, minimum,
min/maxLength, min/maxItems, and unknown fields (pruned or rejected by the server) unless
x-kubernetes-preserve-unknown-fields. Not CEL: `parse.parse_trial` re-expresses those rules.
Pure: no I/O; the caller loads the schema.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

Schema = Mapping[str, Any]

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


@dataclass(frozen=True)
class Problem:
    """One schema violation at a field path like `spec.steps[0].timeout`."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def validate(
    value: Any, schema: Schema, *, path: str = "", pattern_text: Mapping[str, str] | None = None
) -> list[Problem]:
    """Every violation of `schema` in `value`, in document order.

    `pattern_text` describes values a pattern accepts ("a duration like 30s or 5m"), for
    messages people can read; patterns not in it are quoted.
    """
    return list(_Checker(pattern_text or {}).check(value, schema, path))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "an object"
    return "a list" if isinstance(value, list) else repr(value)


def _is_type(value: Any, kind: str) -> bool:
    if isinstance(value, bool) and kind != "boolean":
        return False
    if kind == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES.get(kind, (object,)))


@dataclass(frozen=True)
class _Checker:
    pattern_text: Mapping[str, str]

    def check(self, value: Any, schema: Schema, path: str) -> Iterator[Problem]:
        kind = schema.get("type")
        if kind and not _is_type(value, kind):
            article = "an" if kind[0] in "aeiou" else "a"
            yield Problem(path, f"must be {article} {kind}, not {_show(value)}")
            return
        if "enum" in schema and value not in schema["enum"]:
            yield Problem(path, f"{_show(value)} is not one of {', '.join(map(str, schema['enum']))}")
        if isinstance(value, str):
            yield from self._string(value, schema, path)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            yield from self._number(value, schema, path)
        elif isinstance(value, list):
            yield from self._array(value, schema, path)
        elif isinstance(value, dict):
            yield from self._object(value, schema, path)

    def _string(self, value: str, schema: Schema, path: str) -> Iterator[Problem]:
        if "minLength" in schema and len(value) < schema["minLength"]:
            yield Problem(
                path, "required" if not value else f"must be at least {schema['minLength']} characters"
            )
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            yield Problem(path, f"must be at most {schema['maxLength']} characters")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            text = self.pattern_text.get(schema["pattern"])
            shown = f"is not {text}" if text else f"does not match {schema['pattern']}"
            yield Problem(path, f"{_show(value)} {shown}")

    def _number(self, value: float, schema: Schema, path: str) -> Iterator[Problem]:
        if "minimum" in schema and value < schema["minimum"]:
            yield Problem(path, f"must be {schema['minimum']} or more, not {value}")
        if "maximum" in schema and value > schema["maximum"]:
            yield Problem(path, f"must be {schema['maximum']} or less, not {value}")

    def _array(self, value: list[Any], schema: Schema, path: str) -> Iterator[Problem]:
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            yield Problem(path, f"has {len(value)} items, at most {schema['maxItems']} allowed")
        if "minItems" in schema and len(value) < schema["minItems"]:
            yield Problem(path, f"has {len(value)} items, at least {schema['minItems']} needed")
        items = schema.get("items")
        if isinstance(items, Mapping):
            for i, item in enumerate(value):
                if item is not None:
                    yield from self.check(item, items, f"{path}[{i}]")

    def _object(self, value: dict[str, Any], schema: Schema, path: str) -> Iterator[Problem]:
        properties: Mapping[str, Schema] = schema.get("properties") or {}
        for key in schema.get("required") or ():
            if value.get(key) is None:
                yield Problem(_join(path, key), "required")
        extra = schema.get("additionalProperties")
        preserve = schema.get("x-kubernetes-preserve-unknown-fields") is True
        for key, item in value.items():
            if item is None:
                continue  # the API server drops nulls of non-nullable fields
            if key in properties:
                yield from self.check(item, properties[key], _join(path, key))
            elif isinstance(extra, Mapping):
                yield from self.check(item, extra, _join(path, key))
            elif not preserve and extra is not True:
                yield Problem(_join(path, key), "unknown field")


def validate_resource(
    body: Any, schema: Schema, *, pattern_text: Mapping[str, str] | None = None
) -> list[Problem]:
    """A whole object against its CRD schema; `metadata` is left to the API server's own rules."""
    properties = dict(schema.get("properties") or {})
    properties["metadata"] = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    return validate(body, {**schema, "properties": properties}, pattern_text=pattern_text)
