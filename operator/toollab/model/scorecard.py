"""`status.scorecard`: the hygiene checks of what a trial installed, per checker and per check.

Pure data: no I/O. Every finding names the checker (and its version) that reported it; nothing
here folds findings into one number. `toollab.scorecard` produces these records, `TrialStatus`
stores them, and the reports read their stored form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from toollab.model import stored
from toollab.model.records import compact, read_enum, write_time

Raw = Mapping[str, Any]
MAX_FINDINGS = 60  # kept in status; the counts per checker still cover every finding
MESSAGE_CHARS = 300


class Severity(StrEnum):
    """How bad a finding is, in the checker's own terms mapped onto three levels."""

    CRITICAL = "Critical"  # kube-score critical, helm lint error, a Pod Security violation
    WARNING = "Warning"  # kube-score warning, helm lint warning, a chart check that failed
    INFO = "Info"  # helm lint info: advice, not a defect


class CheckerState(StrEnum):
    """Whether a checker ran."""

    RAN = "Ran"  # it ran; its findings (if any) are listed
    UNAVAILABLE = "Unavailable"  # not installed where the operator runs (named in `message`)
    NOT_APPLICABLE = "NotApplicable"  # nothing for it to check (chart checks on a manifests trial)
    FAILED = "Failed"  # it could not produce a result (the message says why)


@dataclass(frozen=True)
class Finding:
    """One check that did not pass, on one object (or the chart)."""

    checker: str
    check: str
    severity: Severity
    target: str  # "DaemonSet trial-agent/agent", "chart agent-1.0.0", "Pod agent-x (and 2 other pods)"
    message: str

    def to_raw(self) -> dict[str, Any]:
        """The stored form."""
        return {
            "checker": self.checker,
            "check": self.check,
            "severity": str(self.severity),
            "target": self.target,
            "message": self.message[:MESSAGE_CHARS],
        }

    @classmethod
    def from_raw(cls, raw: Raw) -> Finding:
        """Read a stored finding."""
        return cls(
            checker=stored.as_str(raw.get("checker")),
            check=stored.as_str(raw.get("check")),
            severity=read_enum(Severity, raw.get("severity"), Severity.WARNING),
            target=stored.as_str(raw.get("target")),
            message=stored.as_str(raw.get("message")),
        )


@dataclass(frozen=True)
class CheckerRun:
    """One checker's run: name, version, state, and how its checks came out."""

    name: str
    version: str
    state: CheckerState
    passed: int = 0  # checks (times objects) that passed
    critical: int = 0
    warning: int = 0
    info: int = 0
    message: str = ""

    def to_raw(self) -> dict[str, Any]:
        """The stored form."""
        raw = {"name": self.name, "version": self.version, "state": str(self.state), "passed": self.passed}
        counts = {"critical": self.critical, "warning": self.warning, "info": self.info}
        return compact(raw | counts | {"message": self.message[:MESSAGE_CHARS] or None})

    @classmethod
    def from_raw(cls, raw: Raw) -> CheckerRun:
        """Read a stored checker run."""
        return cls(
            name=stored.as_str(raw.get("name")),
            version=stored.as_str(raw.get("version")),
            state=read_enum(CheckerState, raw.get("state"), CheckerState.FAILED),
            passed=stored.as_int(raw.get("passed")),
            critical=stored.as_int(raw.get("critical")),
            warning=stored.as_int(raw.get("warning")),
            info=stored.as_int(raw.get("info")),
            message=stored.as_str(raw.get("message")),
        )


@dataclass(frozen=True)
class Scorecard:
    """`status.scorecard`: which checkers ran on this run's install, and what they found."""

    run_started_at: datetime  # the run it belongs to (status.run.startedAt)
    checked_at: datetime
    checkers: tuple[CheckerRun, ...] = ()
    findings: tuple[Finding, ...] = ()
    omitted: int = 0  # findings beyond MAX_FINDINGS, counted in `checkers` but not listed

    def to_raw(self) -> dict[str, Any]:
        """The stored form."""
        return {
            "runStartedAt": write_time(self.run_started_at),
            "checkedAt": write_time(self.checked_at),
            "checkers": [c.to_raw() for c in self.checkers],
            "findings": [f.to_raw() for f in self.findings],
            "omittedFindings": self.omitted,
        }

    @classmethod
    def from_raw(cls, raw: Raw) -> Scorecard | None:
        """Read a stored scorecard; None when it lacks its run's time."""
        started, checked = stored.parse_time(raw.get("runStartedAt")), stored.parse_time(raw.get("checkedAt"))
        if started is None or checked is None:
            return None
        return cls(
            run_started_at=started,
            checked_at=checked,
            checkers=tuple(CheckerRun.from_raw(c) for c in _items(raw, "checkers")),
            findings=tuple(Finding.from_raw(f) for f in _items(raw, "findings")),
            omitted=stored.as_int(raw.get("omittedFindings")),
        )


def assemble(
    runs: tuple[tuple[CheckerRun, tuple[Finding, ...]], ...],
    *,
    run_started_at: datetime,
    checked_at: datetime,
) -> Scorecard:
    """One scorecard from each checker's run and findings: counts per checker, worst findings first."""
    counted = tuple(_counted(run, found) for run, found in runs)
    every = [finding for _, found in runs for finding in found]
    order = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.INFO: 2}
    every.sort(key=lambda f: (order[f.severity], f.checker, f.check, f.target))
    return Scorecard(
        run_started_at=run_started_at,
        checked_at=checked_at,
        checkers=counted,
        findings=tuple(every[:MAX_FINDINGS]),
        omitted=max(0, len(every) - MAX_FINDINGS),
    )


def _counted(run: CheckerRun, found: tuple[Finding, ...]) -> CheckerRun:
    def count(severity: Severity) -> int:
        return sum(1 for f in found if f.severity is severity)

    return CheckerRun(
        name=run.name,
        version=run.version,
        state=run.state,
        passed=run.passed,
        critical=count(Severity.CRITICAL),
        warning=count(Severity.WARNING),
        info=count(Severity.INFO),
        message=run.message,
    )


def _items(raw: Raw, key: str) -> list[Raw]:
    value = raw.get(key)
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []
