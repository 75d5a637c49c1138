"""Chainsaw templating: `(expr)` string values replaced by their results before an object is used.

Pure: no I/O. Upstream is Chainsaw `pkg/mutate` and `pkg/engine/templating`: every string value
in the engine syntax (`(…)`, `(jp;…)`, `(cel;…)`) is evaluated with `@` bound to itself and the
bindings in scope; keys and other values stay as written (an escaped `\\…\\` value keeps its
backslashes, as upstream). `resource_ref` templates only what the lookup needs: apiVersion,
kind, name, namespace and string labels.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from toollab import errors
from toollab.assertions import dialect, expressions, mismatch

_ITSELF = object()


def template(value: Any, *, scope: dialect.Scope, input: Any = _ITSELF, path: str = "") -> Any:
    """A copy of `value` with every engine-syntax string replaced by its result.

    `@` in an expression is the value at the same path in `input`: by default `value` itself
    (a resource templates against itself); a binding's value templates against null.
    """
    here = value if input is _ITSELF else input
    if isinstance(value, Mapping):
        inner = here if isinstance(here, Mapping) else {}
        return {
            key: template(item, scope=scope, input=inner.get(key), path=mismatch.child_path(path, str(key)))
            for key, item in value.items()
        }
    if isinstance(value, list):
        items = here if isinstance(here, list) else []
        return [
            template(
                item,
                scope=scope,
                input=items[i] if i < len(items) else None,
                path=mismatch.index_path(path, i),
            )
            for i, item in enumerate(value)
        ]
    if isinstance(value, str):
        return template_string(value, scope=scope, path=path, at=here)
    return value


def template_string(text: str, *, scope: dialect.Scope, path: str = "", at: Any = _ITSELF) -> Any:
    """The result of `text` when it is an expression (`@` is `at`, by default the text), else `text`."""
    syntax = _engine_syntax(text)
    if syntax is None:
        return text
    try:
        evaluator = expressions.compile_syntax(syntax, default=scope.engine)
        current = text if at is _ITSELF else at
        return evaluator.evaluate(current, bindings=scope.bindings, resolver=scope.resolver)
    except errors.EvaluationError as exc:
        raise errors.EvaluationError(f"{path}: {exc}" if path else str(exc)) from exc


def resource_ref(expected: Mapping[str, Any], *, scope: dialect.Scope) -> dict[str, Any]:
    """`expected` with its apiVersion, kind, metadata name and namespace and string labels templated."""
    result = copy.deepcopy(dict(expected))
    for key in ("apiVersion", "kind"):
        if isinstance(result.get(key), str):
            result[key] = template_string(result[key], scope=scope, path=key)
    metadata = result.get("metadata")
    if not isinstance(metadata, dict):
        return result
    for key in ("name", "namespace"):
        if isinstance(metadata.get(key), str):
            metadata[key] = template_string(metadata[key], scope=scope, path=f"metadata.{key}")
    labels = metadata.get("labels")
    if isinstance(labels, dict):
        for key, value in labels.items():
            if isinstance(value, str):
                labels[key] = template_string(
                    value, scope=scope, path=mismatch.child_path("metadata.labels", key)
                )
    return result


def _engine_syntax(text: str) -> expressions.Syntax | None:
    """The expression in `text` (engine syntax only: no iteration or binding in values), or None."""
    syntax = expressions.parse_value(text)
    return syntax if syntax.is_expression else None
