"""The CEL engine: compile an expression once (parse and check its names), evaluate it many times.

Pure: no I/O, no kubernetes, no kopf. Built on cel-python (celpy) with the Kubernetes extension
libraries of this package registered. Every failure leaves as a `CelError` naming the expression
and the cause; callers never see a celpy type or exception.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Mapping
from typing import Any

import celpy
import lark
from celpy import celparser, evaluation

from toollab import errors
from toollab.cel import lists, quantity, texts, values

MACROS = frozenset({"has", "all", "exists", "exists_one", "map", "filter"})
_LOOP_MACROS = MACROS - {"has"}
FUNCTIONS: dict[str, Any] = {**lists.FUNCTIONS, **texts.FUNCTIONS, **quantity.FUNCTIONS}
# names an expression may use without a binding: type names and the protobuf package
_TYPE_NAMES = frozenset(
    {"int", "uint", "double", "string", "bytes", "bool", "list", "map", "null_type", "type"}
    | {"duration", "timestamp", "dyn", "google"}
)
_EVALUATION_FAILURES = (
    evaluation.CELEvalError,
    evaluation.CELUnsupportedError,
    TypeError,
    ValueError,
    KeyError,
    AttributeError,
    ZeroDivisionError,
    RecursionError,
)


def known_functions() -> frozenset[str]:
    """Every function and macro name an expression may call."""
    builtin = {name for name in evaluation.base_functions if name[0].isalpha()}
    return frozenset(builtin | MACROS | set(FUNCTIONS))


class Program:
    """A compiled expression: evaluate it against bindings of plain JSON-like values."""

    def __init__(self, source: str, runner: celpy.Runner) -> None:
        self.source = source
        self._runner = runner

    def evaluate(self, bindings: Mapping[str, Any]) -> Any:
        """The expression's value for these bindings, as a plain Python value; CelError otherwise."""
        try:
            result = self._runner.evaluate(values.bindings_to_cel(bindings))
        except _EVALUATION_FAILURES as exc:
            raise errors.CelError(self.source, describe(exc)) from exc
        if isinstance(result, evaluation.CELEvalError):
            raise errors.CelError(self.source, describe(result))
        return values.to_plain(result)

    def __repr__(self) -> str:
        return f"Program({self.source!r})"


@functools.cache
def _environment() -> celpy.Environment:
    return celpy.Environment()


def compile_expression(source: str, *, variables: Collection[str] | None = None) -> Program:
    """Parse and check `source` once; with `variables`, names outside them are errors too."""
    if not isinstance(source, str) or not source.strip():
        raise errors.CelError(str(source), "empty expression")
    try:
        tree = _environment().compile(source)
    except celparser.CELParseError as exc:
        raise errors.CelError(source, _parse_error(exc)) from exc
    _check_functions(source, tree)
    if variables is not None:
        _check_variables(source, tree, set(variables))
    return Program(source, _environment().program(tree, functions=FUNCTIONS))


def _parse_error(exc: celparser.CELParseError) -> str:
    where = f" at line {exc.line}, column {exc.column}" if exc.line is not None else ""
    lines = [line for line in str(exc.args[0] if exc.args else "").splitlines() if line.strip()]
    # celpy's message is the source line and a caret; say what is wrong in words instead
    detail = "" if len(lines) <= 2 and lines[-1:] and lines[-1].strip() == "^" else f": {lines[0].strip()}"
    return f"parse error{where}{detail if lines else ''}"


def _calls(tree: lark.Tree[Any]) -> list[tuple[str, lark.Token]]:
    """(name, token) of every function or method call in the tree."""
    found = []
    for node in tree.iter_subtrees():
        if node.data in ("ident_arg", "dot_ident_arg"):
            token = node.children[0]
        elif node.data == "member_dot_arg":
            token = node.children[1]
        else:
            continue
        if isinstance(token, lark.Token):
            found.append((str(token.value), token))
    return found


