"""Parse a ToolTrial step's CEL part: `refs` (objects bound to names) and `cel` (expressions).

Pure: checks shapes and names only. The expressions are compiled where the CEL engine lives
(`toollab validate` and the step runner), since the model sits below it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from toollab import errors
from toollab.model import fields, step

MAX_REFS = 20
MAX_EXPRESSIONS = 50
MAX_EXPRESSION_LENGTH = 4096
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_REF_FIELDS = {"ref", "apiVersion", "kind", "name", "namespace", "labels"}


def parse(item: Mapping[str, Any], path: str) -> dict[str, Any]:
    """`{"refs": ..., "cel": ...}` of a step; SpecError with the field path for anything malformed."""
    refs = tuple(
        _ref(value, f"{path}.refs[{i}]")
        for i, value in enumerate(fields.list_of(item, "refs", path, max_items=MAX_REFS))
    )
    names = [ref.ref for ref in refs]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise errors.SpecError(f"{path}.refs[{i}].ref", f"{name!r} is already used by another ref")
    cel = fields.strings(item, "cel", path, max_items=MAX_EXPRESSIONS)
    for i, source in enumerate(cel):
        if not source.strip() or len(source) > MAX_EXPRESSION_LENGTH:
            raise errors.SpecError(f"{path}.cel[{i}]", f"must be 1 to {MAX_EXPRESSION_LENGTH} characters")
    if refs and not cel:
        raise errors.SpecError(f"{path}.refs", "refs are only read by cel expressions; add cel")
    return {"refs": refs, "cel": cel}


def _ref(value: Any, path: str) -> step.CelRef:
    item = fields.as_mapping(value, path)
    unknown = sorted(set(item) - _REF_FIELDS)
    if unknown:
        raise errors.SpecError(f"{path}.{unknown[0]}", "unknown field")
    ref = fields.string(item, "ref", path, required=True)
    if not IDENTIFIER.match(ref):
        raise errors.SpecError(f"{path}.ref", f"{ref!r} is not a CEL identifier (letters, digits, _)")
    labels = item.get("labels") or {}
    if not isinstance(labels, Mapping) or not all(isinstance(v, str) for v in labels.values()):
        raise errors.SpecError(f"{path}.labels", "must map label names to strings")
    name = fields.string(item, "name", path)
    if name and labels:
        raise errors.SpecError(path, "name one object (name) or select a list (labels), not both")
    return step.CelRef(
        ref=ref,
        api_version=fields.string(item, "apiVersion", path, required=True),
        kind=fields.string(item, "kind", path, required=True),
        name=name,
        namespace=fields.string(item, "namespace", path),
        labels={str(k): str(v) for k, v in labels.items()},
    )


__all__ = ["IDENTIFIER", "MAX_EXPRESSIONS", "MAX_REFS", "parse"]
