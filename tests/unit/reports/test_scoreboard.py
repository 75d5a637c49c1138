"""Scoreboard rows: what `toollab report` reads out of ToolTrial bodies, and the JSON it prints."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

from tests.unit.reports import trial_samples
from toollab.reports import scoreboard, trials_json


def test_rows_carry_what_the_status_reports() -> None:
    rows = {row.name: row for row in trial_samples.load_rows()}
    falco = rows["falco"]
    assert (falco.namespace, falco.tool, falco.version, falco.app_version) == (
        "lab",
        "falco",
        "9.1.0",
        "0.44.1",
    )
    assert (falco.phase, falco.passed_text, falco.time_to_ready) == ("Passed", "3/3", 45.3)
    assert falco.footprint == scoreboard.Footprint(
        pods=1,
        containers=2,
        cpu_requests="100m",
        memory_requests="512Mi",
        privileged_containers=1,
        host_path_volumes=4,
        cluster_scoped_objects=2,
    )
    assert [s.name for s in falco.steps] == ["running", "trigger", "detected"]
    assert falco.run_seconds == 70.0
    assert falco.message == "3/3 steps passed"


def test_failed_step_keeps_its_whole_message() -> None:
    litmus = {row.name: row for row in trial_samples.load_rows()}["litmus"]
    failed = [s for s in litmus.steps if s.phase == "Failed"]
    assert [s.name for s in failed] == ["recovers"]
    assert failed[0].message.splitlines() == [
        "apps/v1/Deployment trial-litmus/nginx: status.readyReplicas: expected 2, got 1",
        "- status.availableReplicas: expected 2, got 1",
    ]
    assert (litmus.reason, litmus.outcome) == ("AssertionsFailed", "Failed")


def test_rows_are_grouped_by_tool() -> None:
    assert [row.tool for row in trial_samples.load_rows()] == ["falco", "linkerd", "litmuschaos"]


@pytest.mark.parametrize(
    ("install", "helm", "tool_version", "expected"),
    [
        ({"version": "9.1.0"}, {"version": "9.*"}, "0.44", "9.1.0"),  # installed beats asked for
        ({}, {"version": "9.*"}, "0.44", "9.*"),
        ({}, {}, "0.44", "0.44"),
        ({}, {}, None, ""),
    ],
)
def test_version_prefers_what_was_installed(
    install: dict[str, str], helm: dict[str, str], tool_version: str | None, expected: str
) -> None:
    body = trial_samples.trial("falco", phase="Installing", install=install)
    body["spec"]["tool"] = {"name": "falco", "helm": {"chart": "falco", **helm}}
    if tool_version:
        body["spec"]["tool"]["version"] = tool_version
    assert scoreboard.build_row(body).version == expected


def test_a_trial_the_operator_has_not_seen_is_pending() -> None:
    row = scoreboard.build_row(trial_samples.trial("new"))
    assert (row.phase, row.outcome, row.passed_text, row.steps) == ("", "Pending", "", ())
    assert row.footprint == scoreboard.Footprint()
    assert row.time_to_ready is None


def test_odd_status_values_do_not_break_the_report() -> None:
    body = trial_samples.trial(
        "odd",
        phase="Verifying",
        passed="two",
        total=True,
        footprint="big",
        steps=["not-a-map", {"name": "s"}],
        conditions="none",
        startedAt="yesterday",
        finishedAt="2026-11-21T10:00:00Z",
        timeToReadySeconds={"a": 1},
    )
    row = scoreboard.build_row(body)
    assert (row.passed, row.total, row.time_to_ready, row.run_seconds) == (None, None, None, None)
    assert row.steps == (
        scoreboard.StepResult(name="s", phase="Pending", attempts=None, seconds=None, message=""),
    )
    assert row.outcome == "Running"


@pytest.mark.parametrize(
    ("phase", "result", "outcome"),
    [
        ("Passed", "Passed", "Passed"),
        ("Failed", "Failed", "Failed"),
        ("Error", "Error", "Error"),
        ("Verifying", "Passed", "Running"),  # a new run: the old verdict is not this run's
        ("CleaningUp", "Passed", "Passed"),  # post-run cleanup after a verdict
        ("CleaningUp", "", "Running"),
        ("", "", "Pending"),
    ],
)
def test_outcome(phase: str, result: str, outcome: str) -> None:
    status = {k: v for k, v in {"phase": phase, "result": result}.items() if v}
    assert scoreboard.build_row(trial_samples.trial(**status)).outcome == outcome


def test_collect_trials_accepts_lists_streams_and_single_objects() -> None:
    one, two = trial_samples.trial("a"), trial_samples.trial("b")
    other = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
    documents = [{"apiVersion": "v1", "kind": "List", "items": [one, other]}, [two], None, other, one]
    names = [t["metadata"]["name"] for t in scoreboard.collect_trials(documents)]
    assert names == ["a", "b", "a"]


def test_summary_counts_each_outcome() -> None:
    rows = [*trial_samples.load_rows(), scoreboard.build_row(trial_samples.trial("x", phase="Installing"))]
    summary = scoreboard.summarize(rows)
    assert (summary.total, summary.passed, summary.failed, summary.error, summary.running) == (4, 1, 1, 1, 1)
    assert scoreboard.summary_line(summary) == "4 trials: 1 passed, 1 failed, 1 error, 1 running"
    assert scoreboard.summary_line(scoreboard.summarize([])) == "0 trials"


@pytest.mark.parametrize(
    ("seconds", "text"), [(None, "-"), (0.04, "0.0s"), (45.34, "45.3s"), (125, "2m5s"), (3725, "1h2m")]
)
def test_format_seconds(seconds: float | None, text: str) -> None:
    assert scoreboard.format_seconds(seconds) == text


def test_json_report_is_the_scoreboard_as_data() -> None:
    document = json.loads(trials_json.render_json(trial_samples.load_rows()))
    assert document["summary"] == {
        "total": 3,
        "passed": 1,
        "failed": 1,
        "error": 1,
        "running": 0,
        "pending": 0,
        "notPickedUp": 0,
    }
    by_name = {t["name"]: t for t in document["trials"]}
    assert by_name["falco"]["passedText"] == "3/3"
    assert by_name["falco"]["footprint"]["memoryRequests"] == "512Mi"
    assert by_name["linkerd"]["reason"] == "InstallFailed"
    assert by_name["linkerd"]["timeToReadySeconds"] is None
    assert by_name["litmus"]["steps"][2]["message"].startswith("apps/v1/Deployment trial-litmus/nginx")


def test_building_rows_leaves_the_bodies_untouched() -> None:
    bodies = trial_samples.load_bodies()
    before = json.dumps(bodies, sort_keys=True)
    scoreboard.build_rows(bodies)
    assert json.dumps(bodies, sort_keys=True) == before


NOW = datetime.datetime(2026, 12, 2, 12, 0, tzinfo=datetime.UTC)


def unwatched(name: str = "ghost", *, age: float, **status: Any) -> dict[str, Any]:
    body = trial_samples.trial(name, **status)
    created = NOW - datetime.timedelta(seconds=age)
    body["metadata"]["creationTimestamp"] = created.isoformat().replace("+00:00", "Z")
    body["metadata"]["namespace"] = "team-a"
    return body


@pytest.mark.parametrize(
    ("body", "picked_up"),
    [
        (unwatched(age=61), False),
        (unwatched(age=59), True),  # an operator may simply not have got to it yet
        (unwatched(age=3600, phase="Installing"), True),
    ],
)
def test_a_trial_without_status_after_a_minute_is_not_picked_up(
    body: dict[str, Any], picked_up: bool
) -> None:
    row = scoreboard.build_row(body, now=NOW)
    assert row.not_picked_up is not picked_up
    if not picked_up:
        assert (row.outcome, row.shown_phase, row.reason) == ("NotPickedUp", "not picked up", "NotPickedUp")
        assert row.message == "not picked up: is an operator watching namespace team-a?"


def test_without_a_clock_nothing_is_called_not_picked_up() -> None:
    assert scoreboard.build_row(unwatched(age=3600)).outcome == "Pending"


def test_not_picked_up_trials_are_counted_apart() -> None:
    rows = scoreboard.build_rows([unwatched("a", age=120), unwatched("b", age=5)], now=NOW)
    summary = scoreboard.summarize(rows)
    assert (summary.pending, summary.not_picked_up) == (1, 1)
    assert scoreboard.summary_line(summary) == "2 trials: 1 pending, 1 not picked up"
    document = json.loads(trials_json.render_json(rows))
    assert document["summary"]["notPickedUp"] == 1
    (ghost,) = [t for t in document["trials"] if t["outcome"] == "NotPickedUp"]
    assert ghost["message"].startswith("not picked up: is an operator watching namespace team-a?")
