"""Schedules (cron and @every), history records and what counts as a regression."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.unit.model.samples import body_with
from toollab import errors
from toollab.model import history, parse, schedule

T0 = datetime(2026, 11, 21, 12, 0, 7, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "after", "expected"),
    [
        ("*/15 * * * *", T0, datetime(2026, 11, 21, 12, 15, tzinfo=UTC)),
        ("0 3 * * *", T0, datetime(2026, 11, 22, 3, 0, tzinfo=UTC)),
        ("@hourly", T0, datetime(2026, 11, 21, 13, 0, tzinfo=UTC)),
        ("@every 90s", T0, T0 + timedelta(seconds=90)),
        ("  */15   *  * * * ", T0, datetime(2026, 11, 21, 12, 15, tzinfo=UTC)),
    ],
)
def test_next_run_after_a_moment(text: str, after: datetime, expected: datetime) -> None:
    assert schedule.parse_schedule(text, path="spec.schedule").next_after(after) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("* * * *", "needs five fields"),
        ("* * * * * *", "needs five fields"),
        ("61 * * * *", "not a valid cron expression"),
        ("@fortnightly", "not a known macro"),
        ("@every 5s", "at least 10s apart"),
        ("@every soon", "not a duration"),
        ("", "must be a cron expression"),
        (42, "must be a cron expression"),
    ],
)
def test_bad_schedules_say_what_is_wrong(text: object, says: str) -> None:
    with pytest.raises(errors.SpecError, match=says) as caught:
        schedule.parse_schedule(text, path="spec.schedule")
    assert caught.value.path == "spec.schedule"


def test_a_trial_reads_schedule_suspend_and_history_limit() -> None:
    parsed = parse.parse_trial(
        body_with(
            {"spec.schedule": "@daily", "spec.suspend": True, "spec.historyLimit": 3, "spec.cleanup": {}}
        )
    )
    assert parsed.schedule is not None and parsed.schedule.text == "@daily"
    assert parsed.suspend and not parsed.is_scheduled and parsed.history_limit == 3
    assert parse.parse_trial(body_with({})).history_limit == 10


def test_a_schedule_and_a_ttl_cannot_go_together() -> None:
    body = body_with({"spec.schedule": "@daily", "spec.cleanup": {"ttlSecondsAfterFinished": 60}})
    with pytest.raises(errors.SpecError, match="set one or the other"):
        parse.parse_trial(body)


@pytest.mark.parametrize("limit", [0, 101, "ten"])
def test_history_limit_bounds(limit: object) -> None:
    with pytest.raises(errors.SpecError, match=r"spec\.historyLimit"):
        parse.parse_trial(body_with({"spec.historyLimit": limit}))


def entry(minute: int, result: str, version: str = "1.0.0") -> history.HistoryEntry:
    start = T0 + timedelta(minutes=minute)
    return history.HistoryEntry(
        start, start + timedelta(seconds=5), result, passed=1, total=1, version=version
    )


def test_record_keeps_the_newest_first_up_to_the_limit() -> None:
    kept: tuple[history.HistoryEntry, ...] = ()
    for minute in range(5):
        kept = history.record(kept, entry(minute, "Passed"), limit=3)
    assert [e.started_at.minute for e in kept] == [4, 3, 2]
    again = history.record(kept, entry(4, "Failed"), limit=3)  # the same run recorded twice: replaced
    assert [e.result for e in again] == ["Failed", "Passed", "Passed"]


def test_entries_round_trip_through_the_stored_form() -> None:
    original = entry(1, "Passed")
    assert history.HistoryEntry.from_raw(original.to_raw()) == original
    assert history.HistoryEntry.from_raw({"result": "Passed"}) is None


@pytest.mark.parametrize(
    ("results", "regressed"),
    [
        (["Failed", "Passed"], True),
        (["Failed", "Failed", "Passed"], False),  # already reported at the first failure
        (["Error", "Passed"], False),  # no verdict on the tool is not a regression of it
        (["Passed", "Failed"], False),
        (["Failed"], False),
    ],
)
def test_a_regression_is_a_failed_run_right_after_a_passed_one(results: list[str], regressed: bool) -> None:
    kept = tuple(entry(10 - i, r) for i, r in enumerate(results))
    assert (history.regression(kept) is not None) is regressed


def test_the_regression_message_names_both_runs_and_the_version_change() -> None:
    before, now = entry(0, "Passed", "1.0.0"), entry(5, "Failed", "1.1.0")
    text = history.describe_regression(before, now)
    assert "Failed (1/1 steps) after the run started 2026-11-21T12:00:07Z Passed" in text
    assert text.endswith("version 1.0.0 -> 1.1.0")
