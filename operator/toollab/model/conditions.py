"""Status vocabulary (phases, condition types, reasons) and the kstatus condition table.

Pure: no I/O, no clock reads (callers pass `now`). `status.py` re-exports these names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from toollab.model import stored

MESSAGE_LIMIT = 1024  # bytes-ish: keeps status small; events cut at 1024 too


class Phase(StrEnum):
    """`status.phase`: where the trial is, for people (`kubectl get`)."""

    PENDING = "Pending"  # a new run has started; nothing installed yet
    QUEUED = "Queued"  # waiting for a free slot (installs or step attempts at once are bounded)
    INSTALLING = "Installing"  # the tool is being installed
    VERIFYING = "Verifying"  # installed; steps are running
    PASSED = "Passed"  # every step passed
    FAILED = "Failed"  # a step did not pass within its timeout
    ERROR = "Error"  # the run could not be carried out (spec, install, RBAC, deadline)
    CLEANING_UP = "CleaningUp"  # removing what the trial installed


class Result(StrEnum):
    """`status.result`: the latest verdict (the phase moves on, the verdict stays)."""

    PASSED = "Passed"  # all steps passed
    FAILED = "Failed"  # assertions failed
    ERROR = "Error"  # no verdict on the tool could be reached
    UNKNOWN = "Unknown"  # no run has finished yet


class ConditionType(StrEnum):
    """`status.conditions[].type`."""

    READY = "Ready"  # kstatus: True when the current generation passed
    RECONCILING = "Reconciling"  # kstatus: True while a run is in progress
    STALLED = "Stalled"  # kstatus: True when the run ended without passing
    INSTALLED = "Installed"  # the tool is installed for this run
    VERIFIED = "Verified"  # the steps passed (False: they failed)


class ConditionStatus(StrEnum):
    """`status.conditions[].status`."""

    TRUE = "True"  # the condition holds
    FALSE = "False"  # it does not
    UNKNOWN = "Unknown"  # not known yet


class Reason(StrEnum):
    """`status.conditions[].reason`: why a condition is what it is (CamelCase, stable)."""

    PROGRESSING = "Progressing"  # a run is under way
    INSTALLING = "Installing"  # the install is under way
    INSTALL_SUCCEEDED = "InstallSucceeded"  # the tool is installed (Installed=True)
    VERIFYING = "Verifying"  # the steps are under way
    PASSED = "Passed"  # every step passed
    ASSERTIONS_FAILED = "AssertionsFailed"  # a step did not pass within its timeout
    INVALID_SPEC = "InvalidSpec"  # the spec is invalid (the message names the field)
    INSTALL_FAILED = "InstallFailed"  # helm or the manifests failed to install
    FORBIDDEN = "Forbidden"  # RBAC refused a write for the trial's identity
    TIMEOUT = "Timeout"  # spec.timeout passed before a verdict
    CLEANING_UP = "CleaningUp"  # removing what the trial installed
    CLEANED_UP = "CleanedUp"  # what the trial installed is gone
    PROGRESSING_WITH_RETRY = "ProgressingWithRetry"  # a transient failure; trying again
    QUEUED = "Queued"  # waiting for a free slot; the message says which and the position


VERDICT_PHASES = frozenset({Phase.PASSED, Phase.FAILED, Phase.ERROR})
KSTATUS_TYPES = (ConditionType.READY, ConditionType.RECONCILING, ConditionType.STALLED)
_ORDER = {kind: i for i, kind in enumerate(ConditionType)}


def trim(message: str, limit: int = MESSAGE_LIMIT) -> str:
    """`message` cut to `limit` characters, marking the cut."""
    suffix = " ...(truncated)"
    return message if len(message) <= limit else message[: limit - len(suffix)] + suffix


@dataclass(frozen=True)
class Condition:
    """One metav1.Condition-shaped entry."""

    type: ConditionType
    status: ConditionStatus
    reason: str
    message: str
    last_transition_time: datetime
    observed_generation: int

    def to_raw(self) -> dict[str, Any]:
        """The stored form."""
        return {
            "type": str(self.type),
            "status": str(self.status),
            "reason": self.reason,
            "message": self.message,
            "lastTransitionTime": stored.format_time(self.last_transition_time),
            "observedGeneration": self.observed_generation,
        }

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], *, now: datetime) -> Condition | None:
        """A stored condition; None when its type or status is not ours."""
        try:
            kind = ConditionType(stored.as_str(raw.get("type")))
            status = ConditionStatus(stored.as_str(raw.get("status")))
        except ValueError:
            return None
        return cls(
            type=kind,
            status=status,
            reason=stored.as_str(raw.get("reason"), "Unknown"),
            message=stored.as_str(raw.get("message")),
            last_transition_time=stored.parse_time(raw.get("lastTransitionTime")) or now,
            observed_generation=stored.as_int(raw.get("observedGeneration")),
        )


def condition(
    kind: ConditionType, status: ConditionStatus, reason: str, message: str, *, generation: int, now: datetime
) -> Condition:
    """A condition stamped with `generation` and `now` (message trimmed)."""
    return Condition(kind, status, reason, trim(message), now, generation)


def conditions_for(
    phase: Phase, reason: str, message: str, *, generation: int, now: datetime
) -> tuple[Condition, ...]:
    """Ready, Reconciling and Stalled for a phase, per kstatus (GitOps tools read these)."""
    t, f, u = ConditionStatus.TRUE, ConditionStatus.FALSE, ConditionStatus.UNKNOWN
    states: tuple[tuple[ConditionStatus, str], ...]
    if phase is Phase.PASSED:
        states = ((t, Reason.PASSED), (f, Reason.PASSED), (f, Reason.PASSED))
    elif phase is Phase.FAILED:
        failed = Reason.ASSERTIONS_FAILED
        states = ((f, failed), (f, failed), (t, failed))
    elif phase is Phase.ERROR:
        states = ((f, reason), (f, reason), (t, reason))
    elif phase is Phase.QUEUED:
        states = ((u, Reason.QUEUED), (t, Reason.QUEUED), (f, Reason.QUEUED))
    else:
        states = ((u, Reason.PROGRESSING), (t, reason), (f, reason))
    return tuple(
        condition(kind, status, why, message, generation=generation, now=now)
        for kind, (status, why) in zip(KSTATUS_TYPES, states, strict=True)
    )


def merge_conditions(old: Iterable[Condition], new: Iterable[Condition]) -> tuple[Condition, ...]:
    """`old` updated by `new` (by type); a condition whose status did not change keeps its
    lastTransitionTime. Sorted in ConditionType order."""
    merged = {c.type: c for c in old}
    for fresh in new:
        previous = merged.get(fresh.type)
        if previous is not None and previous.status is fresh.status:
            fresh = replace(fresh, last_transition_time=previous.last_transition_time)
        merged[fresh.type] = fresh
    return tuple(sorted(merged.values(), key=lambda c: _ORDER[c.type]))
