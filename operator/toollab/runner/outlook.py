"""What a trial's next reconcile pass will need, from its body and the time: which lane, and when.

Pure: the same spec, status and plan the pass itself uses (`plan.next_action`), so a scheduler
can hold a trial back (a timer, a queue for a slot) without a thread and without reading it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from toollab import errors
from toollab.model import parse, status
from toollab.runner import actions, finalizing, plan, profiles


class Lane(StrEnum):
    """Which bounded pool a pass runs in (installs and step attempts each have their own limit)."""

    INSTALL = "install"  # helm or manifests installs
    STEP = "step"  # one attempt of a step (its apply/delete/run parts, then the checks)
    GENERAL = "general"  # bookkeeping, verdicts, cleanup and deletion: short, never queued for a slot


@dataclass(frozen=True)
class Outlook:
    """The next pass: in which lane, after how many seconds; `lane` None: nothing until the trial changes."""

    lane: Lane | None
    delay: float = 0.0
    action: str = ""  # what the pass will do, for metrics and logs (snake_case)

    @property
    def idle(self) -> bool:
        """True when nothing is due now or later."""
        return self.lane is None


NOTHING = Outlook(None, action="idle")


def lane_of(action: actions.Action) -> Lane:
    """The lane an action runs in."""
    if isinstance(action, actions.Install):
        return Lane.INSTALL
    if isinstance(action, actions.RunStepAttempt):
        return Lane.STEP
    return Lane.GENERAL


def action_name(action: actions.Action) -> str:
    """`RunStepAttempt` -> `run_step_attempt`."""
    name = type(action).__name__
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


def outlook(body: Mapping[str, Any], *, now: datetime) -> Outlook:
    """The next pass for this trial as it is now; never raises for a malformed trial."""
    meta = body.get("metadata") or {}
    if finalizing.is_deleting(body):
        return Outlook(Lane.GENERAL, action="clean_up") if finalizing.has_finalizer(body) else NOTHING
    current = status.TrialStatus.from_raw(body.get("status"), now=now)
    try:
        expanded = profiles.resolve_known(body)
        if expanded is None:  # a profile not read yet: the pass reads it
            return Outlook(Lane.GENERAL, action="resolve_profile")
        tool_trial = parse.parse_trial(expanded)
    except errors.SpecError:  # an invalid spec is reported once per generation
        reported = (
            current.observed_generation == meta.get("generation") and current.phase is status.Phase.ERROR
        )
        return NOTHING if reported else Outlook(Lane.GENERAL, action="invalid_spec")
    action = plan.next_action(tool_trial, current, now=now)
    if action.delay is None:
        return NOTHING
    return Outlook(lane_of(action), delay=max(0.0, action.delay), action=action_name(action))


__all__ = ["NOTHING", "Lane", "Outlook", "action_name", "lane_of", "outlook"]
