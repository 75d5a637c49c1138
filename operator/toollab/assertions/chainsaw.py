"""The `chainsaw` dialect: kyverno-json assertion trees, compiled once, asserted against actual values.

Pure: no I/O; lookups go through the resolver. Upstream is kyverno-json `pkg/core/assertion`:
a map node projects each key (a field, or an expression) and hands the result to its child; a
list node needs a list of equal length; a scalar node compares its value (or its expression's
result) with the actual one, numbers across int and float. Field errors are `Mismatch` records,
every one of them; anything that cannot be evaluated raises `EvaluationError` at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from toollab import errors
from toollab.assertions import compare, expressions, jp, mismatch

Mismatch = mismatch.Mismatch
Reason = mismatch.Reason


@dataclass(frozen=True)
class Context:
    """What every node sees: the bindings in scope (names without `$`) and the resolver."""

    bindings: Mapping[str, Any] = field(default_factory=dict)
    resolver: jp.Resolver = jp.OFFLINE

    def bind(self, name: str, value: Any) -> Context:
        """A context with one more binding (lexical: only descendants see it)."""
        return Context({**self.bindings, name: value}, self.resolver)


class Node(Protocol):
    """One compiled node of an assertion tree."""

    def check(self, actual: Any, *, path: str, context: Context, found: list[Mismatch]) -> None:
        """Append the field errors of `actual` at `path`; raise EvaluationError when it cannot tell."""
        ...


def compile_tree(expected: Any, *, path: str = "", engine: str = "jp") -> Node:
    """The tree for `expected`; EvaluationError (naming the path) for bad syntax or an unknown function."""
    if isinstance(expected, Mapping):
        return _MapNode(
            tuple(_entry(str(key), value, path, engine) for key, value in sorted(expected.items()))
        )
    if isinstance(expected, list):
        return _ListNode(
            tuple(
                compile_tree(item, path=mismatch.index_path(path, i), engine=engine)
                for i, item in enumerate(expected)
            )
        )
    return _scalar(expected, path, engine)


def match(
    expected: Any,
    actual: Any,
    *,
    bindings: Mapping[str, Any] | None = None,
    resolver: jp.Resolver = jp.OFFLINE,
    engine: str = "jp",
) -> list[Mismatch]:
    """Every field error of `actual` against the tree `expected`; EvaluationError if it cannot tell.

    `engine` is the default expression engine for a bare `(…)`: `jp` (JMESPath) or `cel`.
    """
    return check_tree(compile_tree(expected, engine=engine), actual, bindings=bindings, resolver=resolver)


def check_tree(
    tree: Node, actual: Any, *, bindings: Mapping[str, Any] | None = None, resolver: jp.Resolver = jp.OFFLINE
) -> list[Mismatch]:
    """Every field error of `actual` against a compiled tree (compile once, check many candidates)."""
    found: list[Mismatch] = []
    tree.check(actual, path="", context=Context(bindings or {}, resolver), found=found)
    return found


def literal_part(expected: Any) -> Any:
    """`expected` without expressions and iterations, escapes and bindings removed: what a diff can show."""
    if isinstance(expected, Mapping):
        kept = {}
        for key, value in expected.items():
            syntax = expressions.parse(str(key))
            shown = literal_part(value)
            if not (syntax.is_expression or syntax.foreach or shown is _HIDDEN):
                kept[syntax.statement] = shown
        return kept
    if isinstance(expected, list):
        return [{} if (shown := literal_part(item)) is _HIDDEN else shown for item in expected]
    if isinstance(expected, str):
        syntax = expressions.parse_value(expected)
        return _HIDDEN if syntax.is_expression else syntax.statement
    return expected


_HIDDEN = object()


@dataclass(frozen=True)
class _Entry:
    syntax: expressions.Syntax
    evaluator: expressions.Evaluator | None
    child: Node
    expected: Any  # the child as written, for "missing" records

    def project(self, actual: Any, *, path: str, context: Context) -> tuple[bool, Any]:
        """(found, value) of this key against `actual`; an expression always counts as found."""
        if self.evaluator is not None:
            try:
                return True, self.evaluator.evaluate(
                    actual, bindings=context.bindings, resolver=context.resolver
                )
            except errors.EvaluationError as exc:
                raise _at(path, exc) from exc
        if actual is None:
            return False, None
        if not isinstance(actual, Mapping):
            raise errors.EvaluationError(
                f"{path or '(the object)'}: cannot read field {self.syntax.statement!r} "
                f"of {compare.describe_type(actual)}"
            )
        return (True, actual[self.syntax.statement]) if self.syntax.statement in actual else (False, None)

    def key_path(self, path: str) -> str:
        if self.evaluator is not None:
            return f"{path}.({self.syntax.statement})" if path else f"({self.syntax.statement})"
        return mismatch.child_path(path, self.syntax.statement)


@dataclass(frozen=True)
class _MapNode:
    entries: tuple[_Entry, ...]

    def check(self, actual: Any, *, path: str, context: Context, found: list[Mismatch]) -> None:
        if not self.entries:  # kyverno-json: `{}` means "not null", whatever the type
            if actual is None:
                found.append(Mismatch(path, Reason.TYPE, {}, None))
            return
        for entry in self.entries:
            where = entry.key_path(path)
            present, value = entry.project(actual, path=path, context=context)
            if not present:
                found.append(Mismatch(where, Reason.MISSING, entry.expected, None))
                continue
            scope = context.bind(entry.syntax.binding, value) if entry.syntax.binding else context
            if entry.syntax.foreach:
                _each(entry, value, path=where, context=scope, found=found)
            else:
                entry.child.check(value, path=where, context=scope, found=found)


@dataclass(frozen=True)
class _ListNode:
    items: tuple[Node, ...]

    def check(self, actual: Any, *, path: str, context: Context, found: list[Mismatch]) -> None:
        if actual is None:
            found.append(Mismatch(path, Reason.TYPE, "a list", None))
        elif not isinstance(actual, list):
            raise errors.EvaluationError(
                f"{path or '(the object)'}: expected a list, got {compare.describe_type(actual)}"
            )
        elif len(actual) != len(self.items):
            found.append(Mismatch(path, Reason.LENGTH, len(self.items), len(actual)))
        else:
            for index, (node, item) in enumerate(zip(self.items, actual, strict=True)):
                node.check(item, path=mismatch.index_path(path, index), context=context, found=found)


@dataclass(frozen=True)
class _ScalarNode:
    value: Any
    evaluator: expressions.Evaluator | None

    def check(self, actual: Any, *, path: str, context: Context, found: list[Mismatch]) -> None:
        expected = self.value
        if self.evaluator is not None:
            try:
                expected = self.evaluator.evaluate(
                    actual, bindings=context.bindings, resolver=context.resolver
                )
            except errors.EvaluationError as exc:
                raise _at(path, exc) from exc
        try:
            same = compare.matches(expected, actual)
        except compare.NotComparable as exc:
            raise errors.EvaluationError(f"{path or '(the object)'}: {exc}") from exc
        if not same:
            reason = Reason.TYPE if (expected is None) != (actual is None) else Reason.VALUE
            found.append(Mismatch(path, reason, expected, actual))


def _entry(key: str, value: Any, path: str, engine: str) -> _Entry:
    syntax = expressions.parse(key)
    evaluator = _compiled(syntax, path, engine) if syntax.is_expression else None
    where = (
        f"{path}.({syntax.statement})"
        if evaluator is not None
        else mismatch.child_path(path, syntax.statement)
    )
    return _Entry(syntax, evaluator, compile_tree(value, path=where, engine=engine), value)


def _scalar(expected: Any, path: str, engine: str) -> _ScalarNode:
    if not isinstance(expected, str):
        return _ScalarNode(expected, None)
    syntax = expressions.parse(expected)
    if syntax.foreach or syntax.binding:  # kyverno-json refuses both in values
        what = "iteration (~)" if syntax.foreach else "a binding (->)"
        raise errors.EvaluationError(
            f"{path or '(the object)'}: {what} is not allowed in a value ({expected!r}); escape it as \\…\\"
        )
    if syntax.is_expression:
        return _ScalarNode(expected, _compiled(syntax, path, engine))
    return _ScalarNode(syntax.statement, None)


def _compiled(syntax: expressions.Syntax, path: str, engine: str) -> expressions.Evaluator:
    try:
        return expressions.compile_syntax(syntax, default=engine)
    except errors.EvaluationError as exc:
        raise _at(path, exc) from exc


def _each(entry: _Entry, value: Any, *, path: str, context: Context, found: list[Mismatch]) -> None:
    """`~name.key`: the child against each list element (binding the index) or map value (the key)."""
    if isinstance(value, list):
        pairs: list[tuple[Any, str, Any]] = [
            (i, mismatch.index_path(path, i), v) for i, v in enumerate(value)
        ]
    elif isinstance(value, Mapping):
        pairs = [(k, mismatch.child_path(path, str(k)), value[k]) for k in sorted(value)]
    else:
        raise errors.EvaluationError(
            f"{path}: ~ iterates over a list or a map, got {compare.describe_type(value)}"
        )
    for key, where, item in pairs:
        scope = context.bind(entry.syntax.foreach_name, key) if entry.syntax.foreach_name else context
        entry.child.check(item, path=where, context=scope, found=found)


def _at(path: str, exc: errors.EvaluationError) -> errors.EvaluationError:
    """`exc` prefixed with the path where it happened (at the root, the expression says enough)."""
    return errors.EvaluationError(f"{path}: {exc}" if path else str(exc))
