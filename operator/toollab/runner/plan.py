"""next_action(trial, status, *, now): the one thing to do next, from spec, status and time.

Pure: a table over the parsed spec, the stored status and the clock passed in; no I/O.
All progress is in the status, so a restarted operator resumes where the trial was.
Deletion is not planned here: the delete handler cleans up under the finalizer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from toollab.model import durations, status, trial
from toollab.runner.actions import (
    Action,
    EnsureNamespace,
    ExpireTrial,
    Finish,
    Idle,
    Install,
    PostRunCleanup,
    RunStepAttempt,
    Score,
    StartRun,
)

__all__ = [
    "Action",
    "EnsureNamespace",
    "ExpireTrial",
    "Finish",
    "Idle",
    "Install",
    "PostRunCleanup",
    "RunStepAttempt",
    "Score",
    "StartRun",
    "backoff_seconds",
    "next_action",
]

BACKOFF_FIRST = 0.2  # seconds before the second attempt of a step
BACKOFF_MAX = 5.0  # the wait between attempts doubles up to this


def next_action(tool_trial: trial.ToolTrial, current: status.TrialStatus, *, now: datetime) -> Action:
    """The next action for this trial; `now` must be timezone-aware."""
    run = current.run
    if run is None or run.generation != tool_trial.generation or not _steps_match(tool_trial, current):
        return StartRun(generation=tool_trial.generation)
    if run.stage in (status.Stage.FINISHED, status.Stage.CLEANED_UP):
        return _after_verdict(tool_trial, current, stage=run.stage, now=now)
    if now >= run.deadline:
        limit = durations.format_duration(tool_trial.timeout_seconds)
        message = f"the trial did not reach a verdict within spec.timeout ({limit})"
        return Finish(status.Result.ERROR, status.Reason.TIMEOUT, message)
    if run.stage is status.Stage.STARTED:
        return EnsureNamespace(namespace=run.target_namespace, create=tool_trial.target.create_namespace)
    if run.stage is status.Stage.NAMESPACE_READY:
        return Install()
    return _verify(tool_trial, current, run_deadline=run.deadline, now=now)


def backoff_seconds(attempts: int) -> float:
    """The wait after `attempts` failed attempts: none before the first, then 0.2 s doubling to 5 s."""
    if attempts <= 0:
        return 0.0
    return min(BACKOFF_FIRST * 2.0 ** (attempts - 1), BACKOFF_MAX)


def needs_score(current: status.TrialStatus) -> bool:
    """Whether this run installed something that has no scorecard yet."""
    if current.run is None or current.install is None or not current.inventory.entries:
        return False
    return current.scorecard is None or current.scorecard.run_started_at != current.run.started_at


def _steps_match(tool_trial: trial.ToolTrial, current: status.TrialStatus) -> bool:
    names = tuple(s.name for s in tool_trial.steps)
    return names == tuple(s.name for s in current.steps)


def _verify(
    tool_trial: trial.ToolTrial, current: status.TrialStatus, *, run_deadline: datetime, now: datetime
) -> Action:
    index = next((i for i, s in enumerate(current.steps) if s.phase is not status.StepPhase.PASSED), None)
    total = len(tool_trial.steps)
    if index is None:
        message = f"{total}/{total} steps passed" if total else "installed; the trial has no steps"
        return Finish(status.Result.PASSED, status.Reason.PASSED, message)
    progress = current.steps[index]
    if progress.phase in (status.StepPhase.FAILED, status.StepPhase.SKIPPED) or (
        progress.deadline is not None and now >= progress.deadline and _watched(progress, progress.deadline)
    ):
        return Finish(
            status.Result.FAILED, status.Reason.ASSERTIONS_FAILED, _failure(tool_trial, progress, index)
        )
    return RunStepAttempt(index=index, delay=_delay(progress, run_deadline=run_deadline, now=now))


def _watched(progress: status.StepStatus, deadline: datetime) -> bool:
    """Whether attempts ran up to the deadline; if not (an operator restart), try once more
    before a verdict, so that the verdict is one that was observed."""
    if progress.attempts == 0 or progress.started_at is None:
        return False
    last_attempt = progress.started_at + timedelta(seconds=progress.seconds)
    return last_attempt >= deadline - timedelta(seconds=BACKOFF_MAX + 1.0)


def _failure(tool_trial: trial.ToolTrial, progress: status.StepStatus, index: int) -> str:
    spec = tool_trial.steps[index]
    limit = durations.format_duration(spec.timeout_seconds)
    attempts = "1 attempt" if progress.attempts == 1 else f"{progress.attempts} attempts"
    head = f'step {index + 1}/{len(tool_trial.steps)} "{spec.name}" did not pass within {limit} ({attempts})'
    return f"{head}: {progress.message}" if progress.message else head


def _delay(progress: status.StepStatus, *, run_deadline: datetime, now: datetime) -> float:
    """Back off from the end of the last attempt, never past a deadline."""
    if progress.attempts == 0 or progress.started_at is None:
        return 0.0
    last_attempt = progress.started_at + timedelta(seconds=progress.seconds)
    due = last_attempt + timedelta(seconds=backoff_seconds(progress.attempts))
    due = min(due, run_deadline, progress.deadline or due)
    return round(max(0.0, (due - now).total_seconds()), 3)


def _after_verdict(
    tool_trial: trial.ToolTrial, current: status.TrialStatus, *, stage: status.Stage, now: datetime
) -> Action:
    passed = current.result is status.Result.PASSED
    if stage is status.Stage.FINISHED and needs_score(current):
        return Score()
    if stage is status.Stage.FINISHED and tool_trial.cleanup.wants_uninstall(passed=passed):
        return PostRunCleanup()
    if tool_trial.schedule is not None and not tool_trial.suspend and current.run is not None:
        due = tool_trial.schedule.next_after(current.run.started_at)
        if now >= due:
            return StartRun(generation=tool_trial.generation, scheduled=True, why="a scheduled run is due")
        return Idle(delay=(due - now).total_seconds(), why=f"next scheduled run at {due.isoformat()}")
    ttl = tool_trial.cleanup.ttl_seconds_after_finished
    if ttl is None or current.finished_at is None:
        return Idle(delay=None, why=f"finished: {current.result}")
    expires = current.finished_at + timedelta(seconds=ttl)
    if now >= expires:
        return ExpireTrial()
    return Idle(delay=(expires - now).total_seconds(), why="waiting for ttlSecondsAfterFinished")
