"""`toollab report` offline (`--input`): formats, output files, filters and one-line errors."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.unit.reports import trial_samples
from toollab.cli import cmd_report, main

TRIALS = str(trial_samples.TRIALS_FILE)


def report(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main.main(["report", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_table_from_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = report(capsys, "--input", TRIALS)
    assert (code, err) == (0, "")
    assert out.splitlines()[0].split()[:3] == ["NAMESPACE", "NAME", "TOOL"]
    assert out.rstrip().endswith("3 trials: 1 passed, 1 failed, 1 error")
    assert "\x1b[" not in out  # not a terminal: no colour


def test_namespace_filter_applies_to_files(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = report(capsys, "--input", TRIALS, "-n", "mesh", "--format", "json")
    assert code == 0
    assert [t["name"] for t in json.loads(out)["trials"]] == ["linkerd"]


def test_junit_to_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "trials.xml"
    code, out, err = report(capsys, "--input", TRIALS, "--format", "junit", "-o", str(target))
    assert (code, out) == (0, "")
    assert f"wrote {target}" in err
    assert len(ET.parse(target).getroot().findall("testsuite")) == 3


def test_html_to_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code, _, _ = report(capsys, "--input", TRIALS, "--format", "html", "--output", str(target))
    assert code == 0
    assert "lab/litmus" in target.read_text()


def test_json_input_and_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    listing = {"apiVersion": "v1", "kind": "List", "items": trial_samples.load_bodies()}
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(listing)))
    code, out, _ = report(capsys, "--input", "-", "--format", "json")
    assert code == 0
    assert json.loads(out)["summary"]["total"] == 3


def test_empty_file_is_an_empty_scoreboard(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("apiVersion: v1\nkind: List\nitems: []\n")
    assert report(capsys, "--input", str(empty)) == (0, "No ToolTrials found.\n", "")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("a: [\n", "is neither YAML nor JSON"),
        ('{"items": [', "is neither YAML nor JSON"),
    ],
)
def test_bad_input_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "trials.yaml"
    if content is not None:
        path.write_text(content)
    code, out, err = report(capsys, "--input", str(path))
    assert (code, out) == (2, "")
    assert message in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err


def test_unwritable_output_fails_in_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = report(capsys, "--input", TRIALS, "-o", str(tmp_path / "missing" / "x.txt"))
    assert code == 1
    assert err.startswith("toollab report: cannot write")


def test_unknown_format_is_rejected(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:  # argparse exits by itself
        main.main(["report", "--input", TRIALS, "--format", "pdf"])
    assert exited.value.code == 2
    assert "invalid choice: 'pdf'" in capsys.readouterr().err


def test_without_a_kubeconfig_it_says_what_to_do(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "nope"))
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    code, out, err = report(capsys)
    assert (code, out) == (1, "")
    hint = "pass --kubeconfig, or --input FILE to report offline"
    assert err == f"toollab report: no kubeconfig at {tmp_path / 'nope'}: {hint}\n"


def test_context_namespace_follows_kubectl(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text(
        "current-context: lab\n"
        "contexts:\n"
        "- {name: lab, context: {cluster: c, user: u, namespace: trials}}\n"
        "- {name: other, context: {cluster: c, user: u}}\n"
    )
    assert cmd_report.context_namespace(str(config)) == "trials"
    assert cmd_report.context_namespace(str(config), context="other") == "default"
    assert cmd_report.context_namespace(str(tmp_path / "missing")) == "default"
