"""Static checks of a chart in the style of Red Hat's chart-verifier, over what the chart contains.

Pure: works on a `ChartContents` (file names, Chart.yaml, template texts) that
`scorecard.running` reads from an unpacked chart. Check names follow chart-verifier's where it
has one (has-readme, contains-test, contains-values, contains-values-schema, has-kubeversion,
has-notes); `crds-in-crds-folder` is ours: a CRD rendered from templates/ is upgraded with the
release and deleted, with every custom resource, when the release is uninstalled.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from toollab.model import scorecard

NAME = "chart-checks"
CRD_IN_TEMPLATE = re.compile(r"^kind:\s*CustomResourceDefinition\s*$", re.MULTILINE)
TEST_HOOK = re.compile(r"helm\.sh/hook['\"]?\s*:\s*['\"]?test(-success)?\b")


@dataclass(frozen=True)
class ChartContents:
    """What an unpacked chart holds: its files (paths relative to the chart), Chart.yaml, templates."""

    name: str
    version: str
    files: frozenset[str]
    chart_yaml: Mapping[str, Any] = field(default_factory=dict)
    templates: Mapping[str, str] = field(default_factory=dict)  # templates/... path -> text

    @property
    def label(self) -> str:
        """ "agent-1.0.0"."""
        return f"{self.name}-{self.version}" if self.version else self.name


@dataclass(frozen=True)
class Check:
    """One static check: its name, severity when it fails, and the failure message."""

    name: str
    severity: scorecard.Severity
    message: str
    passes: Callable[[ChartContents], bool]


def _has_readme(chart: ChartContents) -> bool:
    return any(f.lower() == "readme.md" for f in chart.files)


def _contains_test(chart: ChartContents) -> bool:
    return any(p.startswith("templates/tests/") or TEST_HOOK.search(t) for p, t in chart.templates.items())


def _crds_in_folder(chart: ChartContents) -> bool:
    return not any(CRD_IN_TEMPLATE.search(text) for text in chart.templates.values())


CHECKS = (
    Check("has-readme", scorecard.Severity.WARNING, "the chart has no README.md", _has_readme),
    Check(
        "contains-test",
        scorecard.Severity.WARNING,
        "the chart has no test (templates/tests/ or a helm.sh/hook: test template)",
        _contains_test,
    ),
    Check(
        "contains-values",
        scorecard.Severity.WARNING,
        "the chart has no values.yaml",
        lambda c: "values.yaml" in c.files,
    ),
    Check(
        "contains-values-schema",
        scorecard.Severity.WARNING,
        "the chart has no values.schema.json: bad values are not caught before install",
        lambda c: "values.schema.json" in c.files,
    ),
    Check(
        "has-kubeversion",
        scorecard.Severity.WARNING,
        "Chart.yaml sets no kubeVersion: the chart does not say which clusters it supports",
        lambda c: bool(str(c.chart_yaml.get("kubeVersion") or "").strip()),
    ),
    Check(
        "has-notes",
        scorecard.Severity.INFO,
        "the chart has no templates/NOTES.txt",
        lambda c: "templates/NOTES.txt" in c.files,
    ),
    Check(
        "crds-in-crds-folder",
        scorecard.Severity.WARNING,
        "CRDs are rendered from templates/: uninstalling the release deletes them with every custom resource",
        _crds_in_folder,
    ),
)


def check_chart(chart: ChartContents) -> tuple[int, tuple[scorecard.Finding, ...]]:
    """(checks passed, findings) of every static check on `chart`."""
    found = tuple(
        scorecard.Finding(
            checker=NAME,
            check=check.name,
            severity=check.severity,
            target=f"chart {chart.label}",
            message=check.message,
        )
        for check in CHECKS
        if not check.passes(chart)
    )
    return len(CHECKS) - len(found), found
