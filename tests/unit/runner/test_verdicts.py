"""After each verdict: history, the next scheduled run, and Regressed."""

from __future__ import annotations

from datetime import timedelta

from tests.unit.runner.test_plan import T0, at, finished, make_trial, tr
from toollab.model import status
from toollab.runner import verdicts

Result, Reason = status.Result, status.Reason


def test_a_verdict_joins_the_history_and_shows_the_next_run() -> None:
    tool_trial = make_trial({"spec.schedule": "@every 60s", "spec.cleanup": {}, "spec.historyLimit": 2})
    recorded, events = verdicts.conclude(tool_trial, finished(Result.PASSED))
    (entry,) = recorded.history
    assert (entry.result, entry.passed, entry.total, entry.version) == ("Passed", 3, 3, "9.1.0")
    assert entry.started_at == T0 and recorded.next_run_at == T0 + timedelta(seconds=60)
    assert events == ()


def test_passed_then_failed_posts_one_regressed_warning() -> None:
    tool_trial = make_trial({"spec.schedule": "@every 60s", "spec.cleanup": {}})
    first, _ = verdicts.conclude(tool_trial, finished(Result.PASSED))
    rerun = tr.start_run(tool_trial, first, now=at(60), scheduled=True)
    rerun = tr.namespace_ready(rerun, created=True, now=at(60))
    rerun = tr.install_succeeded(rerun, status.InstallInfo("helm", "falco", "9.2.0"), now=at(61))
    failed = tr.finish(rerun, Result.FAILED, Reason.ASSERTIONS_FAILED, "m", now=at(70))
    second, events = verdicts.conclude(tool_trial, failed)
    assert [e.result for e in second.history] == ["Failed", "Passed"]
    (event,) = events
    assert (event.type, event.reason) == ("Warning", "Regressed")
    assert "version 9.1.0 -> 9.2.0" in event.message
    third, again = verdicts.conclude(
        tool_trial, tr.finish(second, Result.FAILED, Reason.ASSERTIONS_FAILED, "m", now=at(71))
    )
    assert again == () and len(third.history) == 2  # the same run recorded again: no second event


def test_an_unscheduled_trial_has_no_next_run() -> None:
    recorded, _ = verdicts.conclude(make_trial({}), finished(Result.PASSED))
    assert recorded.next_run_at is None and len(recorded.history) == 1
