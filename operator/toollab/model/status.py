"""`.status` of a ToolTrial as frozen dataclasses: read a stored one, write a whole one.

Pure: no I/O, no clock reads. `TrialStatus.from_raw` never fails on a stored status (bad
values read as absent); `to_patch()` is a complete status for a JSON merge patch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from toollab.model import environment as environments
from toollab.model import history as histories
from toollab.model import scorecard as scorecards
from toollab.model import stored
from toollab.model.conditions import (
    MESSAGE_LIMIT,
    VERDICT_PHASES,
    Condition,
    ConditionStatus,
    ConditionType,
    Phase,
    Reason,
    Result,
    condition,
    conditions_for,
    merge_conditions,
    trim,
)
from toollab.model.leftover import Leftover
from toollab.model.records import (
    Footprint,
    InstallInfo,
    Inventory,
    InventoryEntry,
    RunInfo,
    Stage,
    StepPhase,
    StepStatus,
    read_enum,
    write_time,
)

__all__ = [
    "MESSAGE_LIMIT",
    "VERDICT_PHASES",
    "Condition",
    "ConditionStatus",
    "ConditionType",
    "Footprint",
    "InstallInfo",
    "Inventory",
    "InventoryEntry",
    "Phase",
    "Reason",
    "Result",
    "RunInfo",
    "Stage",
    "StepPhase",
    "StepStatus",
    "TrialStatus",
    "condition",
    "conditions_for",
    "merge_conditions",
    "trim",
]

Raw = Mapping[str, Any]
T = TypeVar("T")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _sub(raw: Raw, key: str, read: Callable[[Raw], T]) -> T | None:
    value = raw.get(key)
    return read(value) if isinstance(value, Mapping) else None


def _generation(value: Any) -> int | None:
    generation = stored.as_int(value, -1)
    return None if generation < 0 else generation


def _items(raw: Raw, key: str) -> list[Raw]:
    value = raw.get(key)
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


@dataclass(frozen=True)
class TrialStatus:
    """A ToolTrial's whole `.status`."""

    observed_generation: int | None = None
    phase: Phase | None = None
    result: Result = Result.UNKNOWN
    conditions: tuple[Condition, ...] = ()
    started_at: datetime | None = None
    finished_at: datetime | None = None
    install: InstallInfo | None = None
    steps: tuple[StepStatus, ...] = ()
    current_step: int = 0
    passed: int = 0
    total: int = 0
    time_to_ready_seconds: float | None = None
    footprint: Footprint | None = None
    run: RunInfo | None = None
    inventory: Inventory = field(default_factory=Inventory)
    history: tuple[histories.HistoryEntry, ...] = ()  # newest first
    scorecard: scorecards.Scorecard | None = None
    next_run_at: datetime | None = None  # the next scheduled run, when spec.schedule is set
    environment: environments.Environment | None = None  # the cluster the run used
    profile: environments.ProfileInfo | None = None  # the ToolProfile it installed from
    leftovers: tuple[Leftover, ...] | None = None  # what the post-run cleanup left (None: not audited)

    @property
    def passed_text(self) -> str:
        """ "2/3", for the PASSED printer column."""
        return f"{self.passed}/{self.total}"

    def condition(self, kind: ConditionType) -> Condition | None:
        """The condition of that type, if set."""
        return next((c for c in self.conditions if c.type is kind), None)

    @classmethod
    def from_raw(cls, raw: Raw | None, *, now: datetime | None = None) -> TrialStatus:
        """Read a stored status (None or {} for a new trial); `now` stands in for a condition's
        unreadable lastTransitionTime (default: the Unix epoch)."""
        raw = raw if isinstance(raw, Mapping) else {}
        now = now or EPOCH
        phase = raw.get("phase")
        conditions = (Condition.from_raw(c, now=now) for c in _items(raw, "conditions"))
        return cls(
            observed_generation=_generation(raw.get("observedGeneration")),
            phase=read_enum(Phase, phase, Phase.PENDING) if phase is not None else None,
            result=read_enum(Result, raw.get("result"), Result.UNKNOWN),
            conditions=merge_conditions((), (c for c in conditions if c is not None)),
            started_at=stored.parse_time(raw.get("startedAt")),
            finished_at=stored.parse_time(raw.get("finishedAt")),
            install=_sub(raw, "install", InstallInfo.from_raw),
            steps=tuple(StepStatus.from_raw(s) for s in _items(raw, "steps")),
            current_step=stored.as_int(raw.get("currentStep")),
            passed=stored.as_int(raw.get("passed")),
            total=stored.as_int(raw.get("total")),
            time_to_ready_seconds=stored.as_float(raw.get("timeToReadySeconds")),
            footprint=_sub(raw, "footprint", Footprint.from_raw),
            run=_sub(raw, "run", RunInfo.from_raw),
            inventory=_sub(raw, "inventory", Inventory.from_raw) or Inventory(),
            history=tuple(
                e
                for e in (histories.HistoryEntry.from_raw(h) for h in _items(raw, "history"))
                if e is not None
            ),
            scorecard=_sub(raw, "scorecard", scorecards.Scorecard.from_raw),
            next_run_at=stored.parse_time(raw.get("nextRunAt")),
            environment=_sub(raw, "environment", environments.Environment.from_raw),
            profile=_sub(raw, "profile", environments.ProfileInfo.from_raw),
            leftovers=tuple(Leftover.from_raw(x) for x in _items(raw, "leftovers"))
            if isinstance(raw.get("leftovers"), list)
            else None,
        )

    def to_patch(self) -> dict[str, Any]:
        """The whole status for a merge patch: every key present, None deleting absent ones."""
        return {
            "observedGeneration": self.observed_generation,
            "phase": None if self.phase is None else str(self.phase),
            "result": str(self.result),
            "conditions": [c.to_raw() for c in self.conditions],
            "startedAt": write_time(self.started_at),
            "finishedAt": write_time(self.finished_at),
            "install": None if self.install is None else self.install.to_raw(),
            "steps": [s.to_raw() for s in self.steps],
            "currentStep": self.current_step,
            "passed": self.passed,
            "total": self.total,
            "passedText": self.passed_text,
            "timeToReadySeconds": self.time_to_ready_seconds,
            "footprint": None if self.footprint is None else self.footprint.to_raw(),
            "run": None if self.run is None else self.run.to_raw(),
            "inventory": self.inventory.to_raw(),
            "history": [entry.to_raw() for entry in self.history],
            "scorecard": None if self.scorecard is None else self.scorecard.to_raw(),
            "nextRunAt": write_time(self.next_run_at),
            "environment": None if self.environment is None else self.environment.to_raw(),
            "profile": None if self.profile is None else self.profile.to_raw(),
            "leftovers": None if self.leftovers is None else [x.to_raw() for x in self.leftovers],
        }
