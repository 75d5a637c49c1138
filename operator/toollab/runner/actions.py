"""The actions `plan.next_action` chooses from: one frozen dataclass each.

Pure data. `delay` is how long to wait before performing the action (0: now; None, only
on Idle: until something changes). A driver that waits should plan again afterwards,
because time has moved on. `why` is a short text for logs.
"""

from __future__ import annotations

from dataclasses import dataclass

from toollab.model import status


@dataclass(frozen=True)
class StartRun:
    """A new generation (or an unreadable run): reset the status for a new run."""

    generation: int
    delay: float = 0.0
    why: str = "new generation"
    scheduled: bool = False  # spec.schedule asked for this run (same generation)


@dataclass(frozen=True)
class EnsureNamespace:
    """Make sure the target namespace exists (create it when allowed and missing)."""

    namespace: str
    create: bool
    delay: float = 0.0
    why: str = "target namespace not ready yet"


@dataclass(frozen=True)
class Install:
    """Install the tool (idempotent: helm upgrade --install, or server-side apply)."""

    delay: float = 0.0
    why: str = "tool not installed yet"


@dataclass(frozen=True)
class RunStepAttempt:
    """One attempt of step `index`: its apply/delete/run parts once, then assert + errors."""

    index: int
    delay: float = 0.0
    why: str = "step not passed yet"


@dataclass(frozen=True)
class Finish:
    """Record the verdict of this run."""

    verdict: status.Result  # Passed, Failed or Error
    reason: status.Reason
    message: str
    delay: float = 0.0
    why: str = "the run has its verdict"


@dataclass(frozen=True)
class Score:
    """Run the scorecard's checkers on what this run installed (after the verdict, before cleanup)."""

    delay: float = 0.0
    why: str = "the install has no scorecard yet"


@dataclass(frozen=True)
class PostRunCleanup:
    """Uninstall after the verdict, as spec.cleanup.policy asks."""

    delay: float = 0.0
    why: str = "cleanup policy removes the tool after the verdict"


@dataclass(frozen=True)
class ExpireTrial:
    """Delete the ToolTrial itself: ttlSecondsAfterFinished has passed since finishedAt."""

    delay: float = 0.0
    why: str = "ttlSecondsAfterFinished passed"


@dataclass(frozen=True)
class Idle:
    """Nothing to do; come back after `delay` seconds, or on a change when None."""

    delay: float | None = None
    why: str = "done"


Action = (
    StartRun
    | EnsureNamespace
    | Install
    | RunStepAttempt
    | Finish
    | Score
    | PostRunCleanup
    | ExpireTrial
    | Idle
)
