"""The KUTTL suite runner's decisions, on a fake cluster and clock: order, deadlines, skips, cleanup."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.unit.suites.kuttl.fakes import FakeClock, FakeCluster
from toollab.reports import suite_results as results
from toollab.suites.kuttl import commands, harness, model


def cm(name: str, **data: str) -> dict[str, Any]:
    body: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}}
    return {**body, "data": data} if data else body


def case(*steps: model.Step, name: str = "c", namespace: str = "kuttl-ns") -> model.TestCase:
    return model.TestCase(name=name, dir=Path("."), test_dir="t", namespace=namespace, steps=steps)


def make_runtime(cluster: FakeCluster, clock: FakeClock, lines: list[str], **kwargs: Any) -> harness.Runtime:
    return harness.Runtime(
        cluster=cluster,
        emit=lines.append,
        clock=clock,
        sleep=clock.sleep,
        now=lambda: datetime(2025, 1, 1, tzinfo=UTC),
        **kwargs,
    )


@pytest.fixture
def cluster() -> FakeCluster:
    return FakeCluster()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def run(
    cluster: FakeCluster, clock: FakeClock, *cases: model.TestCase, **suite_fields: Any
) -> results.SuiteResult:
    lines: list[str] = []
    suite = model.Suite(test_dirs=("t",), **{"timeout": 3, **suite_fields})
    return harness.run_suite(suite, cases, make_runtime(cluster, clock, lines))


def run_lines(
    cluster: FakeCluster, clock: FakeClock, lines: list[str], *cases: model.TestCase
) -> results.SuiteResult:
    return harness.run_suite(
        model.Suite(test_dirs=("t",), timeout=3), cases, make_runtime(cluster, clock, lines)
    )


def statuses(result: results.SuiteResult) -> list[tuple[str, str]]:
    return [(step.name, step.status.value) for c in result.cases for step in c.steps]


def test_a_passing_case_applies_asserts_and_cleans_up(cluster: FakeCluster, clock: FakeClock) -> None:
    step0 = model.Step(0, "create", apply=(cm("a", k="v"),), asserts=(cm("a", k="v"),))
    step1 = model.Step(1, "update", apply=(cm("a", k="w"),), asserts=(cm("a", k="w"),))
    result = run(cluster, clock, case(step0, step1))
    assert result.passed
    assert statuses(result) == [("step 0-create", "passed"), ("step 1-update", "passed")]
    assert cluster.log == [
        "create Namespace kuttl-ns",
        "create ConfigMap a",
        "merge ConfigMap a",
        "delete ConfigMap a",  # created objects first, newest first
        "delete Namespace kuttl-ns",
    ]
    assert cluster.store == {}


def test_the_first_failing_step_ends_the_case_and_later_steps_are_skipped(
    cluster: FakeCluster, clock: FakeClock
) -> None:
    failing = model.Step(0, "create", apply=(cm("paint", color="blue"),), asserts=(cm("paint", color="red"),))
    later = model.Step(1, "never", apply=(cm("never"),))
    result = run(cluster, clock, case(failing, later))
    assert not result.passed
    assert statuses(result) == [("step 0-create", "failed"), ("step 1-never", "skipped")]
    failed = result.cases[0].steps[0]
    assert "data.color" in failed.message and 'expected "red", got "blue"' in failed.text
    assert failed.attempts == 7  # rounds at 0, 0.1, 0.3, 0.7, 1.5, 2.5 s, and one at the 3 s deadline
    assert result.cases[0].steps[1].message == "not run: step 0-create failed"
    assert "create ConfigMap never" not in cluster.log


def test_asserts_and_errors_share_one_deadline(cluster: FakeCluster, clock: FakeClock) -> None:
    step = model.Step(0, "s", apply=(cm("a", k="v"),), asserts=(cm("a"),), errors=(cm("a", k="v"),))
    result = run(cluster, clock, case(step))
    assert statuses(result)[0] == ("step 0-s", "failed")
    assert "matched an errors expectation" in result.cases[0].steps[0].text


def test_step_timeout_comes_from_test_assert_else_the_suite(cluster: FakeCluster, clock: FakeClock) -> None:
    start = clock.now
    run(cluster, clock, case(model.Step(0, "s", asserts=(cm("absent"),), timeout=10)))
    assert 10 <= clock.now - start < 12


def test_apply_errors_fail_the_step_without_checking(clock: FakeClock) -> None:
    cluster = FakeCluster(unknown={"Widget"})
    widget = {"apiVersion": "v1", "kind": "Widget", "metadata": {"name": "w"}}
    start = clock.now
    result = run(cluster, clock, case(model.Step(0, "s", apply=(widget, cm("a")), asserts=(cm("a"),))))
    assert 3 <= clock.now - start < 4  # an unserved kind is retried up to the (3 s) suite timeout
    failed = result.cases[0].steps[0]
    assert failed.status is results.Status.FAILED and failed.attempts == 0
    assert failed.message.startswith("step 0-s: applying v1/Widget w failed")
    assert "create ConfigMap a" in cluster.log  # kuttl applies the rest, then fails the step


def test_a_kind_served_soon_after_its_crd_is_applied_once_it_is(clock: FakeClock) -> None:
    """Discovery lists a new CRD's kind a moment after the CRD is Established; kuttl's apply can
    fail in that moment, toollab's tries again for up to 5 s."""
    cluster = FakeCluster(unknown={"ConfigMap"})
    start = clock.now
    original = clock.sleep

    def sleep(seconds: float) -> None:
        original(seconds)
        if clock.now - start >= 1.0:
            cluster.unknown.clear()

    clock.sleep = sleep  # type: ignore[method-assign]
    result = run(cluster, clock, case(model.Step(0, "s", apply=(cm("a", k="v"),), asserts=(cm("a"),))))
    assert statuses(result) == [("step 0-s", "passed")]
    assert "create ConfigMap a" in cluster.log and clock.now - start >= 1.0


