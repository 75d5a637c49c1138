"""The scorecard's parsers over real output: kube-score JSON, helm lint text, Pod Security warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from toollab import errors
from toollab.model import scorecard
from toollab.scorecard import helm_lint, kube_score, pod_security

DATA = Path(__file__).resolve().parents[2] / "data" / "scorecard"

# `helm lint --strict` of a chart whose template dereferences a missing value (helm 3.21.4)
LINT_FAILED = (DATA / "helm-lint-failed.txt").read_text()


def test_kube_score_reports_the_agents_privileged_container_per_check() -> None:
    passed, found = kube_score.parse_score(
        (DATA / "kube-score-agent.json").read_text(), namespace="trial-agent"
    )
    by_check = {f.check: f for f in found}
    privileged = by_check["container-security-context-privileged"]
    assert privileged.checker == "kube-score"
    assert privileged.severity is scorecard.Severity.CRITICAL
    assert privileged.target == "DaemonSet trial-agent/agent"
    assert privileged.message == "agent: The container is privileged"
    assert "container-resources" in by_check and passed >= 2  # label-values, stable-version pass
    assert all(f.checker == "kube-score" for f in found)


@pytest.mark.parametrize(
    ("grade", "severity"),
    [(1, scorecard.Severity.CRITICAL), (5, scorecard.Severity.WARNING), (7, None), (10, None)],
)
def test_kube_score_grades_map_to_severities(grade: int, severity: scorecard.Severity | None) -> None:
    text = (
        '[{"type_meta": {"kind": "Deployment"}, "object_meta": {"name": "web"}, "checks": [{"check": '
        f'{{"id": "pod-probes"}}, "grade": {grade}, "skipped": false, "comments": []}}]}}]'
    )
    passed, found = kube_score.parse_score(text, namespace="ns")
    assert [f.severity for f in found] == ([severity] if severity else [])
    assert passed == (0 if severity else 1)


def test_kube_score_skipped_checks_count_for_nothing() -> None:
    text = '[{"type_meta": {"kind": "Pod"}, "object_meta": {}, "checks": [{"grade": 1, "skipped": true}]}]'
    assert kube_score.parse_score(text, namespace="ns") == (0, ())


@pytest.mark.parametrize("text", ["", "not json", '{"a": 1}'])
def test_kube_score_output_that_is_not_a_result_is_an_error(text: str) -> None:
    with pytest.raises(errors.InstallError, match="kube-score"):
        kube_score.parse_score(text, namespace="ns")


def test_kube_score_version_line() -> None:
    assert kube_score.version_of("kube-score version: 1.20.0, commit: N/A, built: N/A\n") == "1.20.0"


def test_helm_lint_lines_become_findings_with_the_file_as_check() -> None:
    found = helm_lint.parse_lint(LINT_FAILED, chart="bad-0.1.0")
    assert [(f.check, f.severity) for f in found] == [
        ("Chart.yaml", scorecard.Severity.INFO),
        ("values.yaml", scorecard.Severity.INFO),
        ("templates/", scorecard.Severity.CRITICAL),
    ]
    assert found[2].message.startswith("template: bad/templates/cm.yaml:4:18")
    assert {f.target for f in found} == {"chart bad-0.1.0"}


def test_helm_lint_argv_is_strict_with_the_trials_values() -> None:
    argv = helm_lint.lint_argv("helm", "/c/agent", values_files=["/v/0.yaml", "/v/1.yaml"])
    assert argv == ["helm", "lint", "--strict", "/c/agent", "--values", "/v/0.yaml", "--values", "/v/1.yaml"]


# What kube-apiserver v1.36.3 answered a dry-run apply of our agent's DaemonSet in a namespace
# labelled pod-security.kubernetes.io/warn=baseline.
AGENT_WARNING = (
    'would violate PodSecurity "baseline:latest": hostPath volumes (volumes "dev", "proc", "etc", '
    '"containerd"), privileged (container "agent" must not set securityContext.privileged=true)'
)


def test_pod_security_warnings_become_one_finding_per_violation_of_the_object() -> None:
    found = pod_security.parse_warnings([AGENT_WARNING], target="DaemonSet trial-agent/agent")
    assert [(f.check, f.message) for f in found] == [
        ("hostPath volumes", 'violates baseline:latest: volumes "dev", "proc", "etc", "containerd"'),
        (
            "privileged",
            'violates baseline:latest: container "agent" must not set securityContext.privileged=true',
        ),
    ]
    assert all(f.severity is scorecard.Severity.CRITICAL and f.checker == "pod-security" for f in found)
    assert {f.target for f in found} == {"DaemonSet trial-agent/agent"}


def test_pod_security_splits_only_at_top_level_commas() -> None:
    text = 'a (x "1, 2" (y, z)), b, c (w)'
    assert pod_security.split_violations(text) == [("a", 'x "1, 2" (y, z)'), ("b", ""), ("c", "w")]


def test_other_warnings_are_not_findings() -> None:
    odd = ["spec.template.spec.containers[0].image: empty", "", "would violate nothing"]
    assert pod_security.parse_warnings(odd, target="Pod ns/p") == ()


def test_the_warn_labels_ask_for_baseline() -> None:
    assert pod_security.warn_labels() == {
        "pod-security.kubernetes.io/warn": "baseline",
        "pod-security.kubernetes.io/warn-version": "latest",
    }
