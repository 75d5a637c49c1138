"""Kyverno's arithmetic functions over numbers, Kubernetes quantities and Go durations.

Pure: no I/O. kyverno-json `pkg/jp/kyverno/arithmetic.go` defines which pairs combine:
quantity ± quantity, duration ± duration, number ± number; quantity or duration times a number;
quantity / quantity and duration / duration give a number. A string operand is read as a
quantity first (so `5m` is 5 milli), then as a duration. Unlike Go, an integer field read from
an object counts as a number (Go accepts only float64 there).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from toollab.assertions.jp import registry, units

signature = registry.signature
FunctionFailure = registry.FunctionFailure
Operand = float | units.Quantity | units.Duration
_ANY: registry.Spec = {"types": []}


class ArithmeticFunctions(registry.Registry):
    """`add`, `subtract`, `multiply`, `divide`, `modulo`, `sum` and `round`."""

    @signature(_ANY, _ANY)
    def _func_add(self, left: Any, right: Any) -> Any:
        return add(operand(left, "add"), operand(right, "add"), "add")

    @signature({"types": ["array"]})
    def _func_sum(self, items: list[Any]) -> Any:
        if not items:
            raise FunctionFailure("sum", "at least one element in the array is required")
        total = operand(items[0], "sum")
        for item in items[1:]:
            total = operand(add(total, operand(item, "sum"), "sum"), "sum")
        return result(total)

    @signature(_ANY, _ANY)
    def _func_subtract(self, left: Any, right: Any) -> Any:
        first, second = operand(left, "subtract"), operand(right, "subtract")
        _same_kind(first, second, "subtract")
        return add(first, _negate(second), "subtract")

    @signature(_ANY, _ANY)
    def _func_multiply(self, left: Any, right: Any) -> Any:
        first, second = operand(left, "multiply"), operand(right, "multiply")
        if isinstance(first, float):
            first, second = second, first
        if not isinstance(second, float):
            raise FunctionFailure("multiply", "operands of a product cannot both be quantities or durations")
        if isinstance(first, units.Quantity):
            return str(units.Quantity(first.amount * Fraction(second), first.format))
        if isinstance(first, units.Duration):
            return str(units.Duration(int(first.nanos * second)))
        return first * second

    @signature(_ANY, _ANY)
    def _func_divide(self, left: Any, right: Any) -> Any:
        first, second = operand(left, "divide"), operand(right, "divide")
        if _magnitude(second) == 0:
            raise FunctionFailure("divide", "division by zero")
        if isinstance(first, units.Quantity | units.Duration) and isinstance(second, float):
            return _scaled(first, 1 / Fraction(second))
        _same_kind(first, second, "divide")
        return float(_magnitude(first) / _magnitude(second))

    @signature(_ANY, _ANY)
    def _func_modulo(self, left: Any, right: Any) -> Any:
        first, second = operand(left, "modulo"), operand(right, "modulo")
        _same_kind(first, second, "modulo")
        dividend, divisor = _magnitude(first), _magnitude(second)
        if isinstance(first, units.Duration):
            if divisor == 0:
                raise FunctionFailure("modulo", "division by zero")
            return str(units.Duration(int(math.fmod(first.nanos, int(divisor)))))
        if dividend.denominator != 1 or divisor.denominator != 1:
            raise FunctionFailure("modulo", "non-integer argument(s) for modulo")
        if divisor == 0:
            raise FunctionFailure("modulo", "division by zero")
        remainder = int(math.fmod(int(dividend), int(divisor)))
        if isinstance(first, units.Quantity):
            return str(units.Quantity(Fraction(remainder), first.format))
        return float(remainder)

    @signature({"types": ["number"]}, {"types": ["number"]})
    def _func_round(self, value: float, digits: float) -> float:
        places = registry.whole("round", digits, "the number of digits")
        if places < 0:
            raise FunctionFailure("round", "the number of digits must not be negative")
        shift = float(10**places)
        return math.floor(abs(value) * shift + 0.5) / shift * (1 if value >= 0 else -1)


def operand(value: Any, name: str) -> Operand:
    """A number, or a string read as a quantity then a duration; FunctionFailure otherwise."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        parsed = units.parse_quantity(value) or units.parse_duration(value)
        if parsed is not None:
            return parsed
    raise FunctionFailure(name, f"invalid operand {value!r}: not a number, quantity or duration")


def add(left: Operand, right: Operand, name: str) -> Any:
    """Sum of two operands of one kind (quantities keep the left one's format)."""
    _same_kind(left, right, name)
    if isinstance(left, units.Quantity) and isinstance(right, units.Quantity):
        return str(units.Quantity(left.amount + right.amount, left.format))
    if isinstance(left, units.Duration) and isinstance(right, units.Duration):
        return str(units.Duration(left.nanos + right.nanos))
    return float(left) + float(right)  # type: ignore[arg-type]  # both are floats here


def result(value: Operand) -> Any:
    """An operand as a function result: numbers stay numbers, the rest print as text."""
    return value if isinstance(value, float) else str(value)


def _same_kind(left: Operand, right: Operand, name: str) -> None:
    if type(left) is not type(right):
        raise FunctionFailure(name, "operand types mismatch (number, quantity and duration do not mix)")


def _negate(value: Operand) -> Operand:
    if isinstance(value, units.Quantity):
        return units.Quantity(-value.amount, value.format)
    if isinstance(value, units.Duration):
        return units.Duration(-value.nanos)
    return -value


def _magnitude(value: Operand) -> Fraction:
    if isinstance(value, units.Quantity):
        return value.amount
    if isinstance(value, units.Duration):
        return Fraction(value.nanos)
    return Fraction(value)


def _scaled(value: units.Quantity | units.Duration, factor: Fraction) -> str:
    if isinstance(value, units.Quantity):
        return str(units.Quantity(value.amount * factor, value.format))
    return str(units.Duration(int(value.nanos * factor)))