def test_deletes_run_before_apply_and_wait_until_gone(cluster: FakeCluster, clock: FakeClock) -> None:
    cluster.create_or_merge(
        {**cm("old"), "metadata": {"name": "old", "labels": {"app": "x"}}}, namespace="kuttl-ns"
    )
    cluster.create_or_merge(cm("keep"), namespace="kuttl-ns")
    cluster.log.clear()
    step = model.Step(
        0,
        "s",
        apply=(cm("new"),),
        delete=(model.DeleteRef("v1", "ConfigMap", labels={"app": "x"}),),
        errors=(cm("old"),),
    )
    result = run(cluster, clock, case(step))
    assert result.passed
    assert cluster.log.index("delete ConfigMap old") < cluster.log.index("create ConfigMap new")
    assert "delete ConfigMap keep" not in cluster.log[: cluster.log.index("create ConfigMap new")]


def test_a_delete_that_never_finishes_fails_the_step(clock: FakeClock) -> None:
    cluster = FakeCluster(sticky={"stuck"})
    cluster.create_or_merge(cm("stuck"), namespace="kuttl-ns")
    result = run(
        cluster, clock, case(model.Step(0, "s", delete=(model.DeleteRef("v1", "ConfigMap", name="stuck"),)))
    )
    assert (
        "timed out after 3s waiting for deletion of v1/ConfigMap kuttl-ns/stuck"
        in result.cases[0].steps[0].text
    )


def test_skip_delete_keeps_objects_and_namespace(cluster: FakeCluster, clock: FakeClock) -> None:
    run(cluster, clock, case(model.Step(0, "s", apply=(cm("a"),))), skip_delete=True)
    assert cluster.names("ConfigMap") == ["a"] and cluster.names("Namespace") == ["kuttl-ns"]


def test_cluster_scoped_objects_created_are_deleted(cluster: FakeCluster, clock: FakeClock) -> None:
    role = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": "reader"},
    }
    run(cluster, clock, case(model.Step(0, "s", apply=(role,))))
    assert cluster.names("ClusterRole") == []


def test_objects_that_existed_before_are_not_deleted(cluster: FakeCluster, clock: FakeClock) -> None:
    role = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": "shared"},
    }
    cluster.create_or_merge(role, namespace=None)
    run(cluster, clock, case(model.Step(0, "s", apply=(role,))))
    assert cluster.names("ClusterRole") == ["shared"]


