"""Verdicts: one expected document against the objects its lookup found, folded into a StepOutcome.

Pure: no I/O. Assert documents pass when any candidate matches; errors documents pass when none
does (kuttl's CheckResource / CheckResourceAbsent). Failures are data, never exceptions: a
chainsaw expectation that cannot be evaluated becomes a failure that ends polling at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from toollab import errors
from toollab.assertions import dialect as dialects
from toollab.assertions import mismatch, redaction, selection

Mismatch = mismatch.Mismatch


class FailureReason(StrEnum):
    """Why one expected document failed a round."""

    MISMATCH = "mismatch"  # objects were found, none matched
    NOT_FOUND = "not found"  # the named object, or any object of the list lookup, is absent
    UNKNOWN_KIND = "unknown kind"  # the cluster does not serve the kind; fails every round
    MATCHED_ERRORS = "matched errors expectation"  # an errors document matched an object
    UNAVAILABLE = "unavailable"  # the API server failed transiently; fails this round only
    EVALUATION = "evaluation error (not retried)"  # chainsaw: an expression failed; polling stops


@dataclass(frozen=True)
class Candidate:
    """One object a list lookup found: its reference, its mismatches, and its pruned body."""

    ref: str
    subject: str
    mismatches: tuple[Mismatch, ...]
    actual: Any


@dataclass(frozen=True)
class ObjectFailure:
    """One expected document that failed, with what is needed to explain it.

    `expected` is the document (namespace injected), `actual` the closest object pruned to the
    expected keys; `candidates` are a list lookup's objects, closest first.
    """

    ref: str
    reason: str
    message: str
    mismatches: tuple[Mismatch, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    expected: Any = None
    actual: Any = None
    subject: str = ""


@dataclass(frozen=True)
class StepOutcome:
    """The result of one round: passed, or the failed objects in document order."""

    passed: bool
    failures: tuple[ObjectFailure, ...] = ()

    @property
    def is_final(self) -> bool:
        """True when retrying cannot help: an expectation could not be evaluated (chainsaw)."""
        return any(failure.reason == FailureReason.EVALUATION for failure in self.failures)


def judge_assert(
    expected: Mapping[str, Any],
    actuals: Sequence[Mapping[str, Any]],
    *,
    lookup: selection.Lookup,
    dialect: dialects.Dialect = dialects.Dialect.KUTTL,
    scope: dialects.Scope | None = None,
) -> ObjectFailure | None:
    """None when any actual object matches; else why not (not found, or every candidate's mismatches)."""
    if not actuals:
        return not_found(lookup)
    shown = dialects.literal_part(expected, dialect=dialect)
    compared = []
    try:
        match = dialects.matcher(expected, dialect=dialect, scope=scope)
    except errors.EvaluationError as exc:
        return evaluation_failed(expected, exc, subject=lookup.subject())
    for actual in actuals:  # kuttl: the first matching candidate ends the search
        try:
            mismatches = match(actual)
        except errors.EvaluationError as exc:
            return evaluation_failed(expected, exc, subject=object_subject(actual))
        if not mismatches:
            return None
        compared.append(_candidate(shown, actual, mismatches))
    candidates = sorted(compared, key=lambda c: (len(c.mismatches), c.ref))
    return _mismatch_failure(shown, lookup, tuple(candidates))


def judge_errors(
    expected: Mapping[str, Any],
    actuals: Sequence[Mapping[str, Any]],
    *,
    lookup: selection.Lookup,
    dialect: dialects.Dialect = dialects.Dialect.KUTTL,
    scope: dialects.Scope | None = None,
) -> ObjectFailure | None:
    """None when no actual object matches; else a failure naming the first match and counting the rest."""
    shown = dialects.literal_part(expected, dialect=dialect)
    matching = []
    try:
        match = dialects.matcher(expected, dialect=dialect, scope=scope)
    except errors.EvaluationError as exc:
        return evaluation_failed(expected, exc, subject=lookup.subject())
    for actual in actuals:
        try:
            if not match(actual):
                matching.append(_candidate(shown, actual, []))
        except errors.EvaluationError as exc:
            return evaluation_failed(expected, exc, subject=object_subject(actual))
    matches = sorted(matching, key=lambda c: c.ref)
    if not matches:
        return None
    others = len(matches) - 1
    also = f" (and {others} other{'s' if others > 1 else ''})" if others else ""
    return ObjectFailure(
        ref=_list_ref(lookup, len(actuals)),
        reason=FailureReason.MATCHED_ERRORS,
        message=f"{matches[0].subject}{also} matched an errors expectation",
        candidates=tuple(matches) if not lookup.is_named else (),
        expected=redaction.body(dict(expected)),
        actual=matches[0].actual,
        subject=lookup.subject(),
    )


def judge_values(
    expected: Mapping[str, Any], mismatches: Sequence[Mismatch], *, absent: bool
) -> ObjectFailure | None:
    """A document without a kind (chainsaw), already matched against null: its verdict."""
    if absent:
        if mismatches:
            return None
        return ObjectFailure(
            ref="(no resource)",
            reason=FailureReason.MATCHED_ERRORS,
            message="(no resource): matched an errors expectation",
            expected=dict(expected),
            subject="(no resource)",
        )
    if not mismatches:
        return None
    more = f" (+{len(mismatches) - 1} more)" if len(mismatches) > 1 else ""
    return ObjectFailure(
        ref="(no resource)",
        reason=FailureReason.MISMATCH,
        message=f"(no resource): {mismatches[0].describe()}{more}",
        mismatches=tuple(mismatches),
        subject="(no resource)",  # no expected/actual: there is no object to diff against
    )


def not_found(lookup: selection.Lookup) -> ObjectFailure:
    """The named object does not exist, or the list lookup found nothing."""
    message = f"{lookup.subject()} not found" if lookup.is_named else f"{lookup.subject()}: no objects found"
    return ObjectFailure(
        ref=_list_ref(lookup, 0),
        reason=FailureReason.NOT_FOUND,
        message=message,
        subject=lookup.subject(),
    )


def unknown_kind(expected: Mapping[str, Any]) -> ObjectFailure:
    """The cluster does not serve the expected document's kind."""
    api_version, kind = str(expected.get("apiVersion", "")), str(expected.get("kind", ""))
    return ObjectFailure(
        ref=f"{api_version}/{kind}",
        reason=FailureReason.UNKNOWN_KIND,
        message=f"kind {kind} ({api_version}) is not served by the cluster",
        subject=kind,
    )


def evaluation_failed(
    expected: Mapping[str, Any], exc: errors.EvaluationError, *, subject: str
) -> ObjectFailure:
    """An expectation could not be evaluated against `subject` (or, for a document without kind, at all)."""
    api_version, kind = str(expected.get("apiVersion", "")), str(expected.get("kind", ""))
    return ObjectFailure(
        ref=f"{api_version}/{subject}" if api_version else subject,
        reason=FailureReason.EVALUATION,
        message=f"{subject}: {exc}",
        expected=dict(expected),
        subject=subject or kind,
    )


def unavailable(expected: Mapping[str, Any], detail: str) -> ObjectFailure:
    """The API server could not answer this round."""
    api_version, kind = str(expected.get("apiVersion", "")), str(expected.get("kind", ""))
    return ObjectFailure(
        ref=f"{api_version}/{kind}",
        reason=FailureReason.UNAVAILABLE,
        message=f"{kind}: the API server is unavailable: {detail}",
        subject=kind,
    )


def fold(*results: Iterable[ObjectFailure | None]) -> StepOutcome:
    """One outcome from assert and errors results (None means passed), keeping their order."""
    failures = tuple(failure for group in results for failure in group if failure is not None)
    return StepOutcome(passed=not failures, failures=failures)


def merge(*outcomes: StepOutcome) -> StepOutcome:
    """One outcome from several (e.g. a round's documents and its commands)."""
    return fold(*(outcome.failures for outcome in outcomes))


def prune(expected: Any, actual: Any) -> Any:
    """`actual` cut down to the keys `expected` names, for a diff that never shows whole objects."""
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        return {key: prune(value, actual[key]) for key, value in expected.items() if key in actual}
    if isinstance(expected, list) and isinstance(actual, list) and expected:
        return [prune(expected[min(i, len(expected) - 1)], item) for i, item in enumerate(actual)]
    return actual


def object_subject(obj: Mapping[str, Any]) -> str:
    """`Kind ns/name` (or `Kind name`) of an object body."""
    metadata = obj.get("metadata")
    metadata = metadata if isinstance(metadata, Mapping) else {}
    name, namespace = metadata.get("name", ""), metadata.get("namespace")
    return f"{obj.get('kind', '')} {namespace}/{name}" if namespace else f"{obj.get('kind', '')} {name}"


def _candidate(
    expected: Mapping[str, Any], actual: Mapping[str, Any], mismatches: list[Mismatch]
) -> Candidate:
    subject = object_subject(actual)
    secret = redaction.is_secret(actual)  # a Secret's values never reach a message or a diff
    return Candidate(
        ref=f"{actual.get('apiVersion', '')}/{subject}",
        subject=subject,
        mismatches=redaction.mismatches(mismatches) if secret else tuple(mismatches),
        actual=redaction.body(prune(expected, actual)) if secret else prune(expected, actual),
    )


def _mismatch_failure(
    expected: Mapping[str, Any], lookup: selection.Lookup, candidates: tuple[Candidate, ...]
) -> ObjectFailure:
    closest = candidates[0]
    first, more = closest.mismatches[0].describe(), len(closest.mismatches) - 1
    detail = first + (f" (+{more} more)" if more else "")
    if lookup.is_named:
        message = f"{lookup.subject()}: {detail}"
    else:
        message = (
            f"{lookup.subject()}: none of {len(candidates)} matched; closest {closest.subject}: {detail}"
        )
    return ObjectFailure(
        ref=_list_ref(lookup, len(candidates)),
        reason=FailureReason.MISMATCH,
        message=message,
        mismatches=closest.mismatches,
        candidates=() if lookup.is_named else candidates,
        expected=redaction.body(dict(expected)),
        actual=closest.actual,
        subject=lookup.subject(),
    )


def _list_ref(lookup: selection.Lookup, count: int) -> str:
    """The lookup's reference; a list lookup adds its candidate count."""
    if lookup.is_named:
        return lookup.ref()
    return f"{lookup.ref()} ({count} candidate{'' if count == 1 else 's'})"
