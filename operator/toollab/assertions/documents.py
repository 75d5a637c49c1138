"""Load multi-document YAML as Kubernetes does: YAML -> JSON -> untyped values.

Pure: parses text, never opens files. Values end up as null, bool, int, float, str, list or
dict with str keys; whole floats become ints (`2.0` -> 2) and timestamps stay strings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, ClassVar

import yaml

from toollab import errors

_INT64 = range(-(2**63), 2**63)
_FLOAT_AS_INT = 1e21  # Go's JSON encoder writes smaller whole floats without exponent: they decode as ints


class _KubeLoader(yaml.SafeLoader):
    """SafeLoader resolving scalars as go-yaml v2 does (Kubernetes' YAML), keys made JSON keys.

    Differences from PyYAML: no timestamps (`2024-01-01` stays a string), no base-60 numbers
    (`12:30` stays a string), `y`/`n` are booleans, `1e3` is a number, `0o17` is octal.
    """

    bool_values: ClassVar[dict[str, bool]] = {**yaml.SafeLoader.bool_values, "y": True, "n": False}

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Keys become strings while constructing, so `1` and `true` stay distinct keys."""
        self.flatten_mapping(node)  # YAML merge keys (`<<`)
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _key(self.construct_object(key_node, deep=deep))
            if key is None:
                raise yaml.constructor.ConstructorError(
                    None, None, "a map key must be a string, number or boolean", key_node.start_mark
                )
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_go_int(self, node: yaml.ScalarNode) -> int:
        """An int as Go's strconv.ParseInt(s, 0, 64) reads it: 0b, 0o, 0x, or a leading 0 for octal."""
        text = str(self.construct_scalar(node)).replace("_", "")
        sign, digits = (-1, text[1:]) if text[0] == "-" else (1, text.lstrip("+"))
        if len(digits) > 1 and digits[0] == "0" and digits[1].isdigit():
            return sign * (int(digits, 8) if set(digits) <= set("01234567") else int(digits, 10))
        return sign * int(digits, 0)


_REPLACED_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("timestamp", "bool", "int", "float")}
_KubeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _REPLACED_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_KubeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"),
    list("yYnNtTfFoO"),
)
_KubeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^[-+]?(?:0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)$"),
    list("-+0123456789"),
)
_KubeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
_KubeLoader.add_constructor("tag:yaml.org,2002:int", _KubeLoader.construct_go_int)


def load_documents(text: str, *, source: str, require_kind: bool = True) -> list[dict[str, Any]]:
    """The objects in `text`; null documents skipped, `List` kinds expanded to their items.

    Raises InputError naming `source` (and the line) for bad YAML, a document that is not an
    object, a value JSON cannot hold, or (with `require_kind`) a missing apiVersion or kind.
    """
    loader = _KubeLoader(text)
    objects: list[dict[str, Any]] = []
    number = 0
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                break
            number += 1
            where = f"{source}: document {number} (line {node.start_mark.line + 1})"
            value = _to_json(loader.construct_document(node), where=where)
            objects.extend(_objects(value, where=where, require_kind=require_kind))
    except yaml.YAMLError as exc:
        raise errors.InputError(f"{source}: {_yaml_problem(exc)}") from exc
    finally:
        loader.dispose()
    return objects


def load_value(text: str) -> Any:
    """One YAML document as a JSON-like value, read as Kubernetes reads YAML; InputError when malformed."""
    loader = _KubeLoader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _to_json(loader.construct_document(node), where="YAML")
    except yaml.YAMLError as exc:
        raise errors.InputError(_yaml_problem(exc)) from exc
    finally:
        loader.dispose()


def normalise(value: Any) -> Any:
    """A JSON-shaped value as Kubernetes decodes it: whole floats as int, huge ints as float."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if value in _INT64 else float(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < _FLOAT_AS_INT else value
    if isinstance(value, Mapping):
        return {str(k): normalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalise(v) for v in value]
    return value


def _to_json(value: Any, *, where: str) -> Any:
    """Check that a constructed YAML value fits JSON, then normalise it."""
    if isinstance(value, float) and not math.isfinite(value):
        raise errors.InputError(f"{where}: {value} is not a JSON number")
    if isinstance(value, dict):
        return {k: _to_json(v, where=where) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_json(v, where=where) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return normalise(value)
    raise errors.InputError(f"{where}: a {type(value).__name__} value has no JSON form")


def _key(key: Any) -> str | None:
    """A map key as sigs.k8s.io/yaml turns it into a JSON key; None when it cannot be one."""
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int):
        return str(key)
    if isinstance(key, float):
        return _float_key(key)
    return None


def _float_key(key: float) -> str:
    if math.isnan(key):
        return ".nan"
    if math.isinf(key):
        return ".inf" if key > 0 else "-.inf"
    return str(int(key)) if key.is_integer() and abs(key) < _FLOAT_AS_INT else repr(key)


def _objects(value: Any, *, where: str, require_kind: bool) -> list[dict[str, Any]]:
    """One document's objects: none for null, the items of a List, else the object itself."""
    if value is None:
        return []
    if not isinstance(value, dict):
        raise errors.InputError(f"{where} is not an object (got {_json_type(value)})")
    if _is_list(value):
        return [_item(item, value, where=f"{where}, item {i}") for i, item in enumerate(value["items"])]
    if require_kind:
        _check_kind(value, where=where)
    return [value]


def _is_list(value: Mapping[str, Any]) -> bool:
    """A `v1 List` or a typed list (`PodList`): kind ending in List, with an `items` list."""
    kind = value.get("kind")
    return isinstance(kind, str) and kind.endswith("List") and isinstance(value.get("items"), list)


def _item(item: Any, parent: Mapping[str, Any], *, where: str) -> dict[str, Any]:
    """A list item; items of a typed list (`PodList`) get the list's apiVersion and kind."""
    if not isinstance(item, dict):
        raise errors.InputError(f"{where} is not an object (got {_json_type(item)})")
    kind = str(parent["kind"])
    obj: dict[str, Any] = dict(item)
    if kind != "List":
        obj = {"apiVersion": parent.get("apiVersion"), "kind": kind.removesuffix("List"), **obj}
    _check_kind(obj, where=where)
    return obj


def _check_kind(value: Mapping[str, Any], *, where: str) -> None:
    for field in ("apiVersion", "kind"):
        if not isinstance(value.get(field), str) or not value[field]:
            raise errors.InputError(f"{where} has no {field}")


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """`line N: problem` from a PyYAML error, in one line."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"line {mark.line + 1}: invalid YAML: {problem}" if mark else f"invalid YAML: {problem}"
