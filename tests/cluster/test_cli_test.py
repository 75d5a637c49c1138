"""`toollab test` against the local cluster: our KUTTL suites end to end, reports, cleanup, commands."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from toollab.cli import main
from toollab.suites.kuttl import commands, model

SUITES = Path(__file__).resolve().parents[1] / "data" / "suites"


def test_basic_suite_passes_writes_junit_and_cleans_up(
    kubeconfig: str, kube: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main.main(
        ["test", str(SUITES / "basic"), "-v", "--report", "junit", "--artifacts-dir", str(tmp_path)]
    )
    out = capsys.readouterr().out
    assert status == 0, out
    assert re.search(r"^workloads  step 1-job  passed  \d+\.\ds$", out, re.MULTILINE)
    root = ET.parse(tmp_path / "kuttl-report.xml").getroot()
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == (
        "8",
        "0",
        "0",
    )  # 8 steps, no setup pseudo-testcases
    namespaces = re.findall(r"setup  namespace (kuttl-\S+)", out)
    assert len(namespaces) == 3
    for name in namespaces:  # deleted and gone before `toollab test` returns
        assert kube.get("v1", "Namespace", name=name, namespace=None) is None
        assert (
            kube.get("rbac.authorization.k8s.io/v1", "ClusterRole", name=f"reader-{name}", namespace=None)
            is None
        )


def test_failing_suite_reports_the_field_on_the_failing_step(
    kubeconfig: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main.main(
        ["test", str(SUITES / "failing"), "--report", "json", "--artifacts-dir", str(tmp_path)]
    )
    out = capsys.readouterr().out
    assert status == 1
    assert 'data.color: expected "red", got "blue"' in out
    tree = json.loads((tmp_path / "kuttl-report.json").read_text())
    assert (tree["tests"], tree["failures"], tree["skipped"]) == (3, 1, 1)  # steps only, no setups
    cases = {case["name"]: case for case in tree["testsuite"][0]["testsuite"]}
    steps = {step["name"]: step for step in cases["wrong-value"]["testcase"]}
    assert steps["step 0-create"]["failure"]["message"].endswith(
        'paint: data.color: expected "red", got "blue"'
    )
    assert "data.color" in steps["step 0-create"]["failure"]["text"]
    assert steps["step 1-never"]["skipped"] == {"message": "not run: step 0-create failed"}
    assert cases["fine"]["failures"] == 0


def test_a_fixed_namespace_is_created_and_removed(
    kubeconfig: str, kube: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = f"kuttl-fixed-{tmp_path.name[-8:].lower().replace('_', '-')}"
    status = main.main(["test", str(SUITES / "failing" / "cases"), "--namespace", name, "--timeout", "2"])
    assert status == 1, capsys.readouterr().out
    assert kube.get("v1", "Namespace", name=name, namespace=None) is None


def context(tmp_path: Path, **kwargs: Any) -> commands.Context:
    return commands.Context(namespace="kuttl-ns", cwd=tmp_path, **kwargs)


def test_commands_run_in_the_test_dir_with_namespace_and_kubeconfig(tmp_path: Path) -> None:
    script = model.Command(script='echo "$NAMESPACE $KUBECONFIG $(basename "$PWD")"')
    result = commands.run_command(script, context(tmp_path, kubeconfig="/k"))
    assert result.ok and result.output == f"kuttl-ns /k {tmp_path.name}\n"


def test_a_failing_command_reports_its_exit_status_and_output(tmp_path: Path) -> None:
    result = commands.run_command(model.Command(script="echo oops >&2; exit 3"), context(tmp_path))
    assert (result.ok, result.exit_code, result.output) == (False, 3, "oops\n")
    assert result.error == "command 'echo oops >&2; exit 3' failed, exit status 3"
    assert commands.run_command(model.Command(script="exit 3", ignore_failure=True), context(tmp_path)).ok


def test_a_command_that_cannot_start_is_an_error_even_when_failures_are_ignored(tmp_path: Path) -> None:
    result = commands.run_command(
        model.Command(command="no-such-tool-x", ignore_failure=True), context(tmp_path)
    )
    assert not result.ok and "could not start" in result.error


def test_a_command_past_its_timeout_is_killed(tmp_path: Path) -> None:
    result = commands.run_command(model.Command(script="sleep 30 & sleep 30", timeout=1), context(tmp_path))
    assert result.error == "command 'sleep 30 & sleep 30' exceeded 1 sec timeout"


def test_commands_stop_at_the_first_failure(tmp_path: Path) -> None:
    steps = [model.Command(script="true"), model.Command(script="false"), model.Command(script="touch ran")]
    results = commands.run_commands(steps, context(tmp_path))
    assert [r.ok for r in results] == [True, False] and not (tmp_path / "ran").exists()
