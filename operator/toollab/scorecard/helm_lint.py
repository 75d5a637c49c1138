"""`helm lint --strict`: its argv, and its output read into findings.

Pure. Helm prints `[INFO]`, `[WARNING]` and `[ERROR]` lines (pkg/lint/support); `--strict` makes
warnings fail the lint. The check is the file a message is about ("Chart.yaml", "templates/").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from toollab.model import scorecard

NAME = "helm-lint"
LINE = re.compile(r"^\[(INFO|WARNING|ERROR)\]\s+(.*)$")
SEVERITY = {
    "INFO": scorecard.Severity.INFO,
    "WARNING": scorecard.Severity.WARNING,
    "ERROR": scorecard.Severity.CRITICAL,
}


def lint_argv(helm: str, chart_dir: str, *, values_files: Sequence[str] = ()) -> list[str]:
    """`helm lint --strict` of an unpacked chart with the trial's values."""
    argv = [helm, "lint", "--strict", chart_dir]
    for path in values_files:
        argv += ["--values", path]
    return argv


def parse_lint(text: str, *, chart: str) -> tuple[scorecard.Finding, ...]:
    """Findings from helm lint's output (stdout and stderr together)."""
    found = []
    for raw in text.splitlines():
        match = LINE.match(raw.strip())
        if match is None:
            continue
        level, message = match.groups()
        where, _, rest = message.partition(": ")
        check = where if rest and " " not in where else "chart"
        found.append(
            scorecard.Finding(
                checker=NAME,
                check=check,
                severity=SEVERITY[level],
                target=f"chart {chart}",
                message=rest if check != "chart" else message,
            )
        )
    return tuple(found)
