"""`toollab test` reports: kuttl's JUnit/JSON tree, failure on the failing step, counts that add up."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from toollab.reports import json_report, junit
from toollab.reports import suite_results as results

GOLDEN = Path(__file__).resolve().parents[2] / "data" / "suites" / "golden"
T0 = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
FAILURE = (
    "v1/ConfigMap kuttl-ns/paint: mismatch\n"
    '  - data.color: expected "red", got "blue" (value)\n'
    "  --- expected\n  +++ actual"
)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def step(
    name: str, status: results.Status, start: float, duration: float, **kwargs: object
) -> results.StepResult:
    return results.StepResult(name, status, at(start), duration, **kwargs)  # type: ignore[arg-type]


PASSED, FAILED, SKIPPED = results.Status.PASSED, results.Status.FAILED, results.Status.SKIPPED
RESULT = results.SuiteResult(
    name="",
    started=T0,
    duration=9.5,
    cases=(
        results.CaseResult(
            "wrong-value",
            "./cases",
            "kuttl-ns",
            at(0),
            8.25,
            (
                step("setup", PASSED, 0, 0.02),
                step(
                    "step 0-create",
                    FAILED,
                    0.02,
                    3.0,
                    assertions=1,
                    message='ConfigMap kuttl-ns/paint: data.color: expected "red", got "blue"',
                    text=FAILURE,
                ),
                step("step 1-never", SKIPPED, 3.02, 0.0, message="not run: step 0-create failed"),
            ),
        ),
        results.CaseResult(
            "fine",
            "./cases",
            "kuttl-other",
            at(0.001),
            5.0,
            (step("setup", PASSED, 0.001, 0.03), step("step 0-create", PASSED, 0.031, 0.012, assertions=1)),
        ),
        results.CaseResult("solo", "more", "kuttl-x", at(1), 1.5, (step("setup", PASSED, 1, 0.01),)),
    ),
)


KUTTL_GRANULARITIES = [results.Granularity.STEP, results.Granularity.TEST]
CHAINSAW_RESULT = results.SuiteResult(
    name="",
    started=T0,
    duration=7.0,
    cases=(
        results.CaseResult(
            "quick-start",
            "examples",
            "chainsaw-calm-otter",
            at(0),
            6.0,
            (
                step(
                    "create",
                    FAILED,
                    0,
                    2.0,
                    assertions=1,
                    message="try 2: assert: v1/ConfigMap chainsaw-calm-otter/paint: mismatch",
                    text="try 2: assert: " + FAILURE,
                    operations=(
                        step("try 1: apply", PASSED, 0, 0.5),
                        step(
                            "try 2: assert", FAILED, 0.5, 1.0, assertions=1, message="mismatch", text=FAILURE
                        ),
                        step("catch 1: events", PASSED, 1.5, 0.5),
                    ),
                ),
                step("never", SKIPPED, 2.0, 0.0, message="not run: create failed"),
                step(
                    "cleanup (create)",
                    PASSED,
                    2.0,
                    0.25,
                    operations=(step("cleanup 1: script", PASSED, 2.1, 0.1),),
                ),
            ),
        ),
    ),
)


def golden(name: str, text: str) -> str:
    path = GOLDEN / name
    if os.environ.get("TOOLLAB_UPDATE_GOLDEN"):
        path.write_text(text)
    return path.read_text()


@pytest.mark.parametrize("granularity", KUTTL_GRANULARITIES)
def test_junit_matches_golden(granularity: results.Granularity) -> None:
    text = junit.render_junit(RESULT, granularity=granularity)
    assert text == golden(f"kuttl-report-{granularity}.xml", text)


@pytest.mark.parametrize("granularity", KUTTL_GRANULARITIES)
def test_json_matches_golden(granularity: results.Granularity) -> None:
    text = json_report.render_json(RESULT, granularity=granularity)
    assert text == golden(f"kuttl-report-{granularity}.json", text)


def test_failure_sits_on_the_failing_step_with_first_line_and_full_text() -> None:
    root = ET.fromstring(junit.render_junit(RESULT))
    failures = root.findall(".//testcase/failure/..")
    assert [case.get("name") for case in failures] == ["step 0-create"]
    failure = failures[0].find("failure")
    assert failure is not None
    assert failure.get("message") == 'ConfigMap kuttl-ns/paint: data.color: expected "red", got "blue"'
    assert failure.text == FAILURE
    skipped = root.findall(".//testcase/skipped/..")
    assert [case.get("name") for case in skipped] == ["step 1-never"]


def test_counts_add_up_at_every_level() -> None:
    root = ET.fromstring(junit.render_junit(RESULT))
    for suite in [root, *root.iter("testsuite")]:
        cases = list(suite.iter("testcase"))
        assert int(suite.get("tests", "-1")) == len(cases)
        assert int(suite.get("failures", "-1")) == sum(1 for c in cases if c.find("failure") is not None)
        assert int(suite.get("skipped", "-1")) == sum(1 for c in cases if c.find("skipped") is not None)
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("6", "1", "1")


def test_step_granularity_nests_a_testsuite_per_test_dir_then_per_case() -> None:
    tree = json.loads(json_report.render_json(RESULT))
    assert [s["name"] for s in tree["testsuite"]] == ["./cases", "more"]
    cases = tree["testsuite"][0]["testsuite"]
    assert [c["name"] for c in cases] == ["fine", "wrong-value"]
    assert [t["name"] for t in cases[1]["testcase"]] == ["setup", "step 0-create", "step 1-never"]
    assert {t["classname"] for t in cases[1]["testcase"]} == {"wrong-value"}


def test_test_granularity_has_a_testcase_per_case_with_the_step_failure() -> None:
    tree = json.loads(json_report.render_json(RESULT, granularity=results.Granularity.TEST))
    cases = tree["testsuite"][0]["testcase"]
    assert [(c["classname"], c["name"]) for c in cases] == [("cases", "fine"), ("cases", "wrong-value")]
    assert cases[1]["failure"]["text"] == FAILURE and "failure" not in cases[0]


def test_times_are_seconds_and_a_test_dir_spans_its_cases() -> None:
    tree = json.loads(json_report.render_json(RESULT))
    assert tree["time"] == "9.500"
    assert tree["testsuite"][0]["time"] == "8.250"  # from the first start to the last end
    assert tree["testsuite"][0]["timestamp"] == "2025-01-02T03:04:05+00:00"


def test_a_suite_failure_is_reported_at_the_top() -> None:
    broken = results.SuiteResult(
        "s", T0, 1.0, (), failure="command 'make deploy' failed, exit status 2\n    boom"
    )
    root = ET.fromstring(junit.render_junit(broken))
    failure = root.find("failure")
    assert failure is not None and failure.get("message") == "command 'make deploy' failed, exit status 2"
    assert root.get("tests") == "0"


def test_control_characters_never_break_the_xml() -> None:
    noisy = results.CaseResult(
        "c", "d", "n", T0, 1.0, (step("step 0-x", FAILED, 0, 1, text="bad \x1b[31mred\x00"),)
    )
    root = ET.fromstring(junit.render_junit(results.SuiteResult("", T0, 1.0, (noisy,))))
    failure = root.find(".//failure")
    assert failure is not None and failure.text == "bad [31mred"


def test_operation_granularity_nests_operations_under_their_steps() -> None:
    text = junit.render_junit(CHAINSAW_RESULT, granularity=results.Granularity.OPERATION)
    assert text == golden("chainsaw-report-operation.xml", text)
    tree = json.loads(json_report.render_json(CHAINSAW_RESULT, granularity=results.Granularity.OPERATION))
    case = tree["testsuite"][0]["testsuite"][0]
    assert (tree["tests"], tree["failures"], tree["skipped"]) == (5, 1, 1)  # 4 operations + the skipped step
    assert [s["name"] for s in case["testsuite"]] == ["create", "cleanup (create)"]
    assert [c["name"] for c in case["testcase"]] == ["never"]
    assert case["testsuite"][0]["testcase"][1]["failure"]["text"] == FAILURE
