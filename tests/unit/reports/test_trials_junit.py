"""JUnit XML for trials: one testsuite per ToolTrial, one testcase per step, counts that add up."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

from tests.unit.reports import golden, trial_samples
from toollab.reports import scoreboard, trials_junit


def parse(rows: list[scoreboard.Row]) -> ET.Element:
    return ET.fromstring(trials_junit.render_junit(rows))


def test_junit_matches_golden() -> None:
    golden.assert_golden("trials-junit.xml", trials_junit.render_junit(trial_samples.load_rows()))


def test_one_testsuite_per_trial_one_testcase_per_step() -> None:
    root = parse(trial_samples.load_rows())
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(suites) == ["lab/falco", "mesh/linkerd", "lab/litmus"]
    assert [c.get("name") for c in suites["lab/falco"].findall("testcase")] == [
        "running",
        "trigger",
        "detected",
    ]
    assert suites["lab/falco"].find("testcase").get("classname") == "toollab.falco"
    assert suites["lab/falco"].find("testcase").get("time") == "41.200"


def test_failure_message_is_the_first_line_and_the_body_all_of_it() -> None:
    suite = parse(trial_samples.load_rows()).find("testsuite[@name='lab/litmus']")
    failure = suite.find("testcase[@name='recovers']/failure")
    first_line = "apps/v1/Deployment trial-litmus/nginx: status.readyReplicas: expected 2, got 1"
    assert failure.get("message") == first_line
    assert failure.text.endswith("- status.availableReplicas: expected 2, got 1")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "0")


def test_an_errored_trial_is_never_green() -> None:
    suite = parse(trial_samples.load_rows()).find("testsuite[@name='mesh/linkerd']")
    error = suite.find("testcase[@name='trial']/error")
    assert error.get("type") == "InstallFailed"
    assert "identity.issuer.tls.crtPEM" in error.get("message")
    assert [c.find("skipped").get("message") for c in suite.findall("testcase")[:2]] == [
        "not run: the trial ended in Error",
        "not run: the trial ended in Error",
    ]
    assert (suite.get("tests"), suite.get("errors"), suite.get("skipped")) == ("3", "1", "2")


def test_totals_add_up() -> None:
    root = parse(trial_samples.load_rows())
    for key in ("tests", "failures", "errors", "skipped"):
        assert int(root.get(key)) == sum(int(s.get(key)) for s in root.findall("testsuite")), key


def test_running_steps_are_reported_as_not_finished() -> None:
    body = trial_samples.trial(
        "busy", phase="Verifying", steps=[{"name": "a", "phase": "Passed"}, {"name": "b", "phase": "Running"}]
    )
    suite = parse([scoreboard.build_row(body)]).find("testsuite")
    assert suite.find("testcase[@name='b']/skipped").get("message") == "not finished (Running)"
    assert suite.find("testcase[@name='a']").find("*") is None


def test_control_characters_in_messages_keep_the_xml_valid() -> None:
    body = trial_samples.trial(
        "ansi",
        phase="Failed",
        steps=[{"name": "s", "phase": "Failed", "message": "\x1b[31mred\x1b[0m\x00 bad"}],
    )
    failure = parse([scoreboard.build_row(body)]).find("testsuite/testcase/failure")
    assert failure.get("message") == "[31mred[0m bad"


def test_no_trials_is_an_empty_but_valid_document() -> None:
    root = parse([])
    assert (root.tag, root.get("tests"), list(root)) == ("testsuites", "0", [])


def test_a_trial_no_operator_picked_up_is_an_error_in_ci() -> None:
    body = trial_samples.trial("ghost", namespace="team-a")
    body["metadata"]["creationTimestamp"] = "2026-12-02T11:00:00Z"
    now = datetime.datetime(2026, 12, 2, 12, 0, tzinfo=datetime.UTC)
    root = ET.fromstring(trials_junit.render_junit(scoreboard.build_rows([body], now=now)))
    assert (root.get("tests"), root.get("errors"), root.get("failures")) == ("1", "1", "0")
    error = root.find("testsuite/testcase/error")
    assert error is not None
    assert error.get("type") == "NotPickedUp"
    assert error.get("message") == "not picked up: is an operator watching namespace team-a?"
