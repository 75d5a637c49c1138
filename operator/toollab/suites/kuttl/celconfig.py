"""Parse a TestAssert's CEL part: `resourceRefs` and `assertAll`/`assertAny` (`- celExpr: ...`).

Pure: compiles the expressions (bad CEL is a SpecError naming the field), reads no file or cluster.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toollab import errors
from toollab.suites.core import celchecks
from toollab.suites.kuttl import fields


def parse_cel(doc: Mapping[str, Any], *, where: str) -> celchecks.CelChecks | None:
    """`resourceRefs` with `assertAll`/`assertAny` (`- celExpr: ...`), compiled; None when absent."""
    refs = [
        celchecks.parse_ref(item, where=f"{where}.resourceRefs[{i}]")
        for i, item in enumerate(fields.items(doc, "resourceRefs", where))
    ]
    all_of, any_of = _expressions(doc, "assertAll", where), _expressions(doc, "assertAny", where)
    if not all_of and not any_of:
        return None
    return celchecks.compile_checks(refs, all_of=all_of, any_of=any_of, where=where)


def _expressions(doc: Mapping[str, Any], key: str, where: str) -> list[str]:
    found = []
    for i, item in enumerate(fields.items(doc, key, where)):
        path = f"{where}.{key}[{i}]"
        if not isinstance(item, Mapping):
            raise errors.SpecError(path, "must be a mapping with celExpr")
        expression = fields.string(item, "celExpr", path)
        if not expression.strip():
            raise errors.SpecError(f"{path}.celExpr", "must be set")
        found.append(expression)
    return found


__all__ = ["parse_cel"]
