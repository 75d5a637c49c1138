"""Loading suites and test cases from disk: step assembly, TestStep/TestAssert, templates, errors."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from toollab import errors
from toollab.suites.kuttl import collecting, loading, model

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n"
STEP = "apiVersion: kuttl.dev/v1beta1\nkind: TestStep\n"
ASSERT = "apiVersion: kuttl.dev/v1beta1\nkind: TestAssert\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def load(root: Path, **kwargs: object) -> model.TestCase:
    return loading.load_case(root, namespace="kuttl-test-ns", **kwargs)  # type: ignore[arg-type]


def names(objects: tuple[object, ...]) -> list[str]:
    return [obj["metadata"]["name"] for obj in objects]  # type: ignore[index]


def test_steps_are_grouped_by_integer_index_and_typed_by_name(tmp_path: Path) -> None:
    case = load(
        write(
            tmp_path / "case",
            {
                "01-b.yaml": CM.format(name="b"),
                "1-a.yaml": CM.format(name="a"),
                "01-assert.yaml": CM.format(name="a"),
                "01-errors.yaml": CM.format(name="gone"),
                "10-last.yaml": CM.format(name="last"),
                "2-assert-more.yaml": CM.format(name="b"),
            },
        )
    )
    assert [step.label for step in case.steps] == ["1-b", "2", "10-last"]
    first = case.steps[0]
    assert names(first.apply) == ["b", "a"]  # name order: "01-b.yaml" < "1-a.yaml"
    assert (names(first.asserts), names(first.errors)) == (["a"], ["gone"])
    assert names(case.steps[1].asserts) == ["b"] and case.steps[1].apply == ()
    assert case.name == "case" and case.namespace == "kuttl-test-ns"


def test_readme_is_ignored_and_unindexed_entries_are_noted(tmp_path: Path) -> None:
    case = load(
        write(tmp_path / "c", {"README.md": "# hi", "00-a.yaml": CM.format(name="a"), "shared/x.yaml": ""})
    )
    assert len(case.steps) == 1
    assert [note.split(": ")[0] for note in case.notes] == [str(tmp_path / "c" / "shared")]


def test_step_directory_files_need_no_index(tmp_path: Path) -> None:
    root = write(
        tmp_path / "c",
        {"00-setup/configmap.yaml": CM.format(name="x"), "00-setup/assert.yaml": CM.format(name="x")},
    )
    step = load(root).steps[0]
    assert names(step.apply) == ["x"] and names(step.asserts) == ["x"]
    assert step.name == "configmap"  # kuttl names the step after its first apply file


def test_step_directory_with_a_stray_file_is_rejected(tmp_path: Path) -> None:
    root = write(tmp_path / "c", {"00-setup/notes.txt": "hi"})
    with pytest.raises(errors.InputError, match=r"notes\.txt: step directories hold only step files"):
        load(root)


def test_test_step_names_the_step_deletes_and_adds_listed_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHARED", "shared")
    root = write(
        tmp_path / "c",
        {
            "00-create.yaml": CM.format(name="own")
            + "---\n"
            + STEP
            + "metadata:\n  name: custom\napply: [$SHARED/]\nassert: [../asserts.yaml]\n"
            + "delete:\n- apiVersion: v1\n  kind: ConfigMap\n  name: old\n",
            "shared/one.yaml": CM.format(name="one"),
            "shared/two.yaml": CM.format(name="two"),
        },
    )
    write(tmp_path, {"asserts.yaml": CM.format(name="one")})
    step = load(root).steps[0]
    assert step.label == "0-custom"
    assert names(step.apply) == ["own", "one", "two"]
    assert names(step.asserts) == ["one"]
    assert step.delete == (model.DeleteRef("v1", "ConfigMap", name="old"),)


def test_listed_files_are_never_templated(tmp_path: Path) -> None:
    root = write(
        tmp_path / "c",
        {"00-s.yaml": STEP + "apply: [x.gotmpl.yaml]\n", "x.gotmpl.yaml": CM.format(name="'{{ .Bad }}'")},
    )
    assert names(load(root).steps[0].apply) == ["{{ .Bad }}"]


def test_a_missing_listed_file_is_an_input_error(tmp_path: Path) -> None:
    root = write(tmp_path / "c", {"00-s.yaml": STEP + "apply: [nowhere.yaml]\n"})
    with pytest.raises(errors.InputError, match=r"nowhere\.yaml: listed in a TestStep"):
        load(root)


def test_two_test_steps_in_one_step_are_rejected(tmp_path: Path) -> None:
    root = write(tmp_path / "c", {"00-a.yaml": STEP, "00-b.yaml": STEP})
    with pytest.raises(errors.SpecError, match="more than 1 TestStep"):
        load(root)


def test_test_assert_sets_timeout_and_commands(tmp_path: Path) -> None:
    root = write(tmp_path / "c", {"00-assert.yaml": ASSERT + "timeout: 7\ncommands:\n- command: 'true'\n"})
    step = load(root).steps[0]
    assert step.timeout == 7
    assert step.assert_commands == (model.Command(command="true"),)
    assert step.asserts == ()  # the TestAssert is configuration, not an object to find


@pytest.mark.parametrize("name", ["00-create.yaml", "00-errors.yaml"])
def test_test_assert_outside_an_assert_file_is_rejected(tmp_path: Path, name: str) -> None:
    root = write(tmp_path / "c", {name: ASSERT + "timeout: 7\n"})
    with pytest.raises(errors.SpecError, match="TestAssert belongs in an assert file") as caught:
        load(root)
    assert name in str(caught.value)


def test_several_test_asserts_warn_and_the_last_wins(tmp_path: Path) -> None:
    root = write(
        tmp_path / "c",
        {"00-assert.yaml": ASSERT + "timeout: 5\n", "00-assert-b.yaml": ASSERT + "timeout: 9\n"},
    )
    case = load(root)
    assert case.steps[0].timeout == 5  # "00-assert-b.yaml" sorts before "00-assert.yaml"
    assert any("several TestAsserts" in w for w in case.warnings)


def test_test_step_timeout_warns(tmp_path: Path) -> None:
    case = load(write(tmp_path / "c", {"00-s.yaml": STEP + "timeout: 99\n"}))
    assert case.steps[0].timeout is None
    assert any("TestStep has no timeout" in w for w in case.warnings)


def test_templates_render_namespace_and_variables(tmp_path: Path) -> None:
    root = write(
        tmp_path / "c",
        {"00-a.gotmpl.yaml": CM.format(name="x-{{ .Namespace }}") + "data:\n  who: '{{ .Vars.who }}'\n"},
    )
    step = load(root, variables={"who": "lab"}).steps[0]
    assert step.apply[0]["metadata"]["name"] == "x-kuttl-test-ns"
    assert step.apply[0]["data"] == {"who": "lab"}


def test_a_test_file_that_does_not_select_the_run_is_skipped(tmp_path: Path) -> None:
    selector = "apiVersion: kuttl.dev/v1beta1\nkind: TestFile\n"
    selector += "testRunSelector:\n  matchLabels: {flavor: slow}\n---\n"
    root = write(
        tmp_path / "c", {"00-a.yaml": selector + CM.format(name="a"), "00-b.yaml": CM.format(name="b")}
    )
    assert names(load(root).steps[0].apply) == ["b"]


def test_bad_yaml_is_an_input_error_naming_the_file(tmp_path: Path) -> None:
    root = write(tmp_path / "c", {"00-a.yaml": "a: [1,\n"})
    with pytest.raises(errors.InputError, match=r"00-a\.yaml"):
        load(root)


def test_load_suite_from_a_directory_resolves_against_it(tmp_path: Path) -> None:
    write(
        tmp_path / "s",
        {
            "kuttl-test.yaml": "apiVersion: kuttl.dev/v1beta1\nkind: TestSuite\n"
            "testDirs: [cases]\ntimeout: 5\n"
        },
    )
    suite = loading.load_suite(tmp_path / "s")
    assert suite.test_dirs == ("cases",) and suite.timeout == 5
    assert suite.resolve("cases") == tmp_path / "s" / "cases"


def test_load_suite_from_a_file_with_a_base_dir(tmp_path: Path) -> None:
    path = (
        write(tmp_path, {"cfg.yaml": "apiVersion: kuttl.dev/v1beta1\nkind: TestSuite\ntestDirs: [e2e]\n"})
        / "cfg.yaml"
    )
    assert loading.load_suite(path, base_dir=Path(".")).resolve("e2e") == Path("e2e")


def test_a_plain_directory_is_a_test_dir(tmp_path: Path) -> None:
    suite = loading.load_suite(tmp_path)
    assert suite.test_dirs == (str(tmp_path),) and suite.report_format is None


def test_a_suite_file_without_test_suite_is_rejected(tmp_path: Path) -> None:
    write(tmp_path, {"kuttl-test.yaml": CM.format(name="x")})
    with pytest.raises(errors.SpecError, match=r"no kuttl\.dev/v1beta1 TestSuite"):
        loading.load_suite(tmp_path)


def test_a_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(errors.InputError, match="no such file"):
        loading.load_suite(tmp_path / "nope.yaml")


def test_find_cases_lists_subdirectories_in_order(tmp_path: Path) -> None:
    write(tmp_path / "t", {"b/00-a.yaml": "", "a/00-a.yaml": "", "file.yaml": ""})
    suite = model.Suite(test_dirs=("t",), base_dir=tmp_path)
    assert [(d, p.name) for d, p in collecting.find_cases(suite)] == [("t", "a"), ("t", "b")]
    with pytest.raises(errors.InputError, match="missing: test directory not found"):
        collecting.find_cases(model.Suite(test_dirs=("missing",), base_dir=tmp_path))


def test_our_basic_suite_loads() -> None:
    root = Path(__file__).resolve().parents[3] / "data" / "suites" / "basic"
    suite = loading.load_suite(root)
    cases = {
        case_dir.name: loading.load_case(case_dir, namespace="ns")
        for _, case_dir in collecting.find_cases(suite)
    }
    assert sorted(cases) == ["cluster-scoped", "configmaps", "workloads"]
    assert [s.label for s in cases["configmaps"].steps] == ["0-create", "1-update", "2-delete", "3-extra"]
    assert cases["configmaps"].steps[2].delete and not cases["configmaps"].warnings
    assert cases["workloads"].steps[2].asserts[0]["data"] == {"namespace": "ns"}


def test_a_test_dir_that_is_itself_a_case_is_that_case(tmp_path: Path) -> None:
    write(tmp_path / "t" / "solo", {"00-create.yaml": "", "README.md": ""})
    suite = model.Suite(test_dirs=("t/solo",), base_dir=tmp_path)
    assert [(d, p.name) for d, p in collecting.find_cases(suite)] == [("t", "solo")]


def test_test_names_select_cases(tmp_path: Path) -> None:
    write(tmp_path / "t", {"a/00-a.yaml": "", "b/00-a.yaml": "", "c/00-a.yaml": ""})
    suite = model.Suite(test_dirs=("t",), base_dir=tmp_path, test_names=("c", "a"))
    assert [p.name for _, p in collecting.find_cases(suite)] == ["a", "c"]


def test_a_case_that_cannot_load_keeps_its_error_and_the_others_load(tmp_path: Path) -> None:
    write(
        tmp_path / "t",
        {
            "bad/00-a.yaml": "a: [1,\n",
            "empty/notes.txt": "",
            "chainsaw/00-test.yaml": "apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\n",
            "cel/00-assert.yaml": "apiVersion: kuttl.dev/v1beta1\nkind: TestAssert\n"
            "assertAll: [{celExpr: 'nope.x'}]\n",
            "good/00-a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
        },
    )
    suite = model.Suite(test_dirs=("t",), base_dir=tmp_path)
    cases = {c.name: c for c in collecting.load_cases(suite, variables={}, rng=random.Random(1))}
    assert cases["good"].load_error == "" and len(cases["good"].steps) == 1
    assert "00-a.yaml" in cases["bad"].load_error
    assert "no step files" in cases["empty"].load_error
    assert "a Chainsaw Test, not a KUTTL step" in cases["chainsaw"].load_error
    assert "assertAll[0]: CEL expression 'nope.x': undeclared reference to 'nope'" in cases["cel"].load_error


def test_a_step_kubeconfig_is_relative_to_the_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CFG_DIR", "configs")
    step = "apiVersion: kuttl.dev/v1beta1\nkind: TestStep\nkubeconfig: $CFG_DIR/k.yaml\ncontext: east\n"
    write(tmp_path / "c", {"00-step.yaml": step})
    loaded = loading.load_case(tmp_path / "c", namespace="ns").steps[0]
    assert (loaded.kubeconfig, loaded.context) == (str(tmp_path / "c" / "configs" / "k.yaml"), "east")
