"""The lab over time and across versions: scheduled runs with history, a regression's event, a
version matrix (ToolTrialSet) with a summed status, and the scorecard of the agent look-alike."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import REGISTRY

from tests.e2e import trials
from tests.e2e.conftest import wait_for
from tests.support import chartserver

SET_API = "toollab.dev/v1alpha1"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "lab-over-time" / "agent-versions.yaml"
VERSIONS = ("1.0.0", "1.1.0", "1.2.0")


def _switch(kube: Any, namespace: str, state: str) -> None:
    kube.apply(trials.config_map("switch", {"state": state}), namespace=namespace)


def _switched_on(namespace: str, *, schedule: str) -> dict[str, Any]:
    """A scheduled trial that passes while ConfigMap `switch` in the trial's namespace (which the test
    owns, and the tenant may read) says on; the tool goes into a namespace the operator creates."""
    on = trials.config_map("switch", {"state": "on"})
    on["metadata"]["namespace"] = namespace
    return trials.tool_trial(
        "nightly",
        namespace,
        source=trials.manifests(trials.config_map("nightly-marker")),
        steps=[trials.step("switch-is-on", timeout="2s", assert_=[on])],
        target=f"{namespace}-nightly",
        schedule=schedule,
        historyLimit=3,
        cleanup={"policy": "Retain"},
    )


def test_a_scheduled_trial_runs_again_and_keeps_its_last_runs(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    _switch(kube, namespace, "on")
    with trials.created(kube, _switched_on(namespace, schedule="@every 10s")):
        status = wait_for(lambda: _three_runs(trial_status("nightly", namespace)), timeout=90)
    history = status["history"]
    assert len(history) == 3  # historyLimit: the oldest run was dropped
    assert [h["result"] for h in history] == ["Passed"] * 3
    starts = [h["startedAt"] for h in history]
    assert starts == sorted(starts, reverse=True) and len(set(starts)) == 3  # newest first, distinct runs
    assert all(h["scheduled"] for h in history[:2])  # started by the schedule, not by a spec change
    assert all(h["passed"] == h["total"] == 1 for h in history)
    assert status["nextRunAt"] > status["startedAt"]


def _three_runs(status: dict[str, Any]) -> dict[str, Any] | None:
    """The status once three runs have ended."""
    return status if len(status.get("history") or []) == 3 and status.get("phase") == "Passed" else None


def test_a_passed_run_followed_by_a_failed_one_posts_regressed(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    _switch(kube, namespace, "on")
    with trials.created(kube, _switched_on(namespace, schedule="@every 10s")):
        wait_for(lambda: trial_status("nightly", namespace).get("result") == "Passed", timeout=60)
        _switch(kube, namespace, "off")  # the next scheduled run fails
        status = wait_for(
            lambda: (s := trial_status("nightly", namespace)).get("result") == "Failed" and s, timeout=60
        )
        assert [h["result"] for h in status["history"][:2]] == ["Failed", "Passed"]
        regressed = wait_for(
            lambda: [e for e in trials.events(kube, "nightly", namespace) if e["reason"] == "Regressed"],
            timeout=20,
        )
        gauge = REGISTRY.get_sample_value(
            "toollab_trial_regressed", {"namespace": namespace, "name": "nightly"}
        )
        assert gauge == 1
    assert regressed[0]["type"] == "Warning"
    assert "Failed (0/1 steps) after the run started" in regressed[0]["message"]
    labels = {"namespace": namespace, "name": "nightly"}  # the in-process operator's metrics
    assert REGISTRY.get_sample_value("toollab_trial_regressed", labels) is None  # deleted: series gone


def test_a_suspended_schedule_runs_once(operator: Any, kube: Any, namespace: str, trial_status: Any) -> None:
    _switch(kube, namespace, "on")
    body = _switched_on(namespace, schedule="@every 10s")
    body["spec"]["suspend"] = True
    with trials.created(kube, body):
        wait_for(lambda: trial_status("nightly", namespace).get("result") == "Passed", timeout=60)
        time.sleep(14)  # longer than the interval: no second run may start
        status = trial_status("nightly", namespace)
    assert len(status["history"]) == 1 and "nextRunAt" not in status


@pytest.fixture(scope="module")
def agent_versions(kubeconfig: str) -> Iterator[str]:
    """Our agent chart served as versions 1.0.0, 1.1.0 and 1.2.0."""
    with chartserver.chart_versions_repo("agent", VERSIONS) as url:
        yield url


def _agent_set(namespace: str, repo: str, matrix: dict[str, Any]) -> dict[str, Any]:
    """examples/lab-over-time/agent-versions.yaml in this test's namespace, with our chart server."""
    body: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text())
    body["metadata"]["namespace"] = namespace
    body["spec"]["template"]["spec"]["tool"]["helm"]["repo"] = repo
    body["spec"]["matrix"] = matrix
    return body


