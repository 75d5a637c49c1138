"""Kubernetes' CEL quantity library: `quantity("512Mi")` and its methods, over exact numbers.

Pure: no I/O. Follows k8s.io/apiserver/pkg/cel/library/quantity.go: comparisons and arithmetic
are methods (`isLessThan`, `compareTo`, `add`…), `==` compares values ("1Gi" == "1024Mi").
Quantities are parsed by the one quantity parser, `toollab.model.quantities`.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from celpy import celtypes
from celpy.evaluation import CELEvalError

from toollab.model import quantities

_INT64 = 2**63


class Quantity:
    """A Kubernetes resource quantity as a CEL value: its text and its exact value."""

    __slots__ = ("text", "value")

    def __init__(self, text: str, value: Fraction) -> None:
        self.text = text
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Quantity) and self.value == other.value

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self.value)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"quantity({self.text!r})"


def _quantity_or_error(text: Any) -> Quantity:
    if not isinstance(text, str):
        raise TypeError(f"quantity() takes a string, got {type(text).__name__}")
    try:
        return Quantity(str(text), quantities.parse_quantity(str(text)))
    except ValueError as exc:
        raise CELEvalError(f"invalid quantity {str(text)!r}: {exc}") from exc


def quantity(text: Any) -> Quantity:
    """`quantity(string)`: parse, or an error naming the text."""
    return _quantity_or_error(text)


def is_quantity(text: Any) -> celtypes.BoolType:
    """`isQuantity(string)`: whether the text parses as a quantity."""
    try:
        quantities.parse_quantity(str(text))
    except ValueError:
        return celtypes.BoolType(False)
    return celtypes.BoolType(True)


def _operand(value: Any) -> Fraction:
    if isinstance(value, Quantity):
        return value.value
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(int(value))
    raise TypeError(f"expected a Quantity or int, got {type(value).__name__}")


def _number(value: Fraction) -> Quantity:
    text = str(value.numerator) if value.denominator == 1 else str(float(value))
    return Quantity(text, value)


def _this(value: Any) -> Quantity:
    if not isinstance(value, Quantity):
        raise TypeError(f"expected a Quantity, got {type(value).__name__}")
    return value


def is_integer(value: Any) -> celtypes.BoolType:
    """`q.isInteger()`: a whole number that fits in an int64."""
    exact = _this(value).value
    return celtypes.BoolType(exact.denominator == 1 and -_INT64 <= exact.numerator < _INT64)


def as_integer(value: Any) -> celtypes.IntType:
    """`q.asInteger()`: the whole number, or an error when it is not one."""
    if not is_integer(value):
        raise CELEvalError(f"cannot convert quantity {_this(value).text!r} to an int64 without loss")
    return celtypes.IntType(_this(value).value.numerator)


def as_approximate_float(value: Any) -> celtypes.DoubleType:
    """`q.asApproximateFloat()`."""
    return celtypes.DoubleType(float(_this(value).value))


def sign(value: Any) -> celtypes.IntType:
    """`q.sign()`: -1, 0 or 1."""
    exact = _this(value).value
    return celtypes.IntType((exact > 0) - (exact < 0))


def add(left: Any, right: Any) -> Quantity:
    """`q.add(Quantity | int)`."""
    return _number(_this(left).value + _operand(right))


def sub(left: Any, right: Any) -> Quantity:
    """`q.sub(Quantity | int)`."""
    return _number(_this(left).value - _operand(right))


def compare_to(left: Any, right: Any) -> celtypes.IntType:
    """`q.compareTo(Quantity)`: -1, 0 or 1."""
    a, b = _this(left).value, _this(right).value
    return celtypes.IntType((a > b) - (a < b))


def is_less_than(left: Any, right: Any) -> celtypes.BoolType:
    """`q.isLessThan(Quantity)`."""
    return celtypes.BoolType(_this(left).value < _this(right).value)


def is_greater_than(left: Any, right: Any) -> celtypes.BoolType:
    """`q.isGreaterThan(Quantity)`."""
    return celtypes.BoolType(_this(left).value > _this(right).value)


FUNCTIONS = {
    "quantity": quantity,
    "isQuantity": is_quantity,
    "isInteger": is_integer,
    "asInteger": as_integer,
    "asApproximateFloat": as_approximate_float,
    "sign": sign,
    "add": add,
    "sub": sub,
    "compareTo": compare_to,
    "isLessThan": is_less_than,
    "isGreaterThan": is_greater_than,
}

__all__ = ["FUNCTIONS", "Quantity", "quantity"]
