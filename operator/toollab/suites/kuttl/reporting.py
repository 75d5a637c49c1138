"""A finished KUTTL run's summary line and report file (JUnit XML or JSON, per reportFormat).

Writes only the report file, never touches the cluster.
"""

from __future__ import annotations

from pathlib import Path

from toollab import errors
from toollab.reports import json_report, junit
from toollab.reports import suite_results as results
from toollab.suites.kuttl import model


def summary_line(result: results.SuiteResult) -> str:
    """`2 passed, 1 failed in 12.3s` (and the failed cases)."""
    failed = [case.name for case in result.cases if not case.passed]
    passed = len(result.cases) - len(failed)
    line = f"{passed} passed, {len(failed)} failed in {result.duration:.1f}s"
    return line + (f" (failed: {', '.join(failed)})" if failed else "")


def write_report(result: results.SuiteResult, suite: model.Suite) -> Path | None:
    """Write `<artifactsDir>/<reportName>.{xml,json}` when a report format is set; its path."""
    if suite.report_format is None:
        return None
    granularity = results.Granularity(suite.report_granularity)
    if suite.report_format is model.ReportFormat.XML:
        body, suffix = junit.render_junit(result, granularity=granularity), "xml"
    else:
        body, suffix = json_report.render_json(result, granularity=granularity), "json"
    directory = suite.resolve(suite.artifacts_dir) if suite.artifacts_dir else Path(".")
    path = directory / f"{suite.report_name}.{suffix}"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    except OSError as exc:
        raise errors.InputError(f"{path}: cannot write the report: {exc}") from exc
    return path


__all__ = ["summary_line", "write_report"]
