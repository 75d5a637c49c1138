"""Cleanup: deletion removes exactly what a trial created; policies and the TTL are honoured."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.e2e import trials
from tests.e2e.conftest import OperatorProcess, wait_for

RBAC = "rbac.authorization.k8s.io/v1"
GRACE_SECONDS = 2.0  # how long a kept tool is watched for an unwanted uninstall


def _cleaned_up(read: Any, name: str, namespace: str) -> dict[str, Any]:
    status: dict[str, Any] = read(name, namespace)
    return status if (status.get("run") or {}).get("stage") == "CleanedUp" else {}


def test_deleting_a_trial_removes_what_it_created_and_nothing_else(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    target, bystander = f"{namespace}-lab", f"{namespace}-bystander"
    own = f"{namespace}-own"
    kube.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": bystander}}, namespace=None)
    try:
        kube.apply(trials.config_map("keep"), namespace=bystander)
        body = trials.tool_trial(
            "tidy",
            namespace,
            source=trials.manifests(trials.deployment("web"), trials.cluster_role(own)),
            steps=[trials.step("up", assert_=[trials.available("web")])],
            target=target,
            cleanup={"policy": "Retain"},
        )
        with trials.created(kube, body):
            status = trials.wait_phase(trial_status, "tidy", namespace, "Passed", "Failed", "Error")
            assert status["phase"] == "Passed", status
            entries = {(e["kind"], e["name"]): e for e in status["inventory"]["entries"]}
            live_role = kube.get(RBAC, "ClusterRole", name=own, namespace=None)
            assert entries[("ClusterRole", own)]["uid"] == live_role["metadata"]["uid"]
            live_namespace = kube.get("v1", "Namespace", name=target, namespace=None)
            assert entries[("Namespace", target)]["uid"] == live_namespace["metadata"]["uid"]
        assert kube.get(RBAC, "ClusterRole", name=own, namespace=None) is None
        trials.wait_gone(kube, "v1", "Namespace", target, None)
        assert kube.get("v1", "ConfigMap", name="keep", namespace=bystander) is not None
    finally:
        kube.delete("v1", "Namespace", name=bystander, namespace=None)


def test_delete_and_delete_on_success_of_a_passing_trial_uninstall_after_the_verdict(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    policies = {"brief": "Delete", "onpass": "DeleteOnSuccess"}
    bodies = [
        trials.web_trial(name, namespace, f"{namespace}-{name}", cleanup={"policy": policy})
        for name, policy in policies.items()
    ]
    with trials.created(kube, bodies[0]), trials.created(kube, bodies[1]):
        for name in policies:
            status = wait_for(functools.partial(_cleaned_up, trial_status, name, namespace), timeout=60)
            assert (status["phase"], status["result"]) == ("Passed", "Passed")  # the verdict stays
            installed = trials.condition(status, "Installed")
            assert (installed["status"], installed["reason"]) == ("False", "CleanedUp")
            assert trials.condition(status, "Ready")["status"] == "True"
            assert status["inventory"].get("entries", []) == []
            trials.wait_gone(kube, "v1", "Namespace", f"{namespace}-{name}", None)


def test_retain_and_delete_on_success_of_a_failing_trial_keep_the_tool(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    kept, failing = f"{namespace}-kept", f"{namespace}-failing"
    never = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {"replicas": 5},
    }
    retained = trials.web_trial("retained", namespace, kept, cleanup={"policy": "Retain"})
    on_success = trials.tool_trial(
        "onsuccess",
        namespace,
        source=trials.manifests(trials.deployment("web")),
        steps=[trials.step("scaled", assert_=[never], timeout="2s")],
        target=failing,
        cleanup={"policy": "DeleteOnSuccess"},
    )
    with trials.created(kube, retained), trials.created(kube, on_success):
        assert (
            trials.wait_phase(trial_status, "retained", namespace, "Passed", "Failed", "Error")["phase"]
            == "Passed"
        )
        assert (
            trials.wait_phase(trial_status, "onsuccess", namespace, "Passed", "Failed", "Error")["phase"]
            == "Failed"
        )
        time.sleep(GRACE_SECONDS)  # a PostRunCleanup would have run by now: it is planned at once
        for name, target, phase in (("retained", kept, "Passed"), ("onsuccess", failing, "Failed")):
            status = trial_status(name, namespace)
            assert status["phase"] == phase
            assert status["run"]["stage"] == "Finished"
            assert trials.condition(status, "Installed")["status"] == "True"
            assert kube.get("apps/v1", "Deployment", name="web", namespace=target) is not None
    for target in (kept, failing):  # deleting the trial still removes it all
        trials.wait_gone(kube, "v1", "Namespace", target, None)


def test_ttl_seconds_after_finished_deletes_the_trial_itself(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    target = f"{namespace}-ttl"
    body = trials.web_trial(
        "shortlived", namespace, target, cleanup={"policy": "Delete", "ttlSecondsAfterFinished": 2}
    )
    kube.create_or_merge(body, namespace=namespace)
    try:
        status = trials.wait_phase(trial_status, "shortlived", namespace, "Passed", "Failed", "Error")
        assert status["phase"] == "Passed", status
        finished = time.monotonic()
        trials.wait_gone(kube, trials.API_VERSION, trials.KIND, "shortlived", namespace, timeout=30)
        assert time.monotonic() - finished >= 1.0  # not before the TTL
        trials.wait_gone(kube, "v1", "Namespace", target, None)
    finally:
        if kube.get(trials.API_VERSION, trials.KIND, name="shortlived", namespace=namespace) is not None:
            trials.delete_trial(kube, "shortlived", namespace)


def test_deleting_a_trial_while_helm_installs_still_removes_what_the_install_created(
    kube: Any,
    other_namespace: str,
    start_operator: Callable[..., OperatorProcess],
    chart_repo: str,
    trial_status: Any,
    tmp_path: Path,
) -> None:
    ns = other_namespace
    target = f"{ns}-agent"
    marker = tmp_path / "upgrade-started"
    start_operator(ns, helm=trials.slow_helm(tmp_path, marker=marker, sleep_after=3))
    body = trials.tool_trial(
        "agent",
        ns,
        source=trials.helm(chart_repo, "agent"),
        steps=[
            trials.step(
                "up", assert_=[{"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"}}]
            )
        ],
        target=target,
    )
    kube.create_or_merge(body, namespace=ns)
    wait_for(marker.exists, timeout=30)
    assert trial_status("agent", ns)["phase"] == "Installing"
    trials.delete_trial(kube, "agent", ns, timeout=60)  # while helm is still to run
    for kind in ("ClusterRole", "ClusterRoleBinding"):
        assert kube.get(RBAC, kind, name=f"agent-{target}", namespace=None) is None, kind
    trials.wait_gone(kube, "v1", "Namespace", target, None)


def test_deleting_a_trial_whose_helm_install_failed_removes_what_the_failed_release_created(
    operator: Any, kube: Any, namespace: str, chart_repo: str, trial_status: Any, kubeconfig: str
) -> None:
    target = f"{namespace}-broken"
    values = {"resources": {"requests": {"cpu": "lots"}}}  # the API server rejects the DaemonSet
    body = trials.tool_trial(
        "agent",
        namespace,
        source=trials.helm(chart_repo, "agent", values=values),
        steps=[
            trials.step(
                "up", assert_=[{"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"}}]
            )
        ],
        target=target,
        cleanup={"policy": "Retain"},
    )
    with trials.created(kube, body):
        status = trials.wait_phase(trial_status, "agent", namespace, "Passed", "Failed", "Error", timeout=30)
        assert status["phase"] == "Error", status
        assert "DaemonSet" in trials.condition(status, "Ready")["message"]
        # helm created the RBAC before the DaemonSet was refused; the failed release stays (Retain)
        assert [r["status"] for r in trials.helm_releases(target, kubeconfig=kubeconfig)] == ["failed"]
        assert kube.get(RBAC, "ClusterRole", name=f"agent-{target}", namespace=None) is not None
    for kind in ("ClusterRole", "ClusterRoleBinding"):
        assert kube.get(RBAC, kind, name=f"agent-{target}", namespace=None) is None, kind
