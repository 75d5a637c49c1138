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
from toollab.suites.core import checking, polling, wakeups


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
    refs = wakeups.checked_refs(_plain(doc), None, namespace=context.namespace)
    with wakeups.waking(runtime.cluster, refs, seconds=timeout, sleep=runtime.sleep) as wait:
        outcome, attempts = polling.poll(
            round_, timeout=timeout, interval=runtime.poll_interval, clock=runtime.clock, sleep=wait
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


def _plain(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The document's apiVersion, kind, name and namespace, when none is an expression to watch by;
    a templated name or namespace widens the watch to the kind (in the test namespace)."""
    api_version, kind = doc.get("apiVersion"), doc.get("kind")
    if not _literal(api_version) or not _literal(kind):
        return []
    meta = doc.get("metadata")
    name, namespace = (meta.get("name"), meta.get("namespace")) if isinstance(meta, Mapping) else (None, None)
    plain_meta = {
        **({"name": name} if _literal(name) else {}),
        **({"namespace": namespace} if _literal(namespace) else {}),
    }
    return [{"apiVersion": api_version, "kind": kind, "metadata": plain_meta}]


def _literal(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and not any(mark in value for mark in "($~{")
