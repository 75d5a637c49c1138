"""Results of a `toollab test` run (suite > case > step) and their KUTTL report tree.

Pure data and a pure transformation: `report_tree` gives the nested testsuites/testsuite/testcase
structure shared by the JUnit XML and JSON reports (kuttl's `internal/report` shape).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import PurePath
from typing import Any


class Status(StrEnum):
    """How a step (or the setup of a test case) ended."""

    PASSED = "passed"  # all its checks passed before the deadline
    FAILED = "failed"  # an error, or the last round's failures at the deadline
    SKIPPED = "skipped"  # not run: an earlier step of the case failed


class Granularity(StrEnum):
    """What one report testcase stands for."""

    STEP = "step"  # a testsuite per test case, a testcase per step (kuttl's default)
    TEST = "test"  # a testcase per test case
    OPERATION = "operation"  # Chainsaw: a testsuite per step, a testcase per operation


@dataclass(frozen=True)
class StepResult:
    """One step (or `setup`): status, timing, and for a failure its first line and full text."""

    name: str  # `setup` or `step <index>-<name>`, as kuttl names report testcases
    status: Status
    started: datetime
    duration: float  # seconds
    assertions: int = 0
    message: str = ""
    text: str = ""
    attempts: int = 0
    operations: tuple[StepResult, ...] = ()  # Chainsaw: one entry per operation of the step


@dataclass(frozen=True)
class CaseResult:
    """One test case: its namespace, steps and cleanup problems (leftovers never fail a case)."""

    name: str
    test_dir: str
    namespace: str
    started: datetime
    duration: float
    steps: tuple[StepResult, ...]
    cleanup: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """True when no step (setup included) failed."""
        return all(step.status is not Status.FAILED for step in self.steps)

    @property
    def failed_step(self) -> StepResult | None:
        """The step that failed, if any."""
        return next((step for step in self.steps if step.status is Status.FAILED), None)


@dataclass(frozen=True)
class SuiteResult:
    """A whole run: every test case, or a suite-level failure that kept them from running."""

    name: str
    started: datetime
    duration: float
    cases: tuple[CaseResult, ...]
    failure: str = ""

    @property
    def passed(self) -> bool:
        """True when the suite set up and every test case passed."""
        return not self.failure and all(case.passed for case in self.cases)


def report_tree(result: SuiteResult, *, granularity: Granularity = Granularity.STEP) -> dict[str, Any]:
    """The report as nested dicts: testsuites > testsuite per test dir > (testsuite per case >) testcase."""
    by_dir: dict[str, list[CaseResult]] = {}
    for case in result.cases:
        by_dir.setdefault(case.test_dir, []).append(case)
    suites = [_dir_suite(test_dir, cases, granularity) for test_dir, cases in sorted(by_dir.items())]
    tree: dict[str, Any] = {"name": result.name, **_counts(suites), "time": seconds(result.duration)}
    if result.failure:
        tree["failure"] = {"message": first_line(result.failure), "text": result.failure}
    tree["testsuite"] = suites
    return tree


def _dir_suite(test_dir: str, cases: list[CaseResult], granularity: Granularity) -> dict[str, Any]:
    cases = sorted(cases, key=lambda case: case.name)
    start = min(case.started for case in cases)
    end = max(case.started + timedelta(seconds=case.duration) for case in cases)
    if granularity is Granularity.TEST:
        key, children = "testcase", [_test_case(case, classname=PurePath(test_dir).name) for case in cases]
    else:
        key, children = "testsuite", [_case_suite(case, granularity) for case in cases]
    return {
        **_counts(children),
        **_when(start, (end - start).total_seconds()),
        "name": test_dir,
        key: children,
    }


def _case_suite(case: CaseResult, granularity: Granularity = Granularity.STEP) -> dict[str, Any]:
    if granularity is Granularity.OPERATION:
        return _operations_suite(case)
    testcases = [_step_case(step, classname=case.name) for step in case.steps]
    return {
        **_counts(testcases),
        **_when(case.started, case.duration),
        "name": case.name,
        "testcase": testcases,
    }


def _operations_suite(case: CaseResult) -> dict[str, Any]:
    """A test case whose steps with operations are suites of them; steps without are testcases."""
    suites, testcases = [], []
    for step in case.steps:
        if not step.operations:
            testcases.append(_step_case(step, classname=case.name))
            continue
        children = [_step_case(op, classname=f"{case.name}/{step.name}") for op in step.operations]
        suites.append(
            {
                **_counts(children),
                **_when(step.started, step.duration),
                "name": step.name,
                "testcase": children,
            }
        )
    counts = _counts(suites) if suites else {"tests": 0, "failures": 0, "skipped": 0}
    direct = _counts(testcases)
    node: dict[str, Any] = {key: counts[key] + direct[key] for key in counts}
    node.update(
        {**_when(case.started, case.duration), "name": case.name, "testsuite": suites, "testcase": testcases}
    )
    return node


def _step_case(step: StepResult, *, classname: str) -> dict[str, Any]:
    testcase: dict[str, Any] = {
        "classname": classname,
        "name": step.name,
        **_when(step.started, step.duration),
    }
    testcase["assertions"] = step.assertions
    if step.status is Status.FAILED:
        testcase["failure"] = {"message": step.message or first_line(step.text), "text": step.text}
    elif step.status is Status.SKIPPED:
        testcase["skipped"] = {"message": step.message}
    return testcase


def _test_case(case: CaseResult, *, classname: str) -> dict[str, Any]:
    testcase: dict[str, Any] = {
        "classname": classname,
        "name": case.name,
        **_when(case.started, case.duration),
    }
    testcase["assertions"] = sum(step.assertions for step in case.steps)
    failed = case.failed_step
    if failed is not None:
        testcase["failure"] = {"message": failed.message or first_line(failed.text), "text": failed.text}
    return testcase


def _counts(children: list[dict[str, Any]]) -> dict[str, int]:
    """tests/failures/skipped of a level: summed from child suites, or counted over testcases."""
    if children and "classname" not in children[0]:
        return {key: sum(child[key] for child in children) for key in ("tests", "failures", "skipped")}
    return {
        "tests": len(children),
        "failures": sum(1 for child in children if "failure" in child),
        "skipped": sum(1 for child in children if "skipped" in child),
    }


def _when(started: datetime, duration: float) -> dict[str, str]:
    return {"timestamp": started.isoformat(), "time": seconds(duration)}


def seconds(duration: float) -> str:
    """A duration as the reports write it: seconds with millisecond precision."""
    return f"{max(duration, 0.0):.3f}"


def first_line(text: str) -> str:
    """The first non-empty line of a text (a failure's `message`)."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


__all__ = [
    "CaseResult",
    "Granularity",
    "Status",
    "StepResult",
    "SuiteResult",
    "first_line",
    "report_tree",
    "seconds",
]
