"""`toollab test` runs Chainsaw tests of our own against the local cluster: passing, failing, mixed."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from toollab.cli import main

TESTS = Path(__file__).resolve().parents[1] / "data" / "chainsaw"


def namespaces_in(out: str) -> set[str]:
    return set(re.findall(r"\bchainsaw-[a-z]+-[a-z]+\b", out))


def test_passing_tests_pass_and_leave_nothing_behind(
    kubeconfig: str, kube: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["test", str(TESTS / "passing"), "-v", "--report", "junit", "--artifacts-dir", str(tmp_path)]
    status = main.main(args)
    out = capsys.readouterr().out
    assert status == 0, out
    assert re.search(r"^bindings-and-outputs  write  passed  \d+\.\ds$", out, re.MULTILINE)
    assert "cleaning up" in out  # the step's cleanup operation ran at the end of the test
    assert out.rstrip().endswith("2 passed, 0 failed in " + out.rstrip().rsplit(" in ", 1)[1])
    root = ET.parse(tmp_path / "chainsaw-report.xml").getroot()
    assert (root.get("tests"), root.get("failures")) == ("7", "0")  # 4 steps + 3 cleanups
    seen = namespaces_in(out)
    for name in seen:
        assert kube.get("v1", "Namespace", name=name, namespace=None) is None, name


def test_failing_tests_fail_with_the_field_the_catch_output_and_the_refusal(
    kubeconfig: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["test", str(TESTS / "failing"), "--report", "json", "--report-granularity", "operation"]
    status = main.main([*args, "--artifacts-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 1
    assert "0 passed, 3 failed" in out
    # the assertion's last round: object, path, expected and actual
    assert "try 2: assert: v1/ConfigMap" in out and '- data.color: expected "red", got "blue" (value)' in out
    assert "catch 2: get:" in out and "color: blue" in out  # catch collected the object
    assert "finally-ran" in out  # finally ran after the failure
    assert re.search(r"^assert-times-out  never  skipped", out, re.MULTILINE) is None  # skipped: no line
    assert '($stdout): expected "goodbye", got "hello\\n"' in out
    assert "refused  FAILED  refused: the proxy operation" in out
    tree = json.loads((tmp_path / "chainsaw-report.json").read_text())
    tests = {t["name"]: t for t in tree["testsuite"][0]["testsuite"]}
    timed_out = tests["assert-times-out"]
    steps = {s["name"]: s for s in timed_out["testsuite"]}
    operations = {c["name"]: c for c in steps["wrong-color"]["testcase"]}
    assert "failure" in operations["try 2: assert"] and "failure" not in operations["try 1: apply"]
    assert "finally 1: script" in operations and "catch 1: events" in operations
    assert [c["name"] for c in timed_out["testcase"] if "skipped" in c] == ["never"]
    script = {s["name"]: s for s in tests["script-check"]["testsuite"]}["step-1"]["testcase"]
    assert [c["name"] for c in script] == ["try 1: script"]  # the second script never ran


def test_a_folder_mixing_both_formats_runs_both(
    kubeconfig: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main.main(["test", str(TESTS / "mixed"), "--report", "junit", "--artifacts-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "kuttl-configmap  PASSED" in out and "chainsaw-configmap  PASSED" in out
    assert out.rstrip().splitlines()[-2].startswith("2 passed, 0 failed")
    names = {case.get("name") for case in ET.parse(tmp_path / "kuttl-report.xml").getroot().iter("testsuite")}
    assert {"kuttl-configmap", "chainsaw-configmap"} <= names


def test_an_evaluation_error_fails_the_operation_at_once(
    kubeconfig: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "typed"
    folder.mkdir()
    (folder / "chainsaw-test.yaml").write_text(
        "apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: typed}\nspec:\n  steps:\n"
        "  - try:\n    - apply:\n"
        "        resource: {apiVersion: v1, kind: ConfigMap, metadata: {name: typed}, data: {a: b}}\n"
        "    - assert:\n        timeout: 60s\n"
        "        resource: {apiVersion: v1, kind: ConfigMap, metadata: {name: typed}, data: {a: 1}}\n"
    )
    status = main.main(["test", str(folder)])
    out = capsys.readouterr().out
    assert status == 1
    assert "evaluation error (not retried)" in out
    assert "data.a: types are not comparable" in out
    assert "(assert not retried)" in out
    took = re.search(r"^typed  step-1  failed  (\d+\.\d)s$", out, re.MULTILINE)
    assert took is not None and float(took.group(1)) < 10
