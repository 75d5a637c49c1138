"""chart-verifier-style static checks over what a chart contains."""

from __future__ import annotations

from toollab.model import scorecard
from toollab.scorecard import chart_checks

CRD = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: x.example.com}\n"
TEST_POD = 'metadata:\n  annotations:\n    "helm.sh/hook": test\n'


def contents(
    files: set[str], *, templates: dict[str, str] | None = None, **chart: str
) -> chart_checks.ChartContents:
    return chart_checks.ChartContents(
        name="tool", version="1.0.0", files=frozenset(files), chart_yaml=chart, templates=templates or {}
    )


def failed(chart: chart_checks.ChartContents) -> set[str]:
    return {f.check for f in chart_checks.check_chart(chart)[1]}


def test_a_well_kept_chart_passes_every_check() -> None:
    chart = contents(
        {
            "Chart.yaml",
            "README.md",
            "values.yaml",
            "values.schema.json",
            "templates/NOTES.txt",
            "crds/x.yaml",
        },
        templates={"templates/tests/test-connection.yaml": TEST_POD, "templates/NOTES.txt": "hi"},
        kubeVersion=">=1.25.0-0",
    )
    passed, found = chart_checks.check_chart(chart)
    assert found == () and passed == len(chart_checks.CHECKS)


def test_a_bare_chart_fails_each_check_by_name() -> None:
    chart = contents({"Chart.yaml", "templates/crd.yaml"}, templates={"templates/crd.yaml": CRD})
    assert failed(chart) == {
        "has-readme", "contains-test", "contains-values", "contains-values-schema", "has-kubeversion",
        "has-notes", "crds-in-crds-folder",
    }  # fmt: skip
    severities = {f.check: f.severity for f in chart_checks.check_chart(chart)[1]}
    assert severities["has-notes"] is scorecard.Severity.INFO
    assert severities["crds-in-crds-folder"] is scorecard.Severity.WARNING


def test_a_test_hook_anywhere_in_templates_counts_as_a_chart_test() -> None:
    chart = contents({"Chart.yaml"}, templates={"templates/check.yaml": TEST_POD})
    assert "contains-test" not in failed(chart)


def test_findings_name_the_chart_and_the_checker() -> None:
    _, found = chart_checks.check_chart(contents({"Chart.yaml"}))
    assert {(f.checker, f.target) for f in found} == {("chart-checks", "chart tool-1.0.0")}
