"""One round of a step's checks: fetch what each expected document means, then judge it.

Talks to the cluster only through the `Cluster` protocol, and never sleeps (see `suites.core.polling`).
UnknownKind fails the document on every round; Unavailable fails it for this round only. In the
chainsaw dialect the lookup fields are templated first (`($namespace)`), and a document without
apiVersion and kind is a check of the bindings alone, evaluated against null.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from toollab import errors
from toollab.assertions import dialect as dialects
from toollab.assertions import selection, templating, verdict
from toollab.cluster import port


def check_round(
    cluster: port.Cluster,
    *,
    asserts: Sequence[Mapping[str, Any]],
    errors: Sequence[Mapping[str, Any]],
    namespace: str,
    dialect: dialects.Dialect = dialects.Dialect.KUTTL,
    scope: dialects.Scope | None = None,
) -> verdict.StepOutcome:
    """Check every assert document (some object must match) and errors document (none may)."""

    def check(doc: Mapping[str, Any], absent: bool) -> verdict.ObjectFailure | None:
        return check_document(cluster, doc, namespace=namespace, dialect=dialect, absent=absent, scope=scope)

    return verdict.fold([check(doc, False) for doc in asserts], [check(doc, True) for doc in errors])


def check_document(
    cluster: port.Cluster,
    expected: Mapping[str, Any],
    *,
    namespace: str,
    dialect: dialects.Dialect,
    absent: bool,
    scope: dialects.Scope | None = None,
) -> verdict.ObjectFailure | None:
    """One document: None when it holds (`absent`: errors-file semantics), else why not."""
    if dialect is dialects.Dialect.CHAINSAW:
        try:
            expected = templating.resource_ref(expected, scope=scope or dialects.Scope())
        except errors.EvaluationError as exc:
            return verdict.evaluation_failed(expected, exc, subject=str(expected.get("kind", "")))
        if not expected.get("apiVersion") and not expected.get("kind"):
            return _check_bindings(expected, absent=absent, scope=scope)
    selection.kind_of(expected)
    try:
        lookup, actuals = _fetch(cluster, expected, namespace=namespace)
        document = selection.with_namespace(expected, lookup)
        judge = verdict.judge_errors if absent else verdict.judge_assert
        return judge(document, actuals, lookup=lookup, dialect=dialect, scope=scope)
    except errors.UnknownKind:
        return verdict.unknown_kind(expected)
    except errors.Unavailable as exc:
        return verdict.unavailable(expected, str(exc))


def _check_bindings(
    expected: Mapping[str, Any], *, absent: bool, scope: dialects.Scope | None
) -> verdict.ObjectFailure | None:
    """A chainsaw document with no kind: the tree against null, using only bindings and functions."""
    try:
        mismatches = dialects.match(expected, None, dialect=dialects.Dialect.CHAINSAW, scope=scope)
    except errors.EvaluationError as exc:
        return verdict.evaluation_failed(expected, exc, subject="(no resource)")
    return verdict.judge_values(expected, mismatches, absent=absent)


def _fetch(
    cluster: port.Cluster, expected: Mapping[str, Any], *, namespace: str
) -> tuple[selection.Lookup, list[dict[str, Any]]]:
    """The lookup for `expected` and what it finds: a GET by name, else a LIST (kuttl)."""
    api_version, kind = selection.kind_of(expected)
    info = cluster.resource(api_version, kind)
    lookup = selection.lookup_for(expected, test_namespace=namespace, namespaced=info.namespaced)
    if lookup.name is not None:
        found = cluster.get(api_version, kind, name=lookup.name, namespace=lookup.namespace)
        return lookup, [found] if found is not None else []
    return lookup, cluster.list(api_version, kind, namespace=lookup.namespace, labels=lookup.labels)
