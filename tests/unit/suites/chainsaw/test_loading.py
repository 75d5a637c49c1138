"""Loading Chainsaw tests as data: discovery, steps and operations, templates, refusals and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from toollab import errors
from toollab.suites.chainsaw import loading, model

DATA = Path(__file__).resolve().parents[3] / "data" / "chainsaw"


def write(folder: Path, text: str, name: str = "chainsaw-test.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)
    return folder / name


def test_every_folder_with_a_test_file_is_found_the_root_too(tmp_path: Path) -> None:
    write(tmp_path, "{}")
    write(tmp_path / "b" / "deep", "{}", name="chainsaw-test.yml")
    write(tmp_path / "a", "{}")
    (tmp_path / "kuttl-case").mkdir()
    (tmp_path / "kuttl-case" / "00-assert.yaml").write_text("{}")
    found = loading.find_test_files(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "chainsaw-test.yaml",
        "a/chainsaw-test.yaml",
        "b/deep/chainsaw-test.yml",
    ]


def test_our_passing_tests_load_with_their_steps_and_operations() -> None:
    [test] = loading.load_tests(DATA / "passing" / "bindings-and-outputs" / "chainsaw-test.yaml")
    assert (test.name, [s.name for s in test.steps], test.refused) == (
        "bindings-and-outputs",
        ["write", "command"],
        (),
    )
    write_step = test.steps[0]
    assert [op.kind for op in write_step.try_] == ["apply", "script", "assert", "assert"]
    assert write_step.try_[0].path == "spec.steps[0].try[0].apply"
    assert test.bindings == (model.Binding("color", "blue"),)
    assert write_step.bindings == (model.Binding("size", "(length($color))"),)


def test_timeouts_are_seconds_and_nest_outward() -> None:
    [test] = loading.load_tests(DATA / "passing" / "writes-and-waits" / "chainsaw-test.yaml")
    assert test.timeouts == model.Timeouts(assert_=20)
    assert test.timeouts.over(model.DEFAULT_TIMEOUTS) == model.Timeouts(5, 20, 30, 15, 30, 5)
    wait = test.steps[1].try_[1]
    assert (wait.kind, wait.timeout) == ("wait", 30)
    assert test.steps[1].try_[-1].body["duration"] == 0.1  # sleep 100ms


def test_a_step_template_is_merged_into_the_step(tmp_path: Path) -> None:
    write(
        tmp_path,
        "apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: StepTemplate\nmetadata: {name: t}\n"
        "spec:\n  bindings: [{name: from, value: template}]\n  try: [{sleep: {duration: 1s}}]\n",
        name="template.yaml",
    )
    file = write(
        tmp_path,
        "apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: t}\nspec:\n  steps:\n"
        "  - use: {template: template.yaml, with: {bindings: [{name: with, value: 1}]}}\n",
    )
    [test] = loading.load_tests(file)
    step = test.steps[0]
    assert [b.name for b in step.bindings] == ["from", "with"]
    assert [op.kind for op in step.try_] == ["sleep"]


def test_what_toollab_does_not_build_is_refused_not_dropped() -> None:
    [test] = loading.load_tests(DATA / "failing" / "refused" / "chainsaw-test.yaml")
    assert test.refused == (model.NOT_BUILT["proxy"],)


def test_several_clusters_are_refused(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        "apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: t}\nspec:\n"
        "  steps: [{try: [{apply: {file: x.yaml}, cluster: other}]}]\n",
    )
    [test] = loading.load_tests(file)
    assert test.refused == ("several clusters (cluster, clusters) are not supported by toollab",)


def test_compiler_sets_the_default_engine_at_every_level(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        "apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: t}\nspec:\n  compiler: cel\n"
        "  bindings: [{name: a, value: (1), compiler: jp}]\n"
        "  steps: [{compiler: jp, try: [{compiler: cel, sleep: {duration: 1s}}]}]\n",
    )
    [test] = loading.load_tests(file)
    assert (test.engine, test.bindings[0].engine, test.steps[0].engine, test.steps[0].try_[0].engine) == (
        "cel",
        "jp",
        "jp",
        "cel",
    )


BAD = [
    ("kind: ConfigMap\napiVersion: v1\n", "document 1: not a Chainsaw Test (v1 ConfigMap)"),
    ("apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\n", "spec: must be an object"),
    (
        "apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\nspec: {steps: [{try: [{}]}]}\n",
        "spec.steps[0].try[0]: needs exactly one operation",
    ),
    (
        "apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\n"
        "spec: {steps: [{try: [{sleep: {duration: soon}}]}]}\n",
        "spec.steps[0].try[0].sleep.duration: 'soon' is not a duration",
    ),
    (
        "apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\n"
        "spec: {steps: [{finally: [{apply: {file: a}}]}]}\n",
        "spec.steps[0].finally[0].apply: not allowed here",
    ),
    (
        "apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\nspec: {compiler: js, steps: []}\n",
        "spec.compiler: 'js' is not one of jp, cel",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_files_are_input_errors_naming_file_and_field(tmp_path: Path, text: str, message: str) -> None:
    file = write(tmp_path, text)
    with pytest.raises(errors.InputError) as raised:
        loading.load_tests(file)
    assert str(raised.value).startswith(str(file))
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Configuration\nmetadata: {name: c}\n"
            "spec: {timeouts: {assert: 1m}, namespace: fixed, skipDelete: true, parallel: 2}\n",
            model.Configuration(
                timeouts=model.Timeouts(5, 60, 30, 15, 30, 5), namespace="fixed", skip_delete=True, parallel=2
            ),
        ),
        (
            "apiVersion: chainsaw.kyverno.io/v1alpha2\nkind: Configuration\nmetadata: {name: c}\nspec:\n"
            "  timeouts: {exec: 10s}\n  namespace: {name: fixed}\n  cleanup: {skipDelete: true}\n"
            "  execution: {failFast: true, parallel: 3}\n  templating: {enabled: false}\n",
            model.Configuration(
                timeouts=model.Timeouts(5, 30, 30, 15, 30, 10),
                namespace="fixed",
                skip_delete=True,
                fail_fast=True,
                template=False,
                parallel=3,
            ),
        ),
    ],
    ids=["v1alpha1", "v1alpha2"],
)
def test_configurations_of_both_versions(tmp_path: Path, text: str, expected: model.Configuration) -> None:
    assert loading.load_configuration(write(tmp_path, text, name=".chainsaw.yaml")) == expected


def test_a_cluster_field_inside_a_resource_is_data_not_a_refusal(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        "apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: t}\n"
        "spec:\n  cluster: ($which)\n"
        "  steps: [{try: [{apply: {resource: {apiVersion: x/v1, kind: Db, spec: {cluster: main}}}}]}]\n",
    )
    [test] = loading.load_tests(file)
    assert test.refused == ()
    assert test.cluster == "($which)"  # judged when the test runs: "" is the default cluster
