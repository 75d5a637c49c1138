"""An operator killed at the worst moments resumes each trial from its status: same verdict,
one helm release, no duplicate objects, and a running step keeps its deadline.

Each test runs its own `toollab operator` subprocess on an `r-*` namespace and SIGKILLs it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.e2e import trials
from tests.e2e.conftest import OperatorProcess, wait_for

StartOperator = Callable[..., OperatorProcess]


def _assert_installed_once(
    kube: Any, status: dict[str, Any], target: str, nodes: int, kubeconfig: str
) -> list[dict[str, Any]]:
    releases = trials.helm_releases(target, kubeconfig=kubeconfig)
    assert [(r["name"], r["status"]) for r in releases] == [("agent", "deployed")]
    assert len(kube.list("apps/v1", "DaemonSet", namespace=target)) == 1
    assert len(kube.list("v1", "Pod", namespace=target)) == nodes
    entries = [(e["kind"], e["name"]) for e in status["inventory"]["entries"]]
    assert len(entries) == len(set(entries)), entries
    return releases


def test_killed_before_helm_ran_the_restarted_operator_installs_once_and_passes(
    kube: Any,
    other_namespace: str,
    start_operator: StartOperator,
    chart_repo: str,
    trial_status: Any,
    kubeconfig: str,
    tmp_path: Path,
) -> None:
    ns, nodes = other_namespace, len(kube.list("v1", "Node", namespace=None))
    target = f"{ns}-agent"
    marker = tmp_path / "upgrade-started"
    first = start_operator(ns, helm=trials.slow_helm(tmp_path, marker=marker, sleep_before=60))
    with trials.created(kube, trials.agent_trial(ns, chart_repo, ready=nodes, cleanup={"policy": "Retain"})):
        wait_for(marker.exists, timeout=30)
        first.kill()
        assert trial_status("agent", ns)["phase"] == "Installing"
        assert trials.helm_releases(target, kubeconfig=kubeconfig) == []

        start_operator(ns)
        status = trials.wait_phase(trial_status, "agent", ns, "Passed", "Failed", "Error", timeout=60)
        assert status["phase"] == "Passed", status
        releases = _assert_installed_once(kube, status, target, nodes, kubeconfig)
        assert releases[0]["revision"] == "1"  # the killed install never reached helm


def test_killed_after_helm_installed_but_before_the_status_was_written(
    kube: Any,
    other_namespace: str,
    start_operator: StartOperator,
    chart_repo: str,
    trial_status: Any,
    kubeconfig: str,
    tmp_path: Path,
) -> None:
    ns, nodes = other_namespace, len(kube.list("v1", "Node", namespace=None))
    target = f"{ns}-agent"
    cluster_role = f"agent-{target}"
    marker = tmp_path / "upgrade-done"
    first = start_operator(ns, helm=trials.slow_helm(tmp_path, marker=marker, sleep_after=60))
    with trials.created(kube, trials.agent_trial(ns, chart_repo, ready=nodes, cleanup={"policy": "Retain"})):
        wait_for(marker.exists, timeout=30)
        first.kill()
        assert trial_status("agent", ns)["phase"] == "Installing"  # the install was never recorded
        assert [r["revision"] for r in trials.helm_releases(target, kubeconfig=kubeconfig)] == ["1"]

        start_operator(ns)
        status = trials.wait_phase(trial_status, "agent", ns, "Passed", "Failed", "Error", timeout=60)
        assert status["phase"] == "Passed", status
        _assert_installed_once(kube, status, target, nodes, kubeconfig)
        # the ClusterRole left by the killed install is still known as the trial's own
        roles = [e for e in status["inventory"]["entries"] if e["kind"] == "ClusterRole"]
        assert [(r["name"], r["created"]) for r in roles] == [(cluster_role, True)]
    assert kube.get("rbac.authorization.k8s.io/v1", "ClusterRole", name=cluster_role, namespace=None) is None


def test_killed_mid_step_the_restarted_operator_keeps_the_step_deadline(
    kube: Any, other_namespace: str, start_operator: StartOperator, trial_status: Any
) -> None:
    ns = other_namespace
    target = f"{ns}-wait"
    signal = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "go"}, "data": {"ready": "yes"}}
    body = trials.tool_trial(
        "waits",
        ns,
        source=trials.manifests(trials.config_map("app", {"mode": "test"})),
        steps=[trials.step("signal", assert_=[signal], timeout="60s")],
        target=target,
    )

    def attempts_at_least(count: int) -> dict[str, Any]:
        status = trial_status("waits", ns)
        steps = status.get("steps") or [{}]
        return status if steps[0].get("attempts", 0) >= count and steps[0].get("deadline") else {}

    first = start_operator(ns)
    with trials.created(kube, body):
        before = wait_for(lambda: attempts_at_least(2), timeout=30)["steps"][0]
        first.kill()
        start_operator(ns)
        resumed = wait_for(lambda: attempts_at_least(before["attempts"] + 2), timeout=30)
        assert resumed["phase"] == "Verifying"
        assert resumed["steps"][0]["deadline"] == before["deadline"]
        assert resumed["steps"][0]["startedAt"] == before["startedAt"]

        kube.create_or_merge(signal, namespace=target)
        status = trials.wait_phase(trial_status, "waits", ns, "Passed", "Failed", "Error", timeout=30)
        assert status["phase"] == "Passed", status
        assert status["steps"][0]["deadline"] == before["deadline"]
