"""The function table machinery: optional arguments, argument helpers and the community edition's defaults.

Pure: no I/O. Functions are `_func_<name>` methods with a `signature` (the `jmespath`
package's convention); an argument spec may say `optional`, as in go-jmespath. This module adds
the go-jmespath default functions that the `jmespath` package lacks (`find_first`, `zip`…).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

from jmespath import exceptions, functions

Spec = dict[str, Any]
_F = TypeVar("_F", bound=Callable[..., Any])


def signature(*specs: Spec) -> Callable[[_F], _F]:
    """Record a function's argument specs, where the `jmespath` package's function table looks for them."""

    def record(function: _F) -> _F:
        function.signature = specs  # type: ignore[attr-defined]  # read by jmespath's FunctionRegistry
        return function

    return record


class FunctionFailure(exceptions.JMESPathError):  # type: ignore[misc]  # untyped base
    """A function refused its input (bad value, not just a bad type)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}(): {message}")


class Registry(functions.Functions):  # type: ignore[misc]  # untyped base
    """The package's function table, with optional trailing arguments."""

    def _validate_arguments(self, args: list[Any], spec: tuple[dict[str, Any], ...], name: str) -> None:
        required = [s for s in spec if not s.get("optional")]
        if spec and spec[-1].get("variadic"):
            if len(args) < len(spec):
                raise exceptions.VariadictArityError(len(spec), len(args), name)
            checked = (*spec, *([spec[-1]] * (len(args) - len(spec))))
        else:
            if not len(required) <= len(args) <= len(spec):
                raise exceptions.ArityError(len(spec), len(args), name)
            checked = spec[: len(args)]
        self._type_check(args, checked, name)

    @signature({"types": ["string"]}, {"types": ["string"]}, *[{"types": ["number"], "optional": True}] * 2)
    def _func_find_first(self, subject: str, sub: str, *bounds: float) -> Any:
        start, end = _bounds(subject, bounds)
        found = subject.find(sub, start, end) if start <= end else -1
        return None if found < 0 else found

    @signature({"types": ["string"]}, {"types": ["string"]}, *[{"types": ["number"], "optional": True}] * 2)
    def _func_find_last(self, subject: str, sub: str, *bounds: float) -> Any:
        start, end = _bounds(subject, bounds)
        found = subject.rfind(sub, start, end) if start <= end else -1
        return None if found < 0 else found

    @signature({"types": ["array"]})
    def _func_from_items(self, pairs: list[Any]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for pair in pairs:
            if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
                raise FunctionFailure("from_items", "each item must be a [string, value] pair")
            result[pair[0]] = pair[1]
        return result

    @signature({"types": ["array"]}, {"types": ["expref"]})
    def _func_group_by(self, items: list[Any], expref: Any) -> Any:
        if not items:
            return None
        groups: dict[str, list[Any]] = {}
        for item in items:
            key = expref.visit(expref.expression, item)
            if not isinstance(key, str):
                raise FunctionFailure("group_by", "the expression must evaluate to a string")
            groups.setdefault(key, []).append(item)
        return groups

    @signature({"types": ["string"]})
    def _func_lower(self, text: str) -> str:
        return text.lower()

    @signature({"types": ["string"]})
    def _func_upper(self, text: str) -> str:
        return text.upper()

    @signature({"types": ["string"]}, {"types": ["number"]}, {"types": ["string"], "optional": True})
    def _func_pad_left(self, text: str, width: float, pad: str = " ") -> str:
        return pad * max(0, int(width) - len(text)) + text

    @signature({"types": ["string"]}, {"types": ["number"]}, {"types": ["string"], "optional": True})
    def _func_pad_right(self, text: str, width: float, pad: str = " ") -> str:
        return text + pad * max(0, int(width) - len(text))

    @signature({"types": ["string"]}, {"types": ["string"], "optional": True})
    def _func_trim_left(self, text: str, chars: str | None = None) -> str:
        return text.lstrip(chars or None)

    @signature({"types": ["string"]}, {"types": ["string"], "optional": True})
    def _func_trim_right(self, text: str, chars: str | None = None) -> str:
        return text.rstrip(chars or None)

    @signature({"types": ["array"]}, {"types": ["array"], "variadic": True})
    def _func_zip(self, *arrays: list[Any]) -> list[list[Any]]:
        return [list(items) for items in zip(*arrays, strict=False)]

    @signature({"types": []})
    def _func_type(self, value: Any) -> str:
        return json_type_name(value)


def json_type_name(value: Any) -> str:
    """JMESPath's name for a value's type: number, string, boolean, array, object or null."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def whole(name: str, value: float, what: str) -> int:
    """`value` as an int when it is a whole number, else FunctionFailure."""
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise FunctionFailure(name, f"{what} must be a whole number, got {value}")
    return int(value)


def _bounds(subject: str, bounds: tuple[float, ...]) -> tuple[int, int]:
    start = max(0, int(bounds[0])) if bounds else 0
    end = min(len(subject), int(bounds[1])) if len(bounds) > 1 else len(subject)
    return start, end
