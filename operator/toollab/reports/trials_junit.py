"""JUnit XML for ToolTrials: one testsuite per trial, one testcase per step (`toollab report --format junit`).

Pure: builds a string. Failure text comes from `status.steps[].message`; its first line is the
`message` attribute (what CI lists show), the whole text the element body (kuttl's report shape).
A trial that ended in Error without a failed step gets one `trial` testcase carrying the error,
so CI never shows such a trial as green; so does a trial no operator picked up.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from toollab.reports import scoreboard

NOT_RUN = {"Pending", "Running", "Skipped"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def render_junit(rows: Sequence[scoreboard.Row]) -> str:
    """The whole `<testsuites>` document, indented, with an XML declaration."""
    root = ET.Element("testsuites", name="toollab")
    suites = [build_testsuite(row) for row in rows]
    root.extend(suites)
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in suites)))
    root.set("time", _seconds(sum(float(s.get("time", "0")) for s in suites)))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def build_testsuite(row: scoreboard.Row) -> ET.Element:
    """The testsuite of one trial, with counts that add up to its testcases."""
    suite = ET.Element("testsuite", name=f"{row.namespace}/{row.name}")
    if row.started_at:
        suite.set("timestamp", row.started_at)
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("tool", row.tool),
        ("version", row.version),
        ("phase", row.phase),
        ("result", row.result),
    ):
        if value:
            ET.SubElement(properties, "property", name=name, value=value)
    cases = [_step_case(row, step) for step in row.steps]
    unfailed = not any(step.phase == "Failed" for step in row.steps)
    if row.outcome in ("Error", scoreboard.NOT_PICKED_UP) and unfailed:
        cases.append(_error_case(row))
    suite.extend(cases)
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    suite.set("errors", str(sum(1 for c in cases if c.find("error") is not None)))
    suite.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
    suite.set("time", _seconds(sum(s.seconds or 0.0 for s in row.steps)))
    return suite


def _step_case(row: scoreboard.Row, step: scoreboard.StepResult) -> ET.Element:
    case = ET.Element(
        "testcase", name=step.name, classname=_classname(row), time=_seconds(step.seconds or 0.0)
    )
    if step.phase == "Failed":
        text = _clean(step.message) or "step failed"
        failure = ET.SubElement(case, "failure", message=text.splitlines()[0], type="AssertionsFailed")
        failure.text = text
    elif step.phase in NOT_RUN:
        why = "skipped" if step.phase == "Skipped" else f"not finished ({step.phase})"
        if row.outcome in scoreboard.VERDICTS and step.phase != "Skipped":
            why = f"not run: the trial ended in {row.outcome}"
        ET.SubElement(case, "skipped", message=why)
    return case


def _error_case(row: scoreboard.Row) -> ET.Element:
    case = ET.Element("testcase", name="trial", classname=_classname(row), time="0")
    text = _clean(row.message) or "the trial ended in Error"
    error = ET.SubElement(case, "error", message=text.splitlines()[0], type=row.reason or "Error")
    error.text = text
    return case


def _classname(row: scoreboard.Row) -> str:
    return f"toollab.{row.tool}" if row.tool else "toollab"


def _clean(text: str) -> str:
    # XML 1.0 forbids most control characters (an ANSI colour code would break the file)
    return _CONTROL.sub("", text)


def _seconds(value: float) -> str:
    return f"{value:.3f}"
