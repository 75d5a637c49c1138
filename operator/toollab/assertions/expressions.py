"""Chainsaw's expression syntax in keys and values: `(expr)`, `(cel;expr)`, `~name.`, `->name`, `\\literal\\`.

Pure: no I/O; the sole place that turns such text into something to evaluate. Parse order is
kyverno-json's (`pkg/core/expression`): iteration prefix, binding suffix, then either an escape
or an engine. JMESPath (the default, `jp;`) runs on `assertions.jp`; CEL (`cel;`) on the shared
CEL engine, `toollab.cel`, with the value as `object` and the bindings as `bindings`.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Protocol

from toollab import errors
from toollab.assertions import jp

_FOREACH = re.compile(r"^~(\w+)?\.(.*)", re.ASCII | re.DOTALL)
_BINDING = re.compile(r"(.*)\s*->\s*(\w+)$", re.ASCII | re.DOTALL)
_ESCAPE = re.compile(r"^\\(.+)\\$", re.DOTALL)
_ENGINE = re.compile(r"^\((?:(\w+);)?(.+)\)$", re.ASCII | re.DOTALL)
ENGINES = ("jp", "cel")


@dataclass(frozen=True)
class Syntax:
    """What one key or string value says: a literal or an expression, maybe iterated or bound."""

    text: str
    statement: str
    engine: str | None = None  # None: literal; "jp" or "cel": an expression
    foreach: bool = False
    foreach_name: str = ""
    binding: str = ""

    @property
    def is_expression(self) -> bool:
        """True when the statement is evaluated, not read literally."""
        return self.engine is not None


class Evaluator(Protocol):
    """A compiled expression."""

    def evaluate(self, value: Any, *, bindings: Mapping[str, Any], resolver: jp.Resolver) -> Any:
        """Its value against `value` (`@` / `object`) with `bindings` (names without `$`)."""
        ...


def parse(text: str) -> Syntax:
    """Split `text` into prefix, statement, suffix and engine, as kyverno-json does."""
    foreach, foreach_name, binding, engine = False, "", "", None
    if match := _FOREACH.match(text):
        foreach, foreach_name, rest = True, match.group(1) or "", match.group(2)
    else:
        rest = text
    if match := _BINDING.match(rest):
        rest, binding = match.group(1), match.group(2)
    if match := _ESCAPE.match(rest):
        rest = match.group(1)
    elif match := _ENGINE.match(rest):
        engine, rest = match.group(1) or "jp", match.group(2)
    return Syntax(text, rest, engine, foreach, foreach_name, binding)


def parse_value(text: str) -> Syntax:
    """A templated value: an escape or an engine only, never iteration or binding (Chainsaw)."""
    if match := _ESCAPE.match(text):
        return Syntax(text, match.group(1))
    if match := _ENGINE.match(text):
        return Syntax(text, match.group(2), match.group(1) or "jp")
    return Syntax(text, text)


def compile_syntax(syntax: Syntax) -> Evaluator:
    """The evaluator for an expression; EvaluationError for an unknown engine or a bad statement."""
    if syntax.engine == "jp":
        return compile_jmespath(syntax.statement)
    if syntax.engine == "cel":
        return _compile_cel(syntax.statement)
    raise errors.EvaluationError(f"({syntax.engine};…): unknown expression engine (use jp or cel)")


@functools.lru_cache(maxsize=2048)
def compile_jmespath(statement: str) -> jp.Program:
    """A JMESPath program, parsed once per distinct statement."""
    return jp.compile_expression(statement)


@dataclass(frozen=True)
class _CelProgram:
    source: str
    program: Any

    def evaluate(self, value: Any, *, bindings: Mapping[str, Any], resolver: jp.Resolver) -> Any:
        try:
            return self.program.evaluate({"object": value, "bindings": dict(bindings)})
        except errors.ToollabError as exc:
            raise errors.EvaluationError(f"CEL ({self.source}): {exc}") from exc


def _compile_cel(statement: str) -> Evaluator:
    cel = _cel_engine()
    if cel is None:
        raise errors.EvaluationError(
            f"CEL ({statement}): CEL expressions are not available yet in this toollab build; "
            "use JMESPath, e.g. (jp;…) or a plain (…)"
        )
    try:
        return _CelProgram(statement, cel.compile_expression(statement))
    except errors.ToollabError as exc:
        raise errors.EvaluationError(f"CEL ({statement}): {exc}") from exc


def _cel_engine() -> ModuleType | None:
    """The shared CEL engine (`toollab.cel`), or None while this build has none."""
    try:
        return importlib.import_module("toollab.cel")
    except ModuleNotFoundError:
        return None
