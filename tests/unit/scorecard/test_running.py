"""The scorecard's runs, with the process and cluster seams faked: which checker reports what state.

Logic only (fakes): that kube-score and the API server really answer so is shown by the cluster
and e2e tiers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.fakes import FakeCluster, FakeProcessRunner, ok
from tests.unit.model.samples import body_with
from toollab.installers import process
from toollab.model import parse, records, scorecard
from toollab.scorecard import running

DATA = Path(__file__).resolve().parents[2] / "data" / "scorecard"
NS = "trial-agent"
AGENT = {
    "apiVersion": "apps/v1",
    "kind": "DaemonSet",
    "metadata": {"name": "agent", "namespace": NS, "managedFields": [{}], "resourceVersion": "7"},
    "spec": {"template": {"spec": {"containers": [{"name": "agent", "image": "x"}]}}},
    "status": {"numberReady": 3},
}
WARNING = 'would violate PodSecurity "baseline:latest": privileged (container "agent" must not set x)'


def install(*, manifests: bool = True, objects: tuple[dict[str, Any], ...] = (AGENT,)) -> running.Install:
    cluster = FakeCluster()
    for obj in objects:
        cluster.add(obj)
    entries = tuple(records.InventoryEntry("apps/v1", o["kind"], o["metadata"]["name"], NS) for o in objects)
    source = (
        {
            "spec.tool": {
                "name": "agent",
                "manifests": {
                    "inline": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}]
                },
            }
        }
        if manifests
        else {}
    )
    return running.Install(
        trial=parse.parse_trial(body_with(source)), namespace=NS, inventory=entries, cluster=cluster
    )


SEEN: list[dict[str, Any]] = []  # what the last security()'s dry-runs were given


def security(level: str | None = "baseline", warnings: tuple[str, ...] = (WARNING,)) -> running.PodSecurity:
    SEEN.clear()

    def warnings_for(obj: Any) -> tuple[str, ...]:
        SEEN.append(dict(obj))
        return warnings

    return running.PodSecurity(server="v1.36.3", level=level, warnings_for=warnings_for)


def states(results: tuple[running.Result, ...]) -> dict[str, scorecard.CheckerState]:
    return {run.name: run.state for run, _ in results}


def kube_score_runner(tmp_path: Path) -> tuple[FakeProcessRunner, str]:
    binary = tmp_path / "kube-score"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    answer = process.Completed(
        1, (DATA / "kube-score-agent.json").read_text(), ""
    )  # exit 1: it found criticals
    runner = (
        FakeProcessRunner()
        .reply("score", answer)
        .reply("version", ok("kube-score version: 1.20.0, commit: x"))
    )
    return runner, str(binary)


def test_a_manifests_trial_has_no_chart_to_lint_and_every_workload_is_checked(tmp_path: Path) -> None:
    runner, binary = kube_score_runner(tmp_path)
    checkers = running.Checkers(runner=runner, kube_score=binary)
    results = running.score(install(), checkers=checkers, pod_security=security())
    assert states(results) == {
        "helm-lint": scorecard.CheckerState.NOT_APPLICABLE,
        "chart-checks": scorecard.CheckerState.NOT_APPLICABLE,
        "kube-score": scorecard.CheckerState.RAN,  # its exit status 1 is a result, not a failure
        "pod-security": scorecard.CheckerState.RAN,
    }
    (_, security_found) = results[3]
    assert [(f.check, f.target) for f in security_found] == [("privileged", f"DaemonSet {NS}/agent")]
    (given,) = SEEN
    assert "status" not in given and set(given["metadata"]) == {"name", "namespace"}  # no bookkeeping
    score_call = next(c for c in runner.calls if c[1] == "score")
    assert score_call[-1] == "-" and "--kubernetes-version" in score_call


def test_missing_kube_score_and_an_unlabelled_namespace_are_unavailable_with_the_reason() -> None:
    checkers = running.Checkers(runner=FakeProcessRunner(), kube_score="no-such-kube-score")
    results = running.score(install(), checkers=checkers, pod_security=security(level=None))
    runs = {run.name: run for run, _ in results}
    assert runs["kube-score"].state is scorecard.CheckerState.UNAVAILABLE
    assert "no-such-kube-score not found" in runs["kube-score"].message
    assert runs["pod-security"].state is scorecard.CheckerState.UNAVAILABLE
    assert "pod-security.kubernetes.io/warn" in runs["pod-security"].message


def test_nothing_installed_is_not_applicable(tmp_path: Path) -> None:
    runner, binary = kube_score_runner(tmp_path)
    results = running.score(
        install(objects=()),
        checkers=running.Checkers(runner=runner, kube_score=binary),
        pod_security=security(),
    )
    assert states(results)["kube-score"] is scorecard.CheckerState.NOT_APPLICABLE
    assert states(results)["pod-security"] is scorecard.CheckerState.NOT_APPLICABLE


def test_an_unreadable_install_fails_both_workload_checkers_and_says_why(tmp_path: Path) -> None:
    runner, binary = kube_score_runner(tmp_path)
    broken = install()
    assert isinstance(broken.cluster, FakeCluster)
    broken.cluster.unreadable.add("DaemonSet")
    results = running.score(
        broken, checkers=running.Checkers(runner=runner, kube_score=binary), pod_security=security()
    )
    runs = {run.name: run for run, _ in results}
    for name in ("kube-score", "pod-security"):
        assert runs[name].state is scorecard.CheckerState.FAILED
        assert runs[name].message.startswith("could not read what the trial installed")


def test_a_chart_that_cannot_be_fetched_fails_the_chart_checkers(tmp_path: Path) -> None:
    runner, binary = kube_score_runner(tmp_path)
    runner.reply("pull", process.Completed(1, "", 'Error: chart "agent" version "9.9.9" not found'))
    helm_trial = install(manifests=False)
    results = running.score(
        helm_trial, checkers=running.Checkers(runner=runner, kube_score=binary), pod_security=security()
    )
    runs = {run.name: run for run, _ in results}
    assert runs["helm-lint"].state is scorecard.CheckerState.FAILED
    assert (
        'could not fetch the chart: helm pull exited 1: Error: chart "agent" version "9.9.9" not found'
        in (runs["chart-checks"].message)
    )
