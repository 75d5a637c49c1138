"""The functions `*.gotmpl.yaml` may call: Go's template built-ins and Sprig's common ones.

Arguments come in Go's order (a piped value is the last one), as Sprig defines each function.
Anything not listed in FUNCTIONS is refused by the parser. Pure: no I/O, no environment access.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable, Mapping
from typing import Any

import yaml


def truthy(value: Any) -> bool:
    """Go's truth: false, 0, nil and empty strings, lists and maps are false."""
    return value is not None and bool(value)


def _go_eq(a: Any, *others: Any) -> bool:
    return any(a == other for other in others)


def _and(*args: Any) -> Any:
    for arg in args:
        if not truthy(arg):
            return arg
    return args[-1]


def _or(*args: Any) -> Any:
    for arg in args:
        if truthy(arg):
            return arg
    return args[-1]


def _index(value: Any, *keys: Any) -> Any:
    for key in keys:
        value = value[key] if not isinstance(value, Mapping) else value.get(key)
    return value


def _printf(form: str, *args: Any) -> str:
    python = form.replace("%v", "%s").replace("%q", '"%s"')
    return python % tuple(
        show(arg) if isinstance(arg, bool | type(None) | list | dict) else arg for arg in args
    )


def show(value: Any) -> str:
    """A value as Go's fmt prints it (`%v`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return "[" + " ".join(show(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "map[" + " ".join(f"{key}:{show(value[key])}" for key in sorted(value)) + "]"
    return str(value)


def _default(fallback: Any, *given: Any) -> Any:
    return given[0] if given and truthy(given[0]) else fallback


def _coalesce(*values: Any) -> Any:
    return next((value for value in values if truthy(value)), None)


def _substr(start: int, end: int, text: str) -> str:
    if start < 0:
        return text[:end]
    if end < 0 or end > len(text):
        return text[start:]
    return text[start:end]


def _trunc(count: int, text: str) -> str:
    return text[count:] if count < 0 and -count < len(text) else text[:count] if count >= 0 else text


def _quote(*values: Any, mark: str = '"') -> str:
    return " ".join(mark + show(value) + mark for value in values if value is not None)


def _uniq(items: list[Any]) -> list[Any]:
    found: list[Any] = []
    for item in items:
        if item not in found:
            found.append(item)
    return found


def _set(mapping: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    mapping[key] = value
    return mapping


def _merge(target: dict[str, Any], *sources: Mapping[str, Any]) -> dict[str, Any]:
    for source in sources:
        for key, value in source.items():
            if isinstance(target.get(key), dict) and isinstance(value, Mapping):
                _merge(target[key], value)
            else:
                target.setdefault(key, value)
    return target


def _dict(*pairs: Any) -> dict[str, Any]:
    items = list(pairs) + ([""] if len(pairs) % 2 else [])
    return {show(items[i]): items[i + 1] for i in range(0, len(items), 2)}


def _keys(*mappings: Mapping[str, Any]) -> list[str]:
    return [key for mapping in mappings for key in mapping]


def _int(value: Any) -> int:
    return int(float(value)) if isinstance(value, str) else int(value)


def _to_yaml(value: Any) -> str:
    return yaml.safe_dump(value, default_flow_style=False, sort_keys=True).rstrip("\n")


def _title(text: str) -> str:
    return " ".join(word[:1].upper() + word[1:] for word in text.split(" "))


FUNCTIONS: dict[str, Callable[..., Any]] = {
    # Go's text/template built-ins
    "and": _and,
    "or": _or,
    "not": lambda value: not truthy(value),
    "eq": _go_eq,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "len": len,
    "index": _index,
    "print": lambda *args: "".join(show(arg) for arg in args),
    "println": lambda *args: " ".join(show(arg) for arg in args) + "\n",
    "printf": _printf,
    # Sprig: strings
    "upper": lambda text: str(text).upper(),
    "lower": lambda text: str(text).lower(),
    "trim": lambda text: str(text).strip(),
    "trimPrefix": lambda prefix, text: text.removeprefix(prefix),
    "trimSuffix": lambda suffix, text: text.removesuffix(suffix),
    "replace": lambda old, new, text: text.replace(old, new),
    "contains": lambda part, text: part in text,
    "hasPrefix": lambda prefix, text: text.startswith(prefix),
    "hasSuffix": lambda suffix, text: text.endswith(suffix),
    "quote": _quote,
    "squote": lambda *values: _quote(*values, mark="'"),
    "title": _title,
    "repeat": lambda count, text: text * count,
    "substr": _substr,
    "nospace": lambda text: "".join(text.split()),
    "trunc": _trunc,
    # Sprig: defaults
    "default": _default,
    "empty": lambda value: not truthy(value),
    "coalesce": _coalesce,
    "ternary": lambda yes, no, condition: yes if truthy(condition) else no,
    # Sprig: lists
    "list": lambda *items: list(items),
    "first": lambda items: items[0] if items else None,
    "last": lambda items: items[-1] if items else None,
    "append": lambda items, item: [*items, item],
    "has": lambda needle, items: needle in items,
    "join": lambda sep, items: sep.join(show(item) for item in items),
    "splitList": lambda sep, text: text.split(sep),
    "uniq": _uniq,
    "sortAlpha": lambda items: sorted(show(item) for item in items),
    # Sprig: dicts
    "dict": _dict,
    "get": lambda mapping, key: mapping.get(key, ""),
    "set": _set,
    "hasKey": lambda mapping, key: key in mapping,
    "keys": _keys,
    "values": lambda mapping: list(mapping.values()),
    "merge": _merge,
    # Sprig: integer math
    "add": lambda *values: sum(_int(v) for v in values),
    "sub": lambda a, b: _int(a) - _int(b),
    "mul": lambda *values: math.prod(_int(v) for v in values),
    "div": lambda a, b: int(_int(a) / _int(b)),
    "mod": lambda a, b: _int(a) % _int(b),
    "max": lambda *values: max(_int(v) for v in values),
    "min": lambda *values: min(_int(v) for v in values),
    # Sprig: encoding
    "b64enc": lambda text: base64.b64encode(str(text).encode()).decode(),
    "b64dec": lambda text: base64.b64decode(str(text)).decode(errors="replace"),
    "toJson": lambda value: json.dumps(value, separators=(",", ":"), sort_keys=True),
    "toYaml": _to_yaml,
}


def call(name: str, args: list[Any]) -> Any:
    """Call a function by name; TypeError and friends leave for the caller to name the line."""
    return FUNCTIONS[name](*args)


__all__ = ["FUNCTIONS", "call", "show", "truthy"]