def _set_status(kube: Any, namespace: str) -> dict[str, Any]:
    body = kube.get(SET_API, "ToolTrialSet", name="agents", namespace=namespace)
    return dict((body or {}).get("status") or {})


def _delete_set(kube: Any, namespace: str) -> None:
    kube.delete(SET_API, "ToolTrialSet", name="agents", namespace=namespace)
    wait_for(lambda: not kube.list(trials.API_VERSION, trials.KIND, namespace=namespace), timeout=120)


@pytest.mark.parametrize(
    "matrix", [{"versions": list(VERSIONS)}, {"versionPolicy": "latest-3"}], ids=["listed", "latest-3"]
)
def test_a_matrix_of_three_versions_yields_three_trials_and_a_summed_status(
    operator: Any, kube: Any, namespace: str, agent_versions: str, matrix: dict[str, Any], kubeconfig: str
) -> None:
    kube.apply(_agent_set(namespace, agent_versions, matrix), namespace=namespace)
    try:
        status = wait_for(
            lambda: (s := _set_status(kube, namespace)).get("phase") == "Passed" and s, timeout=240
        )
        cells = kube.list(trials.API_VERSION, trials.KIND, namespace=namespace)
        assert sorted(c["metadata"]["name"] for c in cells) == [
            "agents-1-0-0",
            "agents-1-1-0",
            "agents-1-2-0",
        ]
        for cell in cells:
            (owner,) = cell["metadata"]["ownerReferences"]
            assert (owner["kind"], owner["name"], owner["controller"]) == ("ToolTrialSet", "agents", True)
            assert cell["metadata"]["labels"]["team"] == "platform"
            assert cell["status"]["install"]["version"] == cell["spec"]["tool"]["helm"]["version"]
        assert (status["summary"], status["passed"], status["total"]) == ("3/3 passed", 3, 3)
        assert sorted(status["versions"] if "versionPolicy" in matrix else VERSIONS) == list(VERSIONS)
        assert {c["outcome"] for c in status["cells"]} == {"Passed"}
        printed = trials.run_tool("kubectl", "get", "tooltrialsets", "-n", namespace, kubeconfig=kubeconfig)
        assert "3/3 passed" in printed.splitlines()[1]
    finally:
        _delete_set(kube, namespace)  # the cells go with their owner (garbage collection)


def test_the_agent_scorecard_shows_privileged_containers_and_host_path_volumes(
    operator: Any, kube: Any, namespace: str, chart_repo: str, trial_status: Any
) -> None:
    ready = {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": "agent"},
        "status": {"numberReady": 3},
    }
    body = trials.tool_trial(
        "agent",
        namespace,
        source=trials.helm(chart_repo, "agent"),
        steps=[trials.step("running", timeout="60s", assert_=[ready])],
        target=f"{namespace}-agent",
    )
    with trials.created(kube, body):
        status = wait_for(lambda: (s := trial_status("agent", namespace)).get("scorecard") and s, timeout=120)
    card = status["scorecard"]
    checkers = {c["name"]: c for c in card["checkers"]}
    assert checkers["kube-score"]["state"] == "Ran" and checkers["kube-score"]["version"] == "1.20.0"
    assert checkers["pod-security"]["state"] == "Ran" and "baseline" in checkers["pod-security"]["version"]
    assert checkers["helm-lint"]["state"] == "Ran" and checkers["helm-lint"]["version"].startswith("v3.21.4")
    assert checkers["chart-checks"]["state"] == "Ran"
    found = {(f["checker"], f["check"]) for f in card["findings"]}
    assert ("kube-score", "container-security-context-privileged") in found
    assert ("pod-security", "hostPath volumes") in found and ("pod-security", "privileged") in found
    assert ("chart-checks", "contains-values-schema") in found  # our agent chart has no schema
    daemonset = f"DaemonSet {namespace}-agent/agent"
    privileged = next(f for f in card["findings"] if f["check"] == "container-security-context-privileged")
    assert privileged["target"] == daemonset and "privileged" in privileged["message"]
    host_paths = next(f for f in card["findings"] if f["check"] == "hostPath volumes")
    assert host_paths["target"] == daemonset
    assert host_paths["message"] == 'violates baseline:latest: volumes "dev", "proc", "etc", "containerd"'
    assert status["result"] == "Passed" and card["runStartedAt"] == status["startedAt"]
