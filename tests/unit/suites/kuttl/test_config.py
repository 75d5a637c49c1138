"""kuttl.dev configuration objects: fields honoured, ignored with a warning, or rejected."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from toollab import errors
from toollab.suites.kuttl import config, model

STEP = {"apiVersion": "kuttl.dev/v1beta1", "kind": "TestStep"}
ASSERT = {"apiVersion": "kuttl.dev/v1beta1", "kind": "TestAssert"}
SUITE = {"apiVersion": "kuttl.dev/v1beta1", "kind": "TestSuite"}


@pytest.mark.parametrize(
    ("doc", "kind"),
    [
        (STEP, "TestStep"),
        ({"apiVersion": "kuttl.dev/v1alpha1", "kind": "TestAssert"}, "TestAssert"),
        ({"apiVersion": "v1", "kind": "TestStep"}, None),
        ({"apiVersion": "kuttl.dev/v1beta1", "kind": "Other"}, None),
        ({"apiVersion": "v1", "kind": "ConfigMap"}, None),
    ],
)
def test_only_kuttl_dev_kinds_are_configuration(doc: dict[str, Any], kind: str | None) -> None:
    assert config.config_kind(doc) == kind


def test_test_step_fields() -> None:
    step = config.parse_test_step(
        {
            **STEP,
            "metadata": {"name": "renamed"},
            "apply": ["shared/"],
            "assert": ["a.yaml"],
            "error": ["e.yaml"],
            "delete": [{"apiVersion": "v1", "kind": "Pod", "labels": {"app": "x"}}],
            "commands": [{"command": "kubectl get pods", "namespaced": True}, {"script": "echo $NAMESPACE"}],
        },
        source="00-step.yaml",
    )
    assert step.name == "renamed"
    assert (step.apply, step.assert_, step.error) == (("shared/",), ("a.yaml",), ("e.yaml",))
    assert step.delete == (model.DeleteRef("v1", "Pod", labels={"app": "x"}),)
    assert step.commands == (
        model.Command(command="kubectl get pods", namespaced=True),
        model.Command(script="echo $NAMESPACE"),
    )
    assert step.warnings == ()


@pytest.mark.parametrize(
    ("field", "value", "warning"),
    [
        ("timeout", 10, "TestStep has no timeout"),
        ("index", 3, "the file name sets the index"),
        ("unitTest", True, "ignored"),
        ("colour", "red", "not a TestStep field"),
    ],
)
def test_test_step_fields_kuttl_ignores_warn(field: str, value: Any, warning: str) -> None:
    step = config.parse_test_step({**STEP, field: value}, source="00-step.yaml")
    assert len(step.warnings) == 1 and warning in step.warnings[0] and "00-step.yaml" in step.warnings[0]


def test_background_step_commands_run_in_the_foreground_with_a_warning() -> None:
    step = config.parse_test_step(
        {**STEP, "commands": [{"command": "sleep 1", "background": True}]}, source="s"
    )
    assert not step.commands[0].background
    assert "background" in step.warnings[0]


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ({"command": "a", "script": "b"}, "can not be set in the same"),
        ({"namespaced": True}, "command or script must be set"),
        ({"script": "b", "namespaced": True}, "script can not use `namespaced`"),
        ({"command": "a", "timeout": "10"}, "must be an integer"),
        ("kubectl get pods", "must be a mapping"),
    ],
)
def test_bad_commands_are_spec_errors_with_the_path(command: Any, message: str) -> None:
    with pytest.raises(errors.SpecError, match=message) as caught:
        config.parse_test_step({**STEP, "commands": [command]}, source="00-step.yaml")
    assert caught.value.path.startswith("00-step.yaml: TestStep.commands[0]")


def test_a_step_names_its_own_cluster() -> None:
    step = config.parse_test_step(
        {**STEP, "kubeconfig": "$HOME/other.kubeconfig", "context": "east", "kubeconfigLoading": "Lazy"},
        source="s",
    )
    assert (step.kubeconfig, step.context, step.lazy) == ("$HOME/other.kubeconfig", "east", True)
    assert not step.warnings


def test_an_unknown_kubeconfig_loading_is_an_error() -> None:
    with pytest.raises(errors.SpecError, match=r"kubeconfigLoading: invalid value 'Sometimes'"):
        config.parse_test_step({**STEP, "kubeconfigLoading": "Sometimes"}, source="s")


def test_test_assert_fields() -> None:
    check = config.parse_test_assert(
        {
            **ASSERT,
            "timeout": 5,
            "commands": [{"command": "true"}],
            "collectors": [{"command": "kubectl get all"}],
        },
        source="00-assert.yaml",
    )
    assert check.timeout == 5
    assert check.commands == (model.Command(command="true"),)
    assert check.collectors == (model.Command(command="kubectl get all"),)


def test_test_assert_without_timeout_uses_the_suite_timeout() -> None:
    assert config.parse_test_assert(ASSERT, source="a").timeout is None


def test_pod_collectors_warn() -> None:
    check = config.parse_test_assert({**ASSERT, "collectors": [{"pod": "web"}]}, source="a")
    assert check.collectors == () and "not supported" in check.warnings[0]


REFS = [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "ref": "web"}]


def test_cel_expressions_are_compiled_against_the_refs() -> None:
    check = config.parse_test_assert(
        {
            **ASSERT,
            "resourceRefs": REFS,
            "assertAll": [{"celExpr": "web.spec.replicas >= 1"}],
            "assertAny": [{"celExpr": "web.metadata.name == 'web'"}, {"celExpr": "false"}],
        },
        source="a",
    )
    assert check.cel is not None
    assert [ref.ref for ref in check.cel.refs] == ["web"]
    assert check.cel.count == 3 and not check.warnings


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {"assertAll": [{"celExpr": "pod.x == 1"}]},
            r"assertAll\[0\]: CEL expression 'pod.x == 1': undeclared",
        ),
        ({"assertAny": [{"celExpr": "web.("}]}, r"assertAny\[0\]: CEL expression"),
        ({"assertAll": ["web"]}, r"assertAll\[0\]: must be a mapping with celExpr"),
        (
            {"resourceRefs": [{**REFS[0], "ref": "1x"}]},
            r"resourceRefs\[0\].ref: '1x' is not a CEL identifier",
        ),
        ({"resourceRefs": [{**REFS[0], "name": ""}]}, r"resourceRefs\[0\].name: must be set"),
        ({"resourceRefs": [REFS[0], REFS[0]]}, r"ref 'web' is used more than once"),
    ],
)
def test_bad_cel_fails_loading_with_the_field(extra: dict[str, Any], message: str) -> None:
    doc = {**ASSERT, "resourceRefs": REFS, "assertAll": [{"celExpr": "true"}], **extra}
    with pytest.raises(errors.SpecError, match=message):
        config.parse_test_assert(doc, source="a")


def test_test_suite_fields_and_defaults() -> None:
    suite = config.parse_test_suite(
        {**SUITE, "testDirs": ["./e2e"], "reportFormat": "XML", "reportName": "r", "namespace": "fixed"},
        source="kuttl-test.yaml",
        base_dir=Path("project"),
    )
    assert suite.test_dirs == ("./e2e",)
    assert (suite.timeout, suite.parallel, suite.skip_delete) == (30, 8, False)
    assert suite.report_format is model.ReportFormat.XML  # case-insensitive, and XML means XML
    assert (suite.report_name, suite.namespace, suite.ignore_files) == ("r", "fixed", ("README*",))
    assert suite.resolve("./e2e") == Path("project/e2e")


def test_test_suite_zero_timeout_and_parallel_mean_the_defaults() -> None:
    suite = config.parse_test_suite({**SUITE, "timeout": 0, "parallel": 0}, source="s", base_dir=Path("."))
    assert (suite.timeout, suite.parallel) == (30, 8)


def test_cluster_start_options_are_ignored_with_a_warning() -> None:
    suite = config.parse_test_suite({**SUITE, "startKIND": True}, source="s", base_dir=Path("."))
    assert any("startKIND" in w and "current cluster" in w for w in suite.warnings)


@pytest.mark.parametrize(
    ("value", "expected"), [("json", model.ReportFormat.JSON), ("JUnit", model.ReportFormat.XML), ("", None)]
)
def test_report_formats(value: str, expected: model.ReportFormat | None) -> None:
    assert config.parse_report_format(value, where="x") is expected


def test_unknown_report_format_is_an_error() -> None:
    with pytest.raises(errors.SpecError, match="unknown report format 'html'"):
        config.parse_report_format("html", where="reportFormat")


@pytest.mark.parametrize(
    ("selector", "selected"),
    [
        ({}, True),
        ({"matchLabels": {"flavor": "slow"}}, False),
        ({"matchExpressions": [{"key": "flavor", "operator": "DoesNotExist"}]}, True),
        ({"matchExpressions": [{"key": "flavor", "operator": "In", "values": ["slow"]}]}, False),
    ],
)
def test_test_file_selectors_against_a_run_without_labels(selector: dict[str, Any], selected: bool) -> None:
    doc = {"apiVersion": "kuttl.dev/v1beta1", "kind": "TestFile", "testRunSelector": selector}
    assert config.matches_run_labels(doc, {}, source="f") is selected
