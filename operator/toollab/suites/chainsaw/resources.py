"""The objects an operation names (`resource:`, or `file:` relative to the test), templated, namespaced.

Reads the test's files; asks the cluster only whether a kind is namespaced. Templating (on by
default; `template: false` turns it off) evaluates `(…)` values with the bindings in scope; the
namespacer puts a namespaced object without a namespace into the test's namespace.
"""

from __future__ import annotations

import glob
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from toollab import errors
from toollab.assertions import documents, templating
from toollab.suites.chainsaw import context as contexts
from toollab.suites.chainsaw import model


def load(
    operation: model.Operation, context: contexts.Context, *, require_kind: bool = True
) -> list[dict[str, Any]]:
    """The operation's objects as written: its `resource`, or every document of its `file`(s)."""
    body = operation.body
    if isinstance(body.get("resource"), Mapping):
        return [dict(body["resource"])]
    if "file" not in body:
        raise errors.SpecError(operation.path, "needs a file or a resource")
    name = context.evaluate(body["file"])
    if not isinstance(name, str) or not name:
        raise errors.SpecError(f"{operation.path}.file", f"must be a file name, got {name!r}")
    if "://" in name:
        raise errors.SpecError(f"{operation.path}.file", f"files by URL are not supported by toollab: {name}")
    return [
        doc
        for path in _matching(context.directory, name, operation)
        for doc in _documents(path, require_kind)
    ]


def templated(
    obj: Mapping[str, Any], operation: model.Operation, context: contexts.Context
) -> dict[str, Any]:
    """`obj` with its expressions evaluated, unless templating is off for the operation."""
    if not operation.body.get("template", context.template):
        return dict(obj)
    result = templating.template(obj, scope=context.scope())
    if not isinstance(result, dict):
        raise errors.EvaluationError(f"{operation.path}: the templated resource is not an object")
    return result


def namespaced(obj: Mapping[str, Any], context: contexts.Context) -> dict[str, Any]:
    """`obj` in the test's namespace when its kind is namespaced and it names none."""
    result = dict(obj)
    metadata = dict(result.get("metadata") or {})
    if metadata.get("namespace") or not context.namespace:
        return result
    api_version, kind = str(result.get("apiVersion", "")), str(result.get("kind", ""))
    if context.runtime.cluster.resource(api_version, kind).namespaced:
        metadata["namespace"] = context.namespace
        result["metadata"] = metadata
    return result


def _matching(directory: Path, name: str, operation: model.Operation) -> list[Path]:
    pattern = name if Path(name).is_absolute() else str(directory / name)
    matches = sorted(Path(p) for p in _glob(pattern)) if any(c in name for c in "*?[") else [Path(pattern)]
    if not matches or not all(p.is_file() for p in matches):
        raise errors.InputError(f"{operation.path}.file: no such file: {name}")
    return matches


def _glob(pattern: str) -> list[str]:
    return glob.glob(pattern)


def _documents(path: Path, require_kind: bool) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise errors.InputError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from exc
    return documents.load_documents(text, source=str(path), require_kind=require_kind)
