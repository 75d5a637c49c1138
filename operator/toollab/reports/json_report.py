"""The JSON report of `toollab test`: the same tree as the JUnit XML, as kuttl writes it.

Pure: builds a string from `suite_results`.
"""

from __future__ import annotations

import json

from toollab.reports import suite_results


def render_json(
    result: suite_results.SuiteResult,
    *,
    granularity: suite_results.Granularity = suite_results.Granularity.STEP,
) -> str:
    """The report as indented JSON, keys in kuttl's order."""
    tree = suite_results.report_tree(result, granularity=granularity)
    return json.dumps(tree, indent=2, ensure_ascii=False) + "\n"


__all__ = ["render_json"]
