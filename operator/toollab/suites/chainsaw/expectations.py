"""How an operation's result is judged and what it hands on: `check`, `expect` and `outputs`.

Pure apart from the resolver behind the bindings. `check` is an assertion tree over the
operation's bindings (`$error`, `$stdout`, `$stderr`); `expect` entries apply when their `match`
holds for the object, and their `check` then decides instead of the error; `outputs` become
bindings for the operations after it (Chainsaw `pkg/engine/checks` and `pkg/engine/outputs`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from toollab import errors
from toollab.assertions import chainsaw, mismatch
from toollab.suites.chainsaw import context as contexts


@dataclass(frozen=True)
class Done:
    """How one operation (or one of its resources) ended: a failure text (empty: passed), outputs, log."""

    failure: str = ""
    outputs: Mapping[str, Any] = field(default_factory=dict)
    log: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """True when it did not fail."""
        return not self.failure


def check(tree: Any, context: contexts.Context, *, actual: Any = None) -> str:
    """The field errors of `tree` against `actual` (usually null) with the bindings, as text; "" when none."""
    found = chainsaw.match(
        tree, actual, bindings=context.bindings, resolver=context.runtime.resolver, engine=context.engine
    )
    return describe(found)


def expect(
    expectations: Sequence[Mapping[str, Any]], obj: Any, context: contexts.Context
) -> tuple[bool, str]:
    """(whether any expectation applied, their failures as text); `context` binds `$error`."""
    applied, failures = False, []
    for number, expectation in enumerate(expectations):
        match = expectation.get("match")
        if match is not None and chainsaw.match(
            match, obj, resolver=context.runtime.resolver, engine=context.engine
        ):
            continue
        applied = True
        if "check" not in expectation:
            raise errors.SpecError(f"expect[{number}]", "needs a check")
        failures.append(check(expectation["check"], context, actual=obj))
    return applied, "\n".join(text for text in failures if text)


def outputs(entries: Sequence[Mapping[str, Any]], context: contexts.Context, *, input: Any) -> dict[str, Any]:
    """The operation's outputs, in order, each seeing those before it; `input` is `@` for their values."""
    produced: dict[str, Any] = {}
    for number, entry in enumerate(entries):
        match = entry.get("match")
        if match is not None and chainsaw.match(
            match, input, bindings=context.bindings, resolver=context.runtime.resolver
        ):
            continue
        if not entry.get("name"):
            raise errors.SpecError(f"outputs[{number}].name", "required")
        name = context.name_of(entry["name"])
        value = context.evaluate(entry.get("value"), input=input)
        context = context.bind(name, value)
        produced[name] = value
    return produced


def describe(found: Sequence[mismatch.Mismatch]) -> str:
    """Field errors, one line each (`path: expected X, got Y`)."""
    return "\n".join(f"{m.describe()} ({m.reason})" for m in found)
