"""JMESPath Community Edition with the Kyverno and Chainsaw function set, built on the `jmespath` package.

Pure: no I/O; lookups and the clock go through a `lookups.Resolver`. `compile_expression` parses
once and rejects unknown functions; `Program.evaluate` runs against plain JSON-like values with
`$name` bindings. Every failure is an `errors.EvaluationError` naming the expression.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jmespath import exceptions

from toollab import errors
from toollab.assertions import documents
from toollab.assertions.jp import arithmetic, interpreting, lookups, metrics, parsing, strings, versions

__all__ = ["FUNCTION_NAMES", "OFFLINE", "UNSUPPORTED_FUNCTIONS", "Program", "Resolver", "compile_expression"]

Resolver = lookups.Resolver
OFFLINE = lookups.OFFLINE

# Kyverno/Chainsaw functions toollab does not provide, refused when an expression is loaded
UNSUPPORTED_FUNCTIONS = {
    "random": "generates random text from a regular expression",
    "x509_decode": "decodes certificates",
}


class ChainsawFunctions(
    metrics.MetricsFunctions,
    arithmetic.ArithmeticFunctions,
    strings.StringFunctions,
    versions.VersionFunctions,
):
    """The whole function table: JMESPath's, the community edition's, kyverno-json's and Chainsaw's."""


FUNCTION_NAMES: tuple[str, ...] = tuple(sorted(ChainsawFunctions.FUNCTION_TABLE))


@dataclass(frozen=True)
class Program:
    """A parsed expression, ready to evaluate many times."""

    source: str
    tree: parsing.Node

    def evaluate(
        self, value: Any, *, bindings: Mapping[str, Any], resolver: lookups.Resolver = OFFLINE
    ) -> Any:
        """The expression's value against `value` (`@`), with `bindings` as `$name` (names without `$`)."""
        functions = ChainsawFunctions()
        functions.resolver = resolver
        interpreter = interpreting.BindingInterpreter(root=value, bindings=bindings, functions=functions)
        try:
            result = interpreter.visit(self.tree, value)
        except exceptions.JMESPathError as exc:
            raise errors.EvaluationError(f"{_quoted(self.source)}: {_cause(exc)}") from exc
        except (TypeError, ValueError, OverflowError, RecursionError) as exc:
            raise errors.EvaluationError(f"{_quoted(self.source)}: {exc}") from exc
        except errors.ClusterError as exc:
            if exc.retryable:
                raise  # a transient lookup failure fails the round, not the expectation
            raise errors.EvaluationError(f"{_quoted(self.source)}: {exc}") from exc
        return documents.normalise(result)


def compile_expression(source: str) -> Program:
    """Parse `source` once; EvaluationError for a syntax error or a function toollab does not know."""
    try:
        tree = parsing.parse(source)
    except exceptions.JMESPathError as exc:
        raise errors.EvaluationError(f"{_quoted(source)}: parse error: {_parse_cause(exc)}") from exc
    for node in parsing.walk(tree):
        if node["type"] == "function_expression":
            _check_function(source, node["value"])
    return Program(source=source, tree=tree)


def _check_function(source: str, name: str) -> None:
    if name in UNSUPPORTED_FUNCTIONS:
        raise errors.EvaluationError(
            f"{_quoted(source)}: {name}() ({UNSUPPORTED_FUNCTIONS[name]}) is not supported by toollab"
        )
    if name not in ChainsawFunctions.FUNCTION_TABLE:
        raise errors.EvaluationError(f"{_quoted(source)}: unknown function {name}()")


def _quoted(source: str) -> str:
    return f"JMESPath ({source})"


def _parse_cause(exc: exceptions.JMESPathError) -> str:
    """`<problem> at column N` (1-based) from the package's lexer and parser errors."""
    if isinstance(exc, exceptions.IncompleteExpressionError) or getattr(exc, "token_type", None) == "EOF":
        return "incomplete expression"
    if isinstance(exc, exceptions.LexerError):
        message = exc.message
    else:
        message = getattr(exc, "msg", None) or str(exc).splitlines()[0]
    position = getattr(exc, "lex_position", None)
    return f"{message} at column {position + 1}" if isinstance(position, int) else str(message)


def _cause(exc: exceptions.JMESPathError) -> str:
    if isinstance(exc, exceptions.JMESPathTypeError):
        expected = " or ".join(exc.expected_types)
        return f"{exc.function_name}() expects {expected}, got {exc.actual_type} {exc.current_value!r}"
    if isinstance(exc, exceptions.ArityError):
        return str(exc).replace("  ", " ")
    return str(exc)
