"""Evaluate a community-edition JMESPath AST: the `jmespath` package's tree interpreter plus bindings.

Pure: no I/O. Adds `$name` (from the bindings, lexically scoped by `let`), `$` (the root value),
and arithmetic (numbers only; anything else yields null, as go-jmespath does). Equality is
JSON equality: numbers compare by value across int and float, booleans are never numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from jmespath import exceptions, functions, visitor

from toollab.assertions.jp import parsing

Node = parsing.Node


class EvaluationFailure(exceptions.JMESPathError):  # type: ignore[misc]  # untyped base
    """An expression could not be evaluated (unknown variable, division by zero, bad function input)."""


class BindingInterpreter(visitor.TreeInterpreter):  # type: ignore[misc]  # untyped base
    """The package's interpreter with a root value, variable bindings and arithmetic."""

    COMPARATOR_FUNC = {
        **visitor.TreeInterpreter.COMPARATOR_FUNC,
        "eq": lambda x, y: json_equal(x, y),
        "ne": lambda x, y: not json_equal(x, y),
    }

    def __init__(self, *, root: Any, bindings: Mapping[str, Any], functions: functions.Functions) -> None:
        super().__init__(visitor.Options(custom_functions=functions))
        self._root = root
        self._scopes: list[Mapping[str, Any]] = [bindings]

    def visit_multi_select_list(self, node: Node, value: Any) -> Any:
        # community edition: `[a, b]` builds a list even when the current value is null
        return [self.visit(child, value) for child in node["children"]]

    def visit_multi_select_dict(self, node: Node, value: Any) -> Any:
        return {child["value"]: self.visit(child, value) for child in node["children"]}

    def visit_variable(self, node: Node, value: Any) -> Any:
        name = node["value"]
        for scope in reversed(self._scopes):
            if name in scope:
                return scope[name]
        raise EvaluationFailure(f"variable not defined: ${name}")

    def visit_root(self, node: Node, value: Any) -> Any:
        return self._root

    def visit_let(self, node: Node, value: Any) -> Any:
        *bindings, body = node["children"]
        scope = {binding["value"]: self.visit(binding["children"][0], value) for binding in bindings}
        self._scopes.append(scope)
        try:
            return self.visit(body, value)
        finally:
            self._scopes.pop()

    def visit_unary_arithmetic(self, node: Node, value: Any) -> Any:
        operand = self.visit(node["children"][0], value)
        if not is_number(operand):
            return None
        return -operand if node["value"] == "minus" else operand

    def visit_arithmetic(self, node: Node, value: Any) -> Any:
        left = self.visit(node["children"][0], value)
        right = self.visit(node["children"][1], value)
        if not (is_number(left) and is_number(right)):
            return None  # go-jmespath: a non-number operand gives null
        return calculate(node["value"], left, right)

    def visit_comparator(self, node: Node, value: Any) -> Any:
        operator = node["value"]
        left = self.visit(node["children"][0], value)
        right = self.visit(node["children"][1], value)
        if operator in ("eq", "ne"):
            return self.COMPARATOR_FUNC[operator](left, right)
        if not (is_number(left) and is_number(right)):
            return None  # go-jmespath orders numbers only
        return self.COMPARATOR_FUNC[operator](left, right)


def calculate(operator: str, left: float, right: float) -> float:
    """One arithmetic operation; EvaluationFailure on division by zero (Go would yield Inf or NaN)."""
    if operator == "plus":
        return left + right
    if operator == "minus":
        return left - right
    if operator in ("star", "multiply"):
        return left * right
    if right == 0:
        raise EvaluationFailure("division by zero")
    if operator == "divide":
        return left / right
    if operator == "modulo":
        return math.fmod(left, right)
    return float(math.floor(left / right))  # "//"


def is_number(value: Any) -> bool:
    """True for int and float, never for bool."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def json_equal(left: Any, right: Any) -> bool:
    """Deep equality of JSON values: 1 == 1.0, but true != 1 at any depth."""
    if is_number(left) and is_number(right):
        return bool(left == right)
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return left.keys() == right.keys() and all(json_equal(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(json_equal(a, b) for a, b in zip(left, right, strict=True))
    return type(left) is type(right) and bool(left == right)