def test_a_namespace_that_does_not_go_within_the_suite_timeout_fails_the_case(clock: FakeClock) -> None:
    cluster = FakeCluster(sticky={"kuttl-ns"})
    lines: list[str] = []
    suite = model.Suite(test_dirs=("t",), timeout=3)
    start = clock.now
    result = harness.run_suite(suite, [case(model.Step(0, "s"))], make_runtime(cluster, clock, lines))
    assert not result.passed
    assert 3 <= clock.now - start < 4  # waited the suite timeout, not the 60 s cap
    failed = result.cases[0].failed_step
    assert failed is not None and failed.name == "cleanup"
    assert (
        failed.message == "cleanup: test namespace not deleted: v1/Namespace kuttl-ns still present after 3s"
    )
    assert "c  FAILED  3.0s" in lines


def test_a_created_object_left_behind_is_reported_but_does_not_fail(clock: FakeClock) -> None:
    cluster = FakeCluster(sticky={"a"})
    lines: list[str] = []
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "a"}}
    result = run_lines(cluster, clock, lines, case(model.Step(0, "s", apply=(role,))))
    assert result.passed
    left = "rbac.authorization.k8s.io/v1/ClusterRole a still present after 3s"
    assert result.cases[0].cleanup == (left,)
    assert f"c  cleanup: {left}" in lines


def test_a_case_that_could_not_be_loaded_fails_alone(cluster: FakeCluster, clock: FakeClock) -> None:
    broken = model.TestCase("bad", Path("."), "t", "kuttl-ns2", (), load_error="00-a.yaml: line 1: bad YAML")
    result = run(cluster, clock, broken, case(model.Step(0, "s", apply=(cm("a"),))))
    assert [c.passed for c in result.cases] == [False, True]
    failed = result.cases[0].failed_step
    assert failed is not None and (failed.name, failed.message) == ("load", "00-a.yaml: line 1: bad YAML")
    assert "create Namespace kuttl-ns2" not in cluster.log


def test_same_named_cases_are_told_apart_as_go_does() -> None:
    cases = [case(name="a"), case(name="b"), case(name="a"), case(name="a")]
    assert [c.name for c in harness.collecting.unique_names(cases)] == ["a", "b", "a#01", "a#02"]


def test_a_step_without_a_name_is_labelled_by_its_index() -> None:
    assert model.Step(1, "").label == "1" and model.Step(1, "x").label == "1-x"


def test_a_fixed_namespace_that_exists_is_neither_created_nor_deleted(
    cluster: FakeCluster, clock: FakeClock
) -> None:
    cluster.create_or_merge(
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "fixed"}}, namespace=None
    )
    cluster.log.clear()
    result = run(
        cluster, clock, case(model.Step(0, "s", apply=(cm("a"),)), namespace="fixed"), namespace="fixed"
    )
    assert result.passed
    assert cluster.log == ["create ConfigMap a", "delete ConfigMap a"]


def test_a_fixed_namespace_we_create_is_deleted_once_after_all_cases(
    cluster: FakeCluster, clock: FakeClock
) -> None:
    cases = [case(model.Step(0, "s"), name=n, namespace="fixed") for n in ("a", "b")]
    run(cluster, clock, *cases, namespace="fixed", parallel=1)
    assert cluster.log == ["create Namespace fixed", "delete Namespace fixed"]


def test_namespace_creation_failure_fails_setup_and_skips_steps(clock: FakeClock) -> None:
    cluster = FakeCluster(unknown={"Namespace"})
    result = run(cluster, clock, case(model.Step(0, "s")))
    assert statuses(result) == [("setup", "failed"), ("step 0-s", "skipped")]
    assert "failed to create test namespace kuttl-ns" in result.cases[0].steps[0].message


