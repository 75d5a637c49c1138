"""Chainsaw's `assert` and `error` operations: poll the chainsaw-dialect check until it holds or times out.

Each document is its own check with its own deadline (assert 30 s, error 30 s by default). An
`assert` passes at the first round where a candidate matches; an `error` once nothing matches.
Field errors are retried; an evaluation error ends the operation at once. Sleeps only through
the runtime's `sleep` (via `suites.core.polling`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toollab.assertions import dialect, verdict
from toollab.reports import text
from toollab.suites.chainsaw import context as contexts
from toollab.suites.chainsaw import expectations, model, resources
from toollab.suites.core import checking, polling


def run(operation: model.Operation, context: contexts.Context) -> list[expectations.Done]:
    """Every document of the operation, checked until it holds or its timeout ends."""
    return [_check(operation, doc, context) for doc in resources.load(operation, context, require_kind=False)]


def _check(
    operation: model.Operation, doc: Mapping[str, Any], context: contexts.Context
) -> expectations.Done:
    absent = operation.kind == "error"
    runtime = context.runtime
    scope = context.scope()

    def round_() -> verdict.StepOutcome:
        failure = checking.check_document(
            runtime.cluster,
            doc,
            namespace=context.namespace,
            dialect=dialect.Dialect.CHAINSAW,
            absent=absent,
            scope=scope,
        )
        return verdict.fold([failure])

    timeout = context.timeout("error" if absent else "assert", operation)
    outcome, attempts = polling.poll(
        round_, timeout=timeout, interval=runtime.poll_interval, clock=runtime.clock, sleep=runtime.sleep
    )
    if outcome.passed:
        return expectations.Done()
    shown = text.format_outcome(outcome, verbose=runtime.verbose)
    tried = (
        "not retried"
        if outcome.is_final
        else f"{attempts} attempt{'s' if attempts != 1 else ''} in {timeout:g}s"
    )
    return expectations.Done(failure=f"{shown}\n({operation.kind} {tried})")
