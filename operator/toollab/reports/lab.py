"""The lab's view of a trial beyond one run: its history, its hygiene scorecard, its category, its
uninstall leftovers; read tolerantly from a stored ToolTrial.

Pure: no I/O. A missing or odd field reads as absent, never as an error. The category comes from
the trial's ToolProfile when the status carries one, else from the `toollab.dev/category` label.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

CATEGORY_LABEL = "toollab.dev/category"
UNCATEGORIZED = "Uncategorized"
MARKS = {"Passed": "✓", "Failed": "✗", "Error": "!"}


@dataclass(frozen=True)
class Run:
    """One finished run from `status.history`."""

    started_at: str
    result: str
    passed: int | None
    total: int | None
    time_to_ready: float | None
    version: str


@dataclass(frozen=True)
class Checker:
    """One checker of `status.scorecard`: who, which version, and its counts."""

    name: str
    version: str
    state: str
    passed: int
    critical: int
    warning: int
    info: int
    message: str

    @property
    def label(self) -> str:
        """ "kube-score 1.20.0"."""
        return f"{self.name} {self.version}".strip()

    @property
    def counts(self) -> str:
        """ "3 critical, 1 warning, 12 passed"; the state when it did not run."""
        if self.state != "Ran":
            return self.state
        parts = [(self.critical, "critical"), (self.warning, "warning"), (self.info, "info")]
        found = [f"{n} {word}" for n, word in parts if n]
        return ", ".join([*found, f"{self.passed} passed"])


@dataclass(frozen=True)
class Finding:
    """One finding of `status.scorecard.findings`."""

    checker: str
    check: str
    severity: str
    target: str
    message: str


@dataclass(frozen=True)
class Hygiene:
    """`status.scorecard` as the report shows it."""

    checkers: tuple[Checker, ...]
    findings: tuple[Finding, ...]
    omitted: int

    def checker(self, name: str) -> Checker | None:
        """The checker of that name, if it is on the scorecard."""
        return next((c for c in self.checkers if c.name == name), None)


def read_history(status: Mapping[str, Any]) -> tuple[Run, ...]:
    """`status.history`, newest first."""
    return tuple(
        Run(
            started_at=_str(item.get("startedAt")),
            result=_str(item.get("result")) or "Unknown",
            passed=_int(item.get("passed")),
            total=_int(item.get("total")),
            time_to_ready=_float(item.get("timeToReadySeconds")),
            version=_str(item.get("version")),
        )
        for item in _maps(status.get("history"))
    )


def read_hygiene(status: Mapping[str, Any]) -> Hygiene | None:
    """`status.scorecard`, or None when the trial has none yet."""
    card = status.get("scorecard")
    if not isinstance(card, Mapping):
        return None
    checkers = tuple(
        Checker(
            name=_str(c.get("name")),
            version=_str(c.get("version")),
            state=_str(c.get("state")) or "Unknown",
            passed=_int(c.get("passed")) or 0,
            critical=_int(c.get("critical")) or 0,
            warning=_int(c.get("warning")) or 0,
            info=_int(c.get("info")) or 0,
            message=_str(c.get("message")),
        )
        for c in _maps(card.get("checkers"))
    )
    findings = tuple(
        Finding(
            checker=_str(f.get("checker")),
            check=_str(f.get("check")),
            severity=_str(f.get("severity")),
            target=_str(f.get("target")),
            message=_str(f.get("message")),
        )
        for f in _maps(card.get("findings"))
    )
    return Hygiene(checkers=checkers, findings=findings, omitted=_int(card.get("omittedFindings")) or 0)


def read_category(body: Mapping[str, Any]) -> str:
    """The trial's category: its profile's (status.profile.category), else its label, else none."""
    status = body.get("status") if isinstance(body.get("status"), Mapping) else {}
    profile = status.get("profile") if isinstance(status, Mapping) else None
    if isinstance(profile, Mapping) and _str(profile.get("category")):
        return _str(profile.get("category"))
    labels = (body.get("metadata") or {}).get("labels") or {}
    return _str(labels.get(CATEGORY_LABEL)) if isinstance(labels, Mapping) else ""


def read_leftovers(status: Mapping[str, Any]) -> int | None:
    """How many objects the uninstall left behind (`status.leftovers`), when the trial reports it."""
    leftovers = status.get("leftovers")
    if isinstance(leftovers, list):
        return len(leftovers)
    if isinstance(leftovers, Mapping):
        for key in ("count", "total"):
            if isinstance(leftovers.get(key), int):
                return int(leftovers[key])
        objects = leftovers.get("objects") or leftovers.get("items")
        return len(objects) if isinstance(objects, list) else None
    return None


def trend(runs: Sequence[Run], *, limit: int = 10) -> str:
    """The last runs' verdicts, oldest first: "✓✓✗✓" ("" without history)."""
    return "".join(MARKS.get(run.result, "?") for run in reversed(runs[:limit]))


def _maps(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _str(value: object) -> str:
    return "" if value is None or isinstance(value, Mapping | list) else str(value)


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