def test_assert_commands_run_every_round_with_the_remaining_time(
    cluster: FakeCluster, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def fake_run(cmds: Any, context: commands.Context) -> list[commands.CommandResult]:
        if not cmds:
            return []
        calls.append(context.timeout)
        error = "" if len(calls) >= 3 else "command 'check' failed, exit status 1"
        return [commands.CommandResult("check", 0 if not error else 1, "out", error)]

    monkeypatch.setattr(commands, "run_commands", fake_run)
    step = model.Step(0, "s", assert_commands=(model.Command(command="check"),), timeout=10)
    result = run(cluster, clock, case(step))
    assert result.passed and result.cases[0].steps[0].attempts == 3
    assert calls == [10, 9, 9]  # whole seconds left at rounds 0, 0.1 and 0.3 s


def test_failing_step_commands_fail_the_step_before_apply(
    cluster: FakeCluster, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fake_run(cmds: Any, context: commands.Context) -> list[commands.CommandResult]:
        return [
            commands.CommandResult(str(c), 2, "boom", f"command {str(c)!r} failed, exit status 2")
            for c in cmds
        ]

    monkeypatch.setattr(commands, "run_commands", fake_run)
    step = model.Step(0, "s", commands=(model.Command(command="make"),), apply=(cm("a"),))
    result = run(cluster, clock, case(step))
    failed = result.cases[0].steps[0]
    assert failed.message == "step 0-s: command 'make' failed, exit status 2" and "boom" in failed.text
    assert "create ConfigMap a" not in cluster.log


def test_suite_command_failure_runs_no_case(
    cluster: FakeCluster, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fake_run(command: model.Command, context: commands.Context) -> commands.CommandResult:
        assert context.namespace == "default"
        return commands.CommandResult(str(command), 1, "", f"command {str(command)!r} failed, exit status 1")

    monkeypatch.setattr(commands, "run_command", fake_run)
    result = run(
        cluster, clock, case(model.Step(0, "s", apply=(cm("a"),))), commands=(model.Command(command="setup"),)
    )
    assert not result.passed and result.cases == ()
    assert result.failure.startswith("command 'setup' failed")
    assert cluster.log == []


def test_cases_run_in_parallel_but_results_keep_their_order(cluster: FakeCluster) -> None:
    lines: list[str] = []
    cases = [case(model.Step(0, "s", apply=(cm(n),)), name=n, namespace=f"ns-{n}") for n in "abcd"]
    suite = model.Suite(test_dirs=("t",), parallel=4)
    result = harness.run_suite(suite, cases, make_runtime(cluster, FakeClock(), lines))
    assert [c.name for c in result.cases] == ["a", "b", "c", "d"] and result.passed
    assert lines[-1].startswith("4 passed, 0 failed in ")


def test_progress_has_one_line_per_step_and_failure_text_indented(
    cluster: FakeCluster, clock: FakeClock
) -> None:
    lines: list[str] = []
    failing = model.Step(0, "create", apply=(cm("p", c="b"),), asserts=(cm("p", c="r"),))
    harness.run_suite(
        model.Suite(test_dirs=("t",), timeout=1), [case(failing)], make_runtime(cluster, clock, lines)
    )
    block = lines[0].splitlines()
    assert re.fullmatch(r"c  step 0-create  failed  \d+\.\ds", block[0])
    assert block[1].startswith("    v1/ConfigMap kuttl-ns/p") and any("data.c" in line for line in block)
    assert lines[1].startswith("c  FAILED") and lines[-1].startswith("0 passed, 1 failed")


def test_namespace_names_look_like_kuttl_ones() -> None:
    names = {harness.namespace_name(random.Random(seed)) for seed in range(20)}
    assert all(re.fullmatch(r"kuttl-[a-z]+-[a-z]+-[a-z0-9]{4}", name) for name in names)
    assert len(names) == 20
    assert harness.namespace_name(random.Random(7)) == harness.namespace_name(random.Random(7))


def test_write_report_uses_artifacts_dir_name_and_format(
    tmp_path: Path, cluster: FakeCluster, clock: FakeClock
) -> None:
    result = run(cluster, clock, case(model.Step(0, "s")))
    suite = model.Suite(
        test_dirs=("t",),
        report_format=model.ReportFormat.JSON,
        report_name="out",
        artifacts_dir=str(tmp_path / "a"),
    )
    path = harness.write_report(result, suite)
    assert path == tmp_path / "a" / "out.json" and '"name": "step 0-s"' in path.read_text()
    assert harness.write_report(result, model.Suite(test_dirs=("t",))) is None