def _check_functions(source: str, tree: lark.Tree[Any]) -> None:
    known = known_functions()
    for name, token in _calls(tree):
        if name not in known:
            raise errors.CelError(
                source, f"unknown function {name!r} at line {token.line}, column {token.column}"
            )


def _check_variables(source: str, tree: lark.Tree[Any], declared: set[str]) -> None:
    bound = _macro_variables(tree)
    for node in tree.iter_subtrees():
        if node.data != "ident" or not isinstance(node.children[0], lark.Token):
            continue
        token = node.children[0]
        name = str(token.value)
        if name not in declared and name not in bound and name not in _TYPE_NAMES:
            hint = f" (known: {', '.join(sorted(declared))})" if declared else ""
            raise errors.CelError(
                source, f"undeclared reference to {name!r} at line {token.line}, column {token.column}{hint}"
            )


def _macro_variables(tree: lark.Tree[Any]) -> set[str]:
    """Names bound by `all`, `exists`, `map`… (their first argument)."""
    names: set[str] = set()
    for node in tree.iter_subtrees():
        if node.data != "member_dot_arg" or len(node.children) < 3:
            continue
        method, arguments = node.children[1], node.children[2]
        if str(method) in _LOOP_MACROS and isinstance(arguments, lark.Tree) and arguments.children:
            first = arguments.children[0]
            idents = [t for t in first.scan_values(lambda v: isinstance(v, lark.Token))] if first else []
            if len(idents) == 1:
                names.add(str(idents[0]))
    return names


_CELPY_CLASS = re.compile(r"<class 'celpy\.celtypes\.(\w+?)(?:Type)?'>")
_CELPY_VALUE = re.compile(r"\w+Type\(('[^']*'|[^)]*)\)")
_CELPY_RULE = re.compile(r"Token\('RULE', '(\w+)'\)")
_OPERATORS = {
    "addition_add": "+",
    "addition_sub": "-",
    "multiplication_mul": "*",
    "multiplication_div": "/",
    "multiplication_mod": "%",
    "relation_lt": "<",
    "relation_le": "<=",
    "relation_gt": ">",
    "relation_ge": ">=",
    "relation_eq": "==",
    "relation_ne": "!=",
    "relation_in": "in",
}
_MESSAGES = {
    "Attempt to reduce an empty sequence or a sequence with a None value": "min() called on an empty list",
    "modulus or divide by zero": "division by zero",
}


def describe(exc: BaseException) -> str:
    """A CEL evaluation failure in one line: the cause in CEL's words and, when known, where."""
    args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
    message = str(args[0]) if args else type(exc).__name__
    message = message.split(" (in activation ")[0]
    cause = str(args[2][0]) if len(args) > 2 and isinstance(args[2], tuple) and args[2] else ""
    if message == "no such overload" and cause:
        message = f"no such overload: {cause}"
    elif message == "no such key" and len(args) > 2 and args[2]:
        message = f"no such key: {values.to_plain(args[2][0])!r}"
    elif message == "invalid_argument" and cause:
        message = "index out of range" if "index out of range" in cause else f"invalid argument: {cause}"
    elif message == "return error for overflow" and cause:
        message = f"invalid argument: {_CELPY_VALUE.sub(lambda m: m.group(1), cause)}"
    if message.startswith("no such member in mapping: "):
        message = "no such key: " + message.removeprefix("no such member in mapping: ")
    message = _MESSAGES.get(message, message)
    message = _CELPY_CLASS.sub(lambda m: m.group(1).lower(), message)
    message = _CELPY_RULE.sub(lambda m: repr(_OPERATORS.get(m.group(1), m.group(1))), message)
    line, column = getattr(exc, "line", None), getattr(exc, "column", None)
    return message + (f" at line {line}, column {column}" if line is not None else "")


__all__ = ["FUNCTIONS", "MACROS", "Program", "compile_expression", "describe", "known_functions"]
