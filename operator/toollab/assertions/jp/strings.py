"""kyverno-json's and Chainsaw's string, encoding, parsing and collection functions for JMESPath.

Pure: no I/O. Names, arguments and results follow kyverno-json `pkg/jp` and Chainsaw
`pkg/engine/functions`; where both the community edition and Kyverno define a name (`replace`,
`split`, `trim`, `items`), Kyverno's version wins, as in Chainsaw's function table.
"""

from __future__ import annotations

import base64
import binascii
import json
import posixpath
import re
from typing import Any

from toollab import errors
from toollab.assertions import documents
from toollab.assertions.jp import registry

signature = registry.signature
FunctionFailure = registry.FunctionFailure
_STRING: registry.Spec = {"types": ["string"]}
_STRING_OR_NUMBER: registry.Spec = {"types": ["string", "number"]}


class StringFunctions(registry.Registry):
    """Strings, regular expressions, wildcards, base64, JSON/YAML parsing, lookups in objects and arrays."""

    @signature(_STRING, _STRING)
    def _func_compare(self, left: str, right: str) -> int:
        return (left > right) - (left < right)

    @signature(_STRING, _STRING)
    def _func_equal_fold(self, left: str, right: str) -> bool:
        return left.casefold() == right.casefold()

    @signature(_STRING, _STRING, _STRING, {"types": ["number"]})
    def _func_replace(self, text: str, old: str, new: str, count: float) -> str:
        return text.replace(old, new, int(count)) if count >= 0 else text.replace(old, new)

    @signature(_STRING, _STRING, _STRING)
    def _func_replace_all(self, text: str, old: str, new: str) -> str:
        return text.replace(old, new)

    @signature(_STRING)
    def _func_to_upper(self, text: str) -> str:
        return text.upper()

    @signature(_STRING)
    def _func_to_lower(self, text: str) -> str:
        return text.lower()

    @signature(_STRING, _STRING)
    def _func_trim(self, text: str, cutset: str) -> str:
        return text.strip(cutset) if cutset else text

    @signature(_STRING, _STRING)
    def _func_trim_prefix(self, text: str, prefix: str) -> str:
        return text.removeprefix(prefix)

    @signature(_STRING)
    def _func_trim_space(self, text: str) -> str:
        return text.strip()

    @signature(_STRING, _STRING)
    def _func_split(self, text: str, separator: str) -> list[str]:
        return text.split(separator) if separator else list(text)

    @signature(_STRING, _STRING)
    def _func_concat(self, left: str, right: str) -> str:
        return left + right

    @signature(_STRING, _STRING_OR_NUMBER, _STRING_OR_NUMBER)
    def _func_regex_replace_all(self, pattern: str, text: Any, replacement: Any) -> str:
        template = re.sub(r"\$\{?(\w+)\}?", r"\\g<\1>", go_string(replacement))  # Go's $1 / ${name}
        return _regex(pattern, "regex_replace_all").sub(template, go_string(text))

    @signature(_STRING, _STRING_OR_NUMBER, _STRING_OR_NUMBER)
    def _func_regex_replace_all_literal(self, pattern: str, text: Any, replacement: Any) -> str:
        literal = go_string(replacement)
        return _regex(pattern, "regex_replace_all_literal").sub(lambda _: literal, go_string(text))

    @signature(_STRING, _STRING_OR_NUMBER)
    def _func_regex_match(self, pattern: str, text: Any) -> bool:
        return _regex(pattern, "regex_match").search(go_string(text)) is not None

    @signature(_STRING, _STRING_OR_NUMBER)
    def _func_pattern_match(self, pattern: str, text: Any) -> bool:
        return matches_wildcard(pattern, go_string(text))

    @signature(_STRING, _STRING)
    def _func_wildcard(self, pattern: str, text: str) -> bool:
        return matches_wildcard(pattern, text)

    @signature({"types": ["object"]}, {"types": ["object"]})
    def _func_label_match(self, selector: dict[str, Any], labels: dict[str, Any]) -> bool:
        return all(key in labels and labels[key] == value for key, value in selector.items())

    @signature(_STRING)
    def _func_to_boolean(self, text: str) -> bool:
        lowered = text.lower()
        if lowered not in ("true", "false"):
            raise FunctionFailure(
                "to_boolean", f"lowercase argument must be 'true' or 'false' (got {text!r})"
            )
        return lowered == "true"

    @signature(_STRING)
    def _func_base64_decode(self, text: str) -> str:
        try:
            return base64.b64decode(text, validate=True).decode("utf-8", errors="replace")
        except (binascii.Error, ValueError) as exc:
            raise FunctionFailure("base64_decode", f"not base64: {exc}") from None

    @signature(_STRING)
    def _func_base64_encode(self, text: str) -> str:
        return base64.b64encode(text.encode("utf-8")).decode("ascii")

    @signature(_STRING)
    def _func_path_canonicalize(self, path: str) -> str:
        return posixpath.normpath(path) if path else "."

    @signature(_STRING, {"types": ["number"]})
    def _func_truncate(self, text: str, length: float) -> str:
        return text[: max(0, int(length))]

    @signature(_STRING)
    def _func_parse_json(self, text: str) -> Any:
        return _json(text, "parse_json")

    @signature(_STRING)
    def _func_json_parse(self, text: str) -> Any:
        return _json(text, "json_parse")

    @signature(_STRING)
    def _func_parse_yaml(self, text: str) -> Any:
        try:
            return documents.load_value(text)
        except errors.InputError as exc:
            raise FunctionFailure("parse_yaml", str(exc)) from None

    @signature({"types": ["object", "array"]}, _STRING_OR_NUMBER)
    def _func_lookup(self, collection: Any, key: Any) -> Any:
        if isinstance(collection, dict):
            if not isinstance(key, str):
                raise FunctionFailure("lookup", "an object's key must be a string")
            return collection.get(key)
        if isinstance(key, str):
            raise FunctionFailure("lookup", "an array's index must be a number")
        index = registry.whole("lookup", key, "the index")
        return collection[index] if 0 <= index < len(collection) else None

    @signature({"types": ["object", "array"]}, _STRING, _STRING)
    def _func_items(self, collection: Any, key_name: str, value_name: str) -> list[dict[str, Any]]:
        if isinstance(collection, dict):
            return [{key_name: key, value_name: collection[key]} for key in sorted(collection)]
        return [{key_name: index, value_name: value} for index, value in enumerate(collection)]

    @signature({"types": ["array"]}, {"types": ["array"]})
    def _func_object_from_lists(self, keys: list[Any], values: list[Any]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for index, key in enumerate(keys):
            if not isinstance(key, str | int | float | bool):
                raise FunctionFailure("object_from_lists", "keys must be strings, numbers or booleans")
            result[go_string(key)] = values[index] if index < len(values) else None
        return result

    @signature({"types": ["array"]}, {"types": ["number"]})
    def _func_at(self, items: list[Any], index: float) -> Any:
        position = registry.whole("at", index, "the index")
        if not 0 <= position < len(items):
            raise FunctionFailure("at", f"index {position} out of range (length {len(items)})")
        return items[position]

    @signature({"types": []})
    def _func_as_string(self, value: Any) -> Any:
        return value if isinstance(value, str) else None


def go_string(value: Any) -> str:
    """A string, number or boolean as kyverno-json turns it into text (`true`, `1.5`, `2`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def matches_wildcard(pattern: str, text: str) -> bool:
    """Kyverno's wildcard match: `*` is any run of characters, `?` is one; nothing else is special."""
    expression = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(expression, text, flags=re.DOTALL) is not None


def _regex(pattern: str, name: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise FunctionFailure(name, f"invalid regular expression {pattern!r}: {exc}") from None


def _json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise FunctionFailure(name, f"invalid JSON: {exc}") from None
