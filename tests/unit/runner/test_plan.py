"""next_action: a table over spec, status and time; a restart plans exactly what it would have."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.unit.model import samples
from tests.unit.model.samples import body_with
from toollab.model import parse, scorecard, status, trial
from toollab.runner import plan
from toollab.runner import transitions as tr

T0 = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)
Result, Reason, Stage = status.Result, status.Reason, status.Stage


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def make_trial(changes: dict[str, Any] | None = None) -> trial.ToolTrial:
    return parse.parse_trial(body_with(changes or {}))


TRIAL = make_trial()  # 3 steps (running 300s, chaos 30s, smoke 30s); 15m; DeleteOnSuccess, ttl 3600


def installed(tool_trial: trial.ToolTrial = TRIAL) -> status.TrialStatus:
    """A status that has started a run at T0, made the namespace and installed."""
    current = tr.start_run(tool_trial, status.TrialStatus(), now=T0)
    current = tr.namespace_ready(current, created=True, now=T0)
    return tr.install_succeeded(current, status.InstallInfo("helm", "falco", "9.1.0"), now=at(1))


def failing(
    current: status.TrialStatus, index: int, attempts: int, *, start: float, every: float
) -> status.TrialStatus:
    """`attempts` failed attempts of step `index`, one every `every` seconds from `start`."""
    current = tr.begin_step(current, index, timeout_seconds=TRIAL.steps[index].timeout_seconds, now=at(start))
    for n in range(attempts):
        current = tr.step_attempt_failed(current, index, "Pod x: missing", now=at(start + n * every))
    return current


def passing(current: status.TrialStatus, *indexes: int, when: float = 2) -> status.TrialStatus:
    for index in indexes:
        current = tr.begin_step(current, index, timeout_seconds=30, now=at(when))
        current = tr.step_passed(current, index, now=at(when))
    return current


def finished(verdict: status.Result, *, when: float = 10, scored: bool = True) -> status.TrialStatus:
    reason = {Result.PASSED: Reason.PASSED, Result.FAILED: Reason.ASSERTIONS_FAILED}.get(
        verdict, Reason.TIMEOUT
    )
    done = tr.finish(passing(installed(), 0, 1, 2), verdict, reason, "m", now=at(when))
    return score(done, now=at(when)) if scored else done


def score(current: status.TrialStatus, *, now: datetime) -> status.TrialStatus:
    """The scorecard of the current run, with nothing found (what the Score action records)."""
    assert current.run is not None
    return tr.scored(current, scorecard.assemble((), run_started_at=current.run.started_at, checked_at=now))


# --- starting and installing ----------------------------------------------------------------


def test_a_new_trial_starts_a_run() -> None:
    assert plan.next_action(TRIAL, status.TrialStatus(), now=T0) == plan.StartRun(generation=3)


def test_a_new_generation_starts_a_new_run_even_after_a_verdict() -> None:
    newer = replace(TRIAL, generation=4)
    assert plan.next_action(newer, finished(Result.PASSED), now=at(20)) == plan.StartRun(generation=4)
    assert plan.next_action(newer, installed(), now=at(2)) == plan.StartRun(generation=4)


def test_steps_that_do_not_match_the_spec_start_a_new_run() -> None:
    current = installed()
    renamed = replace(TRIAL, steps=(replace(TRIAL.steps[0], name="other"), *TRIAL.steps[1:]))
    assert isinstance(plan.next_action(renamed, current, now=at(2)), plan.StartRun)


def test_after_starting_the_namespace_comes_first() -> None:
    current = tr.start_run(TRIAL, status.TrialStatus(), now=T0)
    assert plan.next_action(TRIAL, current, now=T0) == plan.EnsureNamespace(
        namespace="trial-falco", create=True
    )
    no_create = make_trial({"spec.target": {"namespace": "shared", "createNamespace": False}})
    current = tr.start_run(no_create, status.TrialStatus(), now=T0)
    assert plan.next_action(no_create, current, now=T0) == plan.EnsureNamespace(
        namespace="shared", create=False
    )


def test_then_the_install() -> None:
    current = tr.namespace_ready(tr.start_run(TRIAL, status.TrialStatus(), now=T0), created=True, now=T0)
    assert plan.next_action(TRIAL, current, now=at(1)) == plan.Install()


@pytest.mark.parametrize("stage", ["started", "namespace", "installed", "step"])
def test_past_spec_timeout_a_running_trial_ends_in_error(stage: str) -> None:
    current = tr.start_run(TRIAL, status.TrialStatus(), now=T0)
    if stage != "started":
        current = tr.namespace_ready(current, created=True, now=T0)
    if stage in ("installed", "step"):
        current = tr.install_succeeded(current, status.InstallInfo("helm"), now=at(1))
    if stage == "step":
        current = failing(current, 0, 3, start=2, every=1)
    action = plan.next_action(TRIAL, current, now=at(15 * 60))
    assert action == plan.Finish(
        Result.ERROR, Reason.TIMEOUT, "the trial did not reach a verdict within spec.timeout (15m)"
    )


# --- steps ------------------------------------------------------------------------------------


def test_the_first_step_is_attempted_at_once() -> None:
    assert plan.next_action(TRIAL, installed(), now=at(1)) == plan.RunStepAttempt(index=0, delay=0.0)


def test_the_next_step_after_a_pass_is_attempted_at_once() -> None:
    assert plan.next_action(TRIAL, passing(installed(), 0), now=at(2)) == plan.RunStepAttempt(
        index=1, delay=0.0
    )


@pytest.mark.parametrize(("attempts", "delay"), [(1, 0.2), (2, 0.4), (3, 0.8), (5, 3.2), (6, 5.0), (30, 5.0)])
def test_attempts_back_off_from_the_last_one(attempts: int, delay: float) -> None:
    current = failing(installed(), 0, attempts, start=2, every=0)
    assert plan.next_action(TRIAL, current, now=at(2)) == plan.RunStepAttempt(index=0, delay=delay)


def test_the_wait_counts_from_the_last_attempt_so_a_replan_does_not_wait_twice() -> None:
    current = failing(installed(), 0, 3, start=2, every=0)  # next due 0.8 s after t=2
    assert plan.next_action(TRIAL, current, now=at(2.5)) == plan.RunStepAttempt(index=0, delay=0.3)
    assert plan.next_action(TRIAL, current, now=at(9)) == plan.RunStepAttempt(index=0, delay=0.0)


def test_the_wait_never_runs_past_the_step_deadline() -> None:
    current = passing(installed(), 0)
    current = failing(current, 1, 10, start=2, every=2.9)  # chaos: deadline t=32; last attempt t=28.1
    action = plan.next_action(TRIAL, current, now=at(28.5))
    assert isinstance(action, plan.RunStepAttempt) and action.delay == pytest.approx(3.5)


def test_a_step_past_its_deadline_fails_the_trial_with_the_last_message() -> None:
    current = passing(installed(), 0)
    current = failing(current, 1, 12, start=2, every=2.5)  # last attempt at t=29.5, deadline t=32
    action = plan.next_action(TRIAL, current, now=at(32))
    assert action == plan.Finish(
        Result.FAILED,
        Reason.ASSERTIONS_FAILED,
        'step 2/3 "chaos" did not pass within 30s (12 attempts): Pod x: missing',
    )


def test_a_step_not_watched_up_to_its_deadline_gets_one_more_attempt_before_a_verdict() -> None:
    current = passing(installed(), 0)
    never_tried = tr.begin_step(current, 1, timeout_seconds=30, now=at(2))
    assert plan.next_action(TRIAL, never_tried, now=at(100)) == plan.RunStepAttempt(index=1, delay=0.0)
    operator_was_down = failing(current, 1, 2, start=2, every=1)  # last attempt t=3, deadline t=32
    assert plan.next_action(TRIAL, operator_was_down, now=at(100)) == plan.RunStepAttempt(index=1, delay=0.0)
    tried_once_more = tr.step_attempt_failed(operator_was_down, 1, "still missing", now=at(100))
    action = plan.next_action(TRIAL, tried_once_more, now=at(100))
    assert isinstance(action, plan.Finish) and action.verdict is Result.FAILED
    assert action.message.endswith("(3 attempts): still missing")


def test_a_step_marked_failed_is_a_verdict() -> None:
    current = installed()
    current = replace(
        current, steps=(replace(current.steps[0], phase=status.StepPhase.FAILED), *current.steps[1:])
    )
    action = plan.next_action(TRIAL, current, now=at(2))
    assert isinstance(action, plan.Finish) and action.verdict is Result.FAILED


def test_all_steps_passed_is_a_pass() -> None:
    action = plan.next_action(TRIAL, passing(installed(), 0, 1, 2), now=at(3))
    assert action == plan.Finish(Result.PASSED, Reason.PASSED, "3/3 steps passed")


def test_a_trial_without_steps_passes_once_installed() -> None:
    bare = make_trial({"spec.steps": []})
    action = plan.next_action(bare, installed(bare), now=at(2))
    assert action == plan.Finish(Result.PASSED, Reason.PASSED, "installed; the trial has no steps")


# --- after the verdict ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "verdict", "cleans"),
    [
        ("Delete", Result.PASSED, True),
        ("Delete", Result.FAILED, True),
        ("Delete", Result.ERROR, True),
        ("DeleteOnSuccess", Result.PASSED, True),
        ("DeleteOnSuccess", Result.FAILED, False),
        ("Retain", Result.PASSED, False),
    ],
)
def test_post_run_cleanup_follows_the_policy(policy: str, verdict: status.Result, cleans: bool) -> None:
    tool_trial = make_trial({"spec.cleanup": {"policy": policy}})
    action = plan.next_action(tool_trial, finished(verdict), now=at(11))
    assert action == (plan.PostRunCleanup() if cleans else plan.Idle(delay=None, why=f"finished: {verdict}"))


def test_a_verdict_on_an_install_is_scored_before_cleanup() -> None:
    unscored = finished(Result.PASSED, scored=False)
    assert plan.next_action(TRIAL, unscored, now=at(11)) == plan.Score()
    earlier = replace(unscored, scorecard=finished(Result.PASSED, when=5).scorecard)
    later_run = replace(earlier, run=replace(earlier.run, started_at=at(6)))  # the card is an older run's
    assert plan.next_action(TRIAL, later_run, now=at(11)) == plan.Score()


def test_a_run_that_installed_nothing_has_nothing_to_score() -> None:
    started = tr.start_run(TRIAL, status.TrialStatus(), now=T0)
    errored = tr.finish(started, Result.ERROR, Reason.INSTALL_FAILED, "m", now=at(1))
    assert not plan.needs_score(errored)


def test_the_run_deadline_no_longer_matters_after_the_verdict() -> None:
    tool_trial = make_trial({"spec.cleanup": {"policy": "Retain"}})
    assert isinstance(plan.next_action(tool_trial, finished(Result.PASSED), now=at(3600 * 24)), plan.Idle)


def test_after_cleanup_it_idles_until_the_ttl_then_expires() -> None:
    cleaned = tr.cleaned_up(finished(Result.PASSED, when=10), now=at(11))
    assert plan.next_action(TRIAL, cleaned, now=at(11)) == plan.Idle(
        delay=3599.0, why="waiting for ttlSecondsAfterFinished"
    )
    assert plan.next_action(TRIAL, cleaned, now=at(3610)) == plan.ExpireTrial()


def test_a_retained_failure_expires_without_cleanup_first() -> None:
    assert plan.next_action(TRIAL, finished(Result.FAILED, when=10), now=at(3610)) == plan.ExpireTrial()


def test_a_ttl_of_zero_expires_right_after_cleanup() -> None:
    tool_trial = make_trial({"spec.cleanup": {"policy": "Delete", "ttlSecondsAfterFinished": 0}})
    current = finished(Result.FAILED, when=10)
    assert plan.next_action(tool_trial, current, now=at(10)) == plan.PostRunCleanup()
    assert plan.next_action(tool_trial, tr.cleaned_up(current, now=at(10)), now=at(10)) == plan.ExpireTrial()


# --- a whole run, and restarts at every point ----------------------------------------------


def drive(
    tool_trial: trial.ToolTrial, outcomes: dict[int, list[bool]]
) -> list[tuple[plan.Action, status.TrialStatus]]:
    """Plan and 'execute' (with transitions only) until Idle; every attempt takes 0.1 s."""
    current, clock, seen = status.TrialStatus(), T0, []
    for _ in range(100):
        action = plan.next_action(tool_trial, current, now=clock)
        seen.append((action, current))
        clock += timedelta(seconds=action.delay or 0)
        if isinstance(action, plan.Idle | plan.ExpireTrial):
            return seen
        current = perform(action, tool_trial, current, clock, outcomes)
        clock += timedelta(seconds=0.1)
    raise AssertionError("the run did not settle")


def perform(
    action: plan.Action,
    tool_trial: trial.ToolTrial,
    current: status.TrialStatus,
    now: datetime,
    outcomes: dict[int, list[bool]],
) -> status.TrialStatus:
    match action:
        case plan.StartRun():
            return tr.start_run(tool_trial, current, now=now)
        case plan.EnsureNamespace():
            return tr.namespace_ready(current, created=True, now=now)
        case plan.Install():
            return tr.install_succeeded(
                current, status.InstallInfo("helm", "falco", "9.1.0"), now=now, release="falco"
            )
        case plan.RunStepAttempt(index=index):
            current = tr.begin_step(
                current, index, timeout_seconds=tool_trial.steps[index].timeout_seconds, now=now
            )
            if outcomes[index].pop(0):
                return tr.step_passed(current, index, now=now)
            return tr.step_attempt_failed(current, index, f"step {index} not yet", now=now)
        case plan.Finish(verdict=verdict, reason=reason, message=message):
            return tr.finish(current, verdict, reason, message, now=now)
        case plan.Score():
            return score(current, now=now)
        case plan.PostRunCleanup():
            return tr.cleaned_up(current, now=now)
    raise AssertionError(action)


def names(seen: list[tuple[plan.Action, status.TrialStatus]]) -> list[str]:
    return [
        type(action).__name__ + (f"({action.index})" if isinstance(action, plan.RunStepAttempt) else "")
        for action, _ in seen
    ]


def test_a_whole_passing_run() -> None:
    seen = drive(TRIAL, {0: [False, False, True], 1: [True], 2: [True]})
    assert names(seen) == [
        "StartRun", "EnsureNamespace", "Install",
        "RunStepAttempt(0)", "RunStepAttempt(0)", "RunStepAttempt(0)",
        "RunStepAttempt(1)", "RunStepAttempt(2)",
        "Finish", "Score", "PostRunCleanup", "Idle",
    ]  # fmt: skip
    final = seen[-1][1]
    assert (final.phase, final.result, final.passed_text) == (status.Phase.PASSED, Result.PASSED, "3/3")
    assert final.steps[0].attempts == 3 and final.inventory == status.Inventory()


def test_a_whole_failing_run() -> None:
    seen = drive(TRIAL, {0: [True], 1: [False] * 100, 2: []})
    assert names(seen)[-3:] == ["Finish", "Score", "Idle"]  # DeleteOnSuccess keeps a failure to inspect
    final = seen[-1][1]
    assert (final.phase, final.result, final.passed_text) == (status.Phase.FAILED, Result.FAILED, "1/3")
    assert [s.phase for s in final.steps] == [
        status.StepPhase.PASSED,
        status.StepPhase.FAILED,
        status.StepPhase.SKIPPED,
    ]
    assert final.steps[1].message == "step 1 not yet"


@pytest.mark.parametrize("outcome", ["passing", "failing"])
def test_a_restart_at_any_point_plans_the_same_action_from_the_stored_status(outcome: str) -> None:
    outcomes = {0: [False, True], 1: [True] if outcome == "passing" else [False] * 100, 2: [True]}
    for action, current in drive(TRIAL, outcomes):
        stored = status.TrialStatus.from_raw(current.to_patch(), now=T0)
        assert stored == current
        for later in (0.0, 0.05, 1.0):
            now = (current.run.started_at if current.run else T0) + timedelta(seconds=later)
            assert plan.next_action(TRIAL, stored, now=now) == plan.next_action(TRIAL, current, now=now), (
                action
            )


def test_backoff_seconds() -> None:
    assert [plan.backoff_seconds(n) for n in range(8)] == [0.0, 0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0]


def test_the_sample_trial_is_what_these_tests_assume() -> None:
    assert [s.name for s in TRIAL.steps] == ["running", "chaos", "smoke"]
    assert TRIAL.cleanup == trial.Cleanup(trial.CleanupPolicy.DELETE_ON_SUCCESS, 3600)
    assert samples.TRIAL["metadata"]["generation"] == 3


# --- schedules --------------------------------------------------------------------------------


def scheduled(text: str = "@every 60s", **changes: Any) -> trial.ToolTrial:
    return make_trial({"spec.schedule": text, "spec.cleanup": {"policy": "Retain"}, **changes})


def test_a_scheduled_trial_waits_for_its_next_run_then_starts_it() -> None:
    done = finished(Result.PASSED)  # the run started at T0
    assert plan.next_action(scheduled(), done, now=at(11)) == plan.Idle(
        delay=49.0, why=f"next scheduled run at {at(60).isoformat()}"
    )
    due = plan.next_action(scheduled(), done, now=at(60))
    assert due == plan.StartRun(generation=3, scheduled=True, why="a scheduled run is due")


def test_missed_runs_while_the_operator_was_down_start_once() -> None:
    action = plan.next_action(scheduled(), finished(Result.FAILED), now=at(3600 * 5))
    assert isinstance(action, plan.StartRun) and action.scheduled


def test_a_suspended_schedule_idles_until_something_changes() -> None:
    suspended = scheduled(**{"spec.suspend": True})
    assert plan.next_action(suspended, finished(Result.PASSED), now=at(3600)) == plan.Idle(
        delay=None, why="finished: Passed"
    )


def test_a_scheduled_run_cleans_up_and_is_scored_before_the_next_one() -> None:
    tool_trial = scheduled(**{"spec.cleanup": {"policy": "Delete"}})
    unscored = finished(Result.PASSED, scored=False)
    assert plan.next_action(tool_trial, unscored, now=at(100)) == plan.Score()
    assert plan.next_action(tool_trial, finished(Result.PASSED), now=at(100)) == plan.PostRunCleanup()


def test_a_scheduled_start_keeps_history_and_marks_the_run() -> None:
    done = finished(Result.PASSED)
    recorded = tr.record_run(done, limit=10)
    again = tr.start_run(scheduled(), recorded, now=at(60), scheduled=True)
    assert again.history == recorded.history and again.run is not None and again.run.scheduled
    assert again.scorecard == done.scorecard and again.phase is status.Phase.PENDING
