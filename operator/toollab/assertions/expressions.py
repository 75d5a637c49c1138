"""Chainsaw's expression syntax in keys and values: `(expr)`, `(cel;expr)`, `~name.`, `->name`, `\\literal\\`.

Pure: no I/O; the sole place that turns such text into something to evaluate. Parse order is
kyverno-json's (`pkg/core/expression`): iteration prefix, binding suffix, then either an escape
or an engine. JMESPath (`jp;`) runs on `assertions.jp`; CEL (`cel;`) on the shared CEL engine,
`toollab.cel`, with the value as `object` and the bindings as `bindings` (`bindings.resolve("x")`
as in kyverno-json, or `bindings.x`). A bare `(…)` uses the default engine: JMESPath unless a
test, step, operation or binding says `compiler: cel`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from toollab import errors
from toollab.assertions import jp

_FOREACH = re.compile(r"^~(\w+)?\.(.*)", re.ASCII | re.DOTALL)
_BINDING = re.compile(r"(.*)\s*->\s*(\w+)$", re.ASCII | re.DOTALL)
_ESCAPE = re.compile(r"^\\(.+)\\$", re.DOTALL)
_ENGINE = re.compile(r"^\((?:(\w+);)?(.+)\)$", re.ASCII | re.DOTALL)
ENGINES = ("jp", "cel")
DEFAULT = "default"  # a bare `(…)`: the engine in force (JMESPath unless `compiler: cel`)
_RESOLVE = re.compile(r"""\bbindings\s*\.\s*resolve\s*\(\s*("[^"\\]*"|'[^'\\]*')\s*\)""")


@dataclass(frozen=True)
class Syntax:
    """What one key or string value says: a literal or an expression, maybe iterated or bound."""

    text: str
    statement: str
    engine: str | None = None  # None: literal; "jp", "cel" or DEFAULT: an expression
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
        engine, rest = match.group(1) or DEFAULT, match.group(2)
    return Syntax(text, rest, engine, foreach, foreach_name, binding)


def parse_value(text: str) -> Syntax:
    """A templated value: an escape or an engine only, never iteration or binding (Chainsaw)."""
    if match := _ESCAPE.match(text):
        return Syntax(text, match.group(1))
    if match := _ENGINE.match(text):
        return Syntax(text, match.group(2), match.group(1) or DEFAULT)
    return Syntax(text, text)


def compile_syntax(syntax: Syntax, *, default: str = "jp") -> Evaluator:
    """The evaluator for an expression; EvaluationError for an unknown engine or a bad statement."""
    engine = default if syntax.engine == DEFAULT else syntax.engine
    if engine == "jp":
        return compile_jmespath(syntax.statement)
    if engine == "cel":
        return compile_cel(syntax.statement)
    raise errors.EvaluationError(f"({syntax.engine};…): unknown expression engine (use jp or cel)")


@functools.lru_cache(maxsize=2048)
def compile_jmespath(statement: str) -> jp.Program:
    """A JMESPath program, parsed once per distinct statement."""
    return jp.compile_expression(statement)


@dataclass(frozen=True)
class _CelProgram:
    program: Any  # toollab.cel.Program

    def evaluate(self, value: Any, *, bindings: Mapping[str, Any], resolver: jp.Resolver) -> Any:
        return self.program.evaluate({"object": value, "bindings": dict(bindings)})


@functools.lru_cache(maxsize=1024)
def compile_cel(statement: str) -> Evaluator:
    """A CEL program over `object` and `bindings`; `bindings.resolve("x")` reads as `bindings["x"]`."""
    from toollab import cel  # imported on first use: the engine takes a third of a second to load

    source = _RESOLVE.sub(lambda m: f"bindings[{m.group(1)}]", statement.strip())
    try:
        return _CelProgram(cel.compile_expression(source, variables=("object", "bindings")))
    except errors.CelError as exc:
        raise errors.CelError(statement.strip(), exc.cause) from exc
