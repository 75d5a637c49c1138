"""`toollab validate FILE...`: offline checks with the file, document and field in every error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.unit.model import samples
from tests.unit.model.samples import DELETE, body_with
from toollab.cli import main

REPO = Path(__file__).resolve().parents[3]


def validate(capsys: pytest.CaptureFixture[str], *files: str) -> tuple[int, list[str], str]:
    code = main.main(["validate", *files])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def write(tmp_path: Path, name: str, *documents: Any) -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump_all(documents, sort_keys=False))
    return str(path)


def test_a_valid_trial_is_ok(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    file = write(tmp_path, "falco.yaml", samples.TRIAL)
    assert validate(capsys, file) == (0, [f"{file}: ok"], "")


def test_names_the_document_and_field_of_a_step_with_nothing_to_do(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = body_with({"spec.steps.0": {"name": "x"}})
    file = write(tmp_path, "trials.yaml", samples.MANIFESTS_TRIAL, bad)
    code, out, _ = validate(capsys, file)
    assert code == 1
    assert out == [
        f'{file}[doc 2] spec.steps[0]: step "x" has nothing to do'
        " (need one of apply, assert, errors, delete, run, cel)"
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"spec.steps.1.timeout": "5 minutes"},
            'spec.steps[1].timeout: "5 minutes" is not a duration like 30s or 5m',
        ),
        (
            {"spec.tool.manifests": {"urls": ["https://x/a.yaml"]}},
            "spec.tool: has two sources: set exactly one of helm, manifests, parts or profile",
        ),
        (
            {"spec.tool.helm": DELETE},
            "spec.tool: needs a source: set exactly one of helm, manifests, parts or profile",
        ),
        ({"spec.tool.helm.chartt": "typo"}, "spec.tool.helm.chartt: unknown field"),
        (
            {"spec.cleanup.policy": "Never"},
            'spec.cleanup.policy: "Never" is not one of Delete, Retain, DeleteOnSuccess',
        ),
        (
            {"spec.steps.2.name": "running"},
            'spec.steps[2].name: step names must be unique: "running" repeats',
        ),
        ({"spec.tool.name": DELETE}, "spec.tool.name: required"),
        (
            {
                "spec.steps": [
                    {"name": f"s{i}", "assert": [{"apiVersion": "v1", "kind": "Pod"}]} for i in range(51)
                ]
            },
            "spec.steps: has 51 items, at most 50 allowed",
        ),
        (
            {"spec.target": {"createNamespace": "yes"}},
            'spec.target.createNamespace: must be true or false, not "yes"',
        ),
    ],
)
def test_reports_schema_and_rule_problems_by_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, changes: dict[str, Any], expected: str
) -> None:
    file = write(tmp_path, "t.yaml", body_with(changes))
    code, out, _ = validate(capsys, file)
    assert code == 1
    assert f"{file} {expected}" in out


def test_reports_every_problem_not_just_the_first(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    file = write(
        tmp_path,
        "t.yaml",
        body_with({"spec.timeout": "soon", "spec.steps.1": {"name": "idle"}, "spec.extra": 1}),
    )
    code, out, _ = validate(capsys, file)
    assert code == 1
    assert sorted(line.split(" ", 1)[1].split(":")[0] for line in out) == [
        "spec.extra",
        "spec.steps[1]",
        "spec.timeout",
    ]


def test_other_kinds_are_skipped_and_said_so(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    values = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "falco-values"}}
    file = write(tmp_path, "all.yaml", values, samples.TRIAL)
    assert validate(capsys, file) == (0, [f"{file}: ok (1 other document skipped)"], "")


def test_a_file_without_a_tooltrial_is_a_problem(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    file = write(tmp_path, "cm.yaml", {"apiVersion": "v1", "kind": "ConfigMap"})
    assert validate(capsys, file) == (1, [f"{file}: no ToolTrial in this file"], "")


def test_a_wrong_version_of_our_api_is_named(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    file = write(tmp_path, "v1.yaml", body_with({"apiVersion": "toollab.dev/v1"}))
    code, out, _ = validate(capsys, file)
    assert (code, out) == (1, [f"{file}: apiVersion and kind must be toollab.dev/v1alpha1 and ToolTrial"])


def test_unreadable_files_exit_2_on_stderr(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("spec: [unclosed\n")
    code, out, err = validate(capsys, missing, str(broken))
    assert (code, out) == (2, [])
    assert f"{missing}: cannot read: No such file or directory" in err
    assert f"{broken}: not valid YAML (line 2)" in err


def test_the_worst_file_decides_the_exit_status(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    good = write(tmp_path, "good.yaml", samples.TRIAL)
    bad = write(tmp_path, "bad.yaml", body_with({"spec.timeout": "x"}))
    code, out, _ = validate(capsys, good, bad)
    assert code == 1 and out[0] == f"{good}: ok" and out[1].startswith(f"{bad} spec.timeout:")


def test_reads_standard_input(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(yaml.safe_dump(samples.MANIFESTS_TRIAL)))
    assert validate(capsys, "-") == (0, ["-: ok"], "")


def test_needs_at_least_one_file(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main.main(["validate"])
    assert exited.value.code == 2
    assert "the following arguments are required: FILE" in capsys.readouterr().err


EXAMPLES = sorted((REPO / "examples").glob("**/tooltrial.yaml"))


@pytest.mark.skipif(not EXAMPLES, reason="no examples/**/tooltrial.yaml in this checkout yet")
def test_every_example_trial_validates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = validate(capsys, *map(str, EXAMPLES))
    assert (code, err) == (0, ""), out


def test_chainsaw_steps_have_their_expressions_compiled(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad_assert = {"apiVersion": "v1", "kind": "Pod", "status": {"(length(conditions[?type=='Ready'])": 1}}
    bad_errors = {"apiVersion": "v1", "kind": "Pod", "(count(spec.containers))": 1}
    trial = body_with(
        {"spec.dialect": "chainsaw", "spec.steps.0.assert": [bad_assert], "spec.steps.0.errors": [bad_errors]}
    )
    code, out, _ = validate(capsys, write(tmp_path, "t.yaml", trial))
    assert code == 1
    assert out == [
        f"{tmp_path}/t.yaml spec.steps[0].assert[0]: status: JMESPath (length(conditions[?type=='Ready']):"
        " parse error: incomplete expression",
        f"{tmp_path}/t.yaml spec.steps[0].errors[0]:"
        " JMESPath (count(spec.containers)): unknown function count()",
    ]


def test_the_same_objects_are_literal_in_the_kuttl_dialect(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    literal = {"apiVersion": "v1", "kind": "Pod", "(count(spec.containers))": 1}
    file = write(tmp_path, "t.yaml", body_with({"spec.steps.0.assert": [literal]}))
    assert validate(capsys, file)[0] == 0


@pytest.mark.parametrize("example", ["07-chainsaw-checks", "08-cel-checks"])
def test_the_expression_examples_are_valid(capsys: pytest.CaptureFixture[str], example: str) -> None:
    file = str(REPO / "examples" / example / "tooltrial.yaml")
    assert validate(capsys, file) == (0, [f"{file}: ok"], "")


def test_the_scheduled_example_validates_and_a_bad_schedule_does_not(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    nightly = REPO / "examples" / "lab-over-time" / "nightly.yaml"
    code, out, err = validate(capsys, str(nightly))
    assert (code, err) == (0, ""), out
    bad = tmp_path / "bad.yaml"
    bad.write_text(nightly.read_text().replace('"0 3 * * *"', '"0 3 * *"'))
    code, out, _ = validate(capsys, str(bad))
    text = "\n".join(out)
    assert code == 1 and "spec.schedule" in text and "five fields" in text


CEL_STEP = {
    "name": "replicas",
    "refs": [{"ref": "pods", "apiVersion": "v1", "kind": "Pod", "labels": {"app": "web"}}],
    "cel": ["size(pods) >= 2", "pods.all(p, p.status.phase == 'Running')"],
}


def test_a_step_with_cel_over_its_refs_is_valid(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    file = write(tmp_path, "cel.yaml", body_with({"spec.steps.0": CEL_STEP}))
    assert validate(capsys, file) == (0, [f"{file}: ok"], "")


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("size(deploy) > 1", "spec.steps[0].cel[0]: CEL expression 'size(deploy) > 1': undeclared reference"),
        ("pods.all(p, ", "spec.steps[0].cel[0]: CEL expression 'pods.all(p, '"),
        ("nosuch(pods)", "spec.steps[0].cel[0]: CEL expression 'nosuch(pods)'"),
    ],
)
def test_cel_that_does_not_compile_is_named_by_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, expression: str, message: str
) -> None:
    file = write(tmp_path, "cel.yaml", body_with({"spec.steps.0": {**CEL_STEP, "cel": [expression]}}))
    code, out, _ = validate(capsys, file)
    assert code == 1
    assert any(message in line for line in out), out
