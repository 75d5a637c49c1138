"""The dialect seam: which matcher compares an expected document with an actual object.

Pure: no I/O. `kuttl` is KUTTL's subset rule; `chainsaw` is kyverno-json's assertion trees with
JMESPath (and CEL) expressions, evaluated with the bindings and resolver of a `Scope`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from toollab.assertions import chainsaw, jp, kuttl, mismatch


class Dialect(StrEnum):
    """The assertion languages toollab understands."""

    KUTTL = "kuttl"  # literal map subset, ordered lists, strict scalar types
    CHAINSAW = "chainsaw"  # kyverno-json assertion trees with JMESPath and CEL expressions


@dataclass(frozen=True)
class Scope:
    """What chainsaw expressions may use: bindings (names without `$`) and a resolver for lookups."""

    bindings: Mapping[str, Any] = field(default_factory=dict)
    resolver: jp.Resolver = jp.OFFLINE
    engine: str = "jp"  # the engine of a bare `(…)`: jp, or cel under `compiler: cel`

    @classmethod
    def of_namespace(cls, namespace: str, resolver: jp.Resolver = jp.OFFLINE, **more: Any) -> Scope:
        """Chainsaw's built-in bindings: `$namespace`, and `$client`/`$config` (placeholders for x_k8s_*)."""
        return cls({"namespace": namespace, "client": None, "config": None, **more}, resolver)


def match(
    expected: Any, actual: Any, *, dialect: Dialect, scope: Scope | None = None
) -> list[mismatch.Mismatch]:
    """Every mismatch of `expected` against `actual` under `dialect`; empty means a match.

    Raises EvaluationError (chainsaw) when the expectation cannot be evaluated against `actual`.
    """
    if dialect is Dialect.CHAINSAW:
        scope = scope or Scope()
        return chainsaw.match(
            expected, actual, bindings=scope.bindings, resolver=scope.resolver, engine=scope.engine
        )
    return kuttl.match(expected, actual)


def matcher(
    expected: Any, *, dialect: Dialect, scope: Scope | None = None
) -> Callable[[Any], list[mismatch.Mismatch]]:
    """`match` against `expected`, compiled once for many candidates; EvaluationError if it cannot compile."""
    if dialect is Dialect.CHAINSAW:
        scope = scope or Scope()
        tree = chainsaw.compile_tree(expected, engine=scope.engine)
        return lambda actual: chainsaw.check_tree(
            tree, actual, bindings=scope.bindings, resolver=scope.resolver
        )
    return lambda actual: kuttl.match(expected, actual)


def literal_part(expected: Mapping[str, Any], *, dialect: Dialect) -> dict[str, Any]:
    """What a diff may show of `expected`: all of it (kuttl), or its plain keys and values (chainsaw)."""
    if dialect is Dialect.CHAINSAW:
        shown = chainsaw.literal_part(expected)
        return dict(shown) if isinstance(shown, Mapping) else {}
    return dict(expected)


def check_syntax(expected: Any, *, dialect: Dialect, engine: str = "jp") -> None:
    """Raise EvaluationError when `expected` cannot even be compiled (bad expression, unknown function)."""
    if dialect is Dialect.CHAINSAW:
        chainsaw.compile_tree(expected, engine=engine)
