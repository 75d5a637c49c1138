"""`toollab test` command line: which suite runs, flags over the suite file, and exit 2 for bad input."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from toollab.cli import cmd_test, main
from toollab.suites.kuttl import model

SUITE = "apiVersion: kuttl.dev/v1beta1\nkind: TestSuite\ntestDirs: [cases]\ntimeout: 5\nreportFormat: json\n"


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cmd_test.add_arguments(parser)
    return parser.parse_args(argv)


@pytest.fixture
def suite_dir(tmp_path: Path) -> Path:
    (tmp_path / "s" / "cases" / "one").mkdir(parents=True)
    (tmp_path / "s" / "kuttl-test.yaml").write_text(SUITE)
    return tmp_path / "s"


def test_a_dir_holding_kuttl_test_yaml_is_a_suite(suite_dir: Path) -> None:
    suite = cmd_test.build_suite(parse(str(suite_dir)))
    assert suite.test_dirs == ("cases",) and suite.timeout == 5
    assert suite.resolve("cases") == suite_dir / "cases"


def test_plain_dirs_are_test_dirs_with_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    suite = cmd_test.build_suite(parse("a", "b"))
    assert suite.test_dirs == ("a", "b") and (suite.timeout, suite.parallel) == (30, 8)


def test_config_file_paths_are_relative_to_here_and_dirs_override_test_dirs(
    suite_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(suite_dir.parent)
    suite = cmd_test.build_suite(parse("--config", "s/kuttl-test.yaml"))
    assert suite.resolve(suite.test_dirs[0]) == Path("cases")
    assert cmd_test.build_suite(parse("--config", "s/kuttl-test.yaml", "other")).test_dirs == ("other",)


def test_kuttl_test_yaml_here_is_read_without_config(
    suite_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(suite_dir)
    assert cmd_test.build_suite(parse()).timeout == 5
    assert cmd_test.build_suite(parse("elsewhere")).test_dirs == ("elsewhere",)


def test_flags_override_the_suite_file(suite_dir: Path, tmp_path: Path) -> None:
    args = parse(
        str(suite_dir), "--timeout", "9", "--parallel", "2", "--namespace", "fixed", "--skip-delete",
        "--report", "junit", "--report-name", "r", "--report-granularity", "test", "--artifacts-dir", "out",
    )  # fmt: skip
    suite = cmd_test.build_suite(args)
    assert (suite.timeout, suite.parallel, suite.namespace, suite.skip_delete) == (9, 2, "fixed", True)
    assert (suite.report_format, suite.report_name, suite.report_granularity) == (
        model.ReportFormat.XML,
        "r",
        "test",
    )
    assert Path(suite.artifacts_dir).is_absolute() and suite.artifacts_dir.endswith("out")


def test_template_vars_are_yaml_values() -> None:
    assert cmd_test.parse_template_vars(["who=lab", "n=3,flag=true", "empty="]) == {
        "who": "lab",
        "n": 3,
        "flag": True,
        "empty": "",
    }


@pytest.mark.parametrize("value", ["novalue", "=x", "a=1,b"])
def test_bad_template_vars_are_usage_errors(value: str) -> None:
    with pytest.raises(main.UsageError, match="expected NAME=VALUE"):
        cmd_test.parse_template_vars([value])


def test_several_suite_dirs_are_a_usage_error(suite_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(main.UsageError, match="pass it alone"):
        cmd_test.build_suite(parse(str(suite_dir), str(tmp_path)))


def test_no_test_dirs_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(main.UsageError, match="no test directories"):
        cmd_test.build_suite(parse())


@pytest.mark.parametrize(
    ("files", "argv", "message"),
    [
        ({}, ["missing"], "missing: test directory not found"),
        ({"t/README.md": "no cases here\n"}, ["t"], "no test case found in t: a test case is a folder"),
        ({"t/c/00-a.yaml": ""}, ["t", "--test", "nope"], "no test case named nope in t"),
        ({"t/c/00-a.yaml": ""}, ["t", "--start-kind"], "--start-kind: toollab does not start clusters"),
        ({"t/c/00-a.yaml": ""}, ["t", "--kind-config", "k.yaml"], "use make cluster"),
        ({"t/c/00-a.yaml": ""}, ["t", "--test-run-labels", "a"], "--test-run-labels 'a': expected KEY=VALUE"),
        ({"t/c/00-a.yaml": ""}, ["t", "--template-var", "oops"], "expected NAME=VALUE"),
        (
            {"kuttl-test.yaml": "apiVersion: kuttl.dev/v1beta1\nkind: TestSuite\nreportFormat: html\n"},
            ["t"],
            "html",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str],
    argv: list[str],
    message: str,
) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    assert main.main(["test", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and message in captured.err
    assert captured.err.startswith("toollab test: error: ") and "Traceback" not in captured.err


@pytest.mark.parametrize("flag", [["--timeout", "0"], ["--parallel", "x"], ["--report", "html"]])
def test_bad_flag_values_exit_2(flag: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:  # argparse exits itself
        main.main(["test", *flag, "dir"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("toollab test: error: argument")


CHAINSAW_TEST = (
    "apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: NAME}\nspec: {steps: []}\n"
)


def test_chainsaw_tests_are_found_under_each_dir_and_kept_from_kuttl(tmp_path: Path) -> None:
    from toollab.cli import chainsaw_tests

    (tmp_path / "mixed" / "cs").mkdir(parents=True)
    (tmp_path / "mixed" / "cs" / "chainsaw-test.yaml").write_text(CHAINSAW_TEST.replace("NAME", "inner"))
    (tmp_path / "mixed" / "kuttl-case").mkdir()
    (tmp_path / "alone").mkdir()
    (tmp_path / "alone" / "chainsaw-test.yaml").write_text(CHAINSAW_TEST.replace("NAME", "alone"))
    dirs = [str(tmp_path / "mixed"), str(tmp_path / "alone")]
    tests = chainsaw_tests.load(dirs)
    assert [(t.name, t.root) for t in tests] == [("inner", dirs[0]), ("alone", dirs[1])]
    assert chainsaw_tests.kuttl_dirs(dirs) == [dirs[0]]  # a DIR that is a Chainsaw test is not KUTTL's


def test_config_may_be_a_chainsaw_configuration_and_flags_win(tmp_path: Path) -> None:
    from toollab.cli import chainsaw_tests

    config = tmp_path / ".chainsaw.yaml"
    config.write_text(
        "apiVersion: chainsaw.kyverno.io/v1alpha2\nkind: Configuration\nmetadata: {name: c}\n"
        "spec: {namespace: {name: from-config}, timeouts: {assert: 45s}}\n"
    )
    assert chainsaw_tests.is_configuration(str(config))
    assert not chainsaw_tests.is_configuration(str(tmp_path / "missing.yaml"))
    loaded = chainsaw_tests.configuration(parse(str(tmp_path), "--config", str(config)))
    assert (loaded.namespace, loaded.timeouts.assert_, loaded.skip_delete) == ("from-config", 45, False)
    flagged = chainsaw_tests.configuration(
        parse(str(tmp_path), "--config", str(config), "--namespace", "flag", "--skip-delete")
    )
    assert (flagged.namespace, flagged.skip_delete) == ("flag", True)
    suite = cmd_test.build_suite(parse("--config", str(config)), allow_empty=True)
    assert suite.test_dirs == ()


def test_config_dev_null_means_the_defaults(suite_dir: Path) -> None:
    suite = cmd_test.build_suite(parse("--config", "/dev/null", str(suite_dir / "cases")))
    assert suite.test_dirs == (str(suite_dir / "cases"),)
    assert (suite.timeout, suite.report_format) == (model.DEFAULT_TIMEOUT, None)


def test_new_flags_reach_the_suite(tmp_path: Path) -> None:
    args = parse("t", "--test", "a", "--test", "b", "--test-run-labels", "x=1, y=two", "--crd-dir", "crds")
    suite = cmd_test.build_suite(args)
    assert suite.test_names == ("a", "b")
    assert dict(suite.run_labels) == {"x": "1", "y": "two"}
    assert suite.crd_dir == str(Path("crds").absolute())
