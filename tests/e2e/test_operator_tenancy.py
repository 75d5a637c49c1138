"""Tenancy: a trial acts as its spec.serviceAccountName, so RBAC bounds what it may install."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from tests.e2e import trials
from tests.e2e.conftest import wait_for

RBAC = "rbac.authorization.k8s.io/v1"


@contextlib.contextmanager
def tenant(kube: Any, namespace: str, target: str) -> Iterator[str]:
    """ServiceAccount `runner` in the trial's namespace, `admin` only in the pre-created `target`."""
    kube.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": target}}, namespace=None)
    try:
        account = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "runner"}}
        kube.apply(account, namespace=namespace)
        binding = {
            "apiVersion": RBAC,
            "kind": "RoleBinding",
            "metadata": {"name": "runner-admin"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "admin"},
            "subjects": [{"kind": "ServiceAccount", "name": "runner", "namespace": namespace}],
        }
        kube.apply(binding, namespace=target)
        yield "runner"
    finally:
        kube.delete("v1", "Namespace", name=target, namespace=None)


def test_a_tenant_installing_a_cluster_role_ends_in_error_forbidden_and_creates_nothing(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    target = f"{namespace}-tenant"
    role = f"{namespace}-reader"
    with tenant(kube, namespace, target) as account:
        body = trials.tool_trial(
            "greedy",
            namespace,
            source=trials.manifests(
                trials.config_map("settings", {"level": "debug"}),
                trials.deployment("web"),
                trials.cluster_role(role),
            ),
            steps=[trials.step("up", assert_=[trials.available("web")])],
            target=target,
            serviceAccountName=account,
        )
        with trials.created(kube, body):
            uid = trials.uid_of(kube, "greedy", namespace)
            status = trials.wait_phase(
                trial_status, "greedy", namespace, "Passed", "Failed", "Error", timeout=30
            )
            assert status["phase"] == "Error", status
            ready, stalled = trials.condition(status, "Ready"), trials.condition(status, "Stalled")
            assert (ready["status"], ready["reason"]) == ("False", "Forbidden")
            assert (stalled["status"], stalled["reason"]) == ("True", "Forbidden")
            assert f"system:serviceaccount:{namespace}:runner" in ready["message"], ready["message"]
            assert "clusterroles" in ready["message"], ready["message"]
            assert kube.get(RBAC, "ClusterRole", name=role, namespace=None) is None
            for kind in ("ConfigMap", "Deployment"):
                api_version = "v1" if kind == "ConfigMap" else "apps/v1"
                assert trials.labelled(kube, api_version, kind, target, uid) == []
            wait_for(
                lambda: [e for e in trials.events(kube, "greedy", namespace) if e["reason"] == "Forbidden"],
                timeout=10,
            )


def test_the_same_tenant_installing_only_namespaced_objects_passes(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    target = f"{namespace}-tenant"
    with tenant(kube, namespace, target) as account:
        body = trials.tool_trial(
            "modest",
            namespace,
            source=trials.manifests(
                trials.config_map("settings", {"level": "debug"}), trials.deployment("web")
            ),
            steps=[trials.step("up", assert_=[trials.available("web")])],
            target=target,
            serviceAccountName=account,
            cleanup={"policy": "Retain"},
        )
        with trials.created(kube, body):
            uid = trials.uid_of(kube, "modest", namespace)
            status = trials.wait_phase(
                trial_status, "modest", namespace, "Passed", "Failed", "Error", timeout=30
            )
            assert status["phase"] == "Passed", status
            assert status["run"]["serviceAccount"] == "runner"
            assert len(trials.labelled(kube, "apps/v1", "Deployment", target, uid)) == 1
        # deleting the trial removed what it installed, but not the namespace it did not create
        assert kube.get("apps/v1", "Deployment", name="web", namespace=target) is None
        assert kube.get("v1", "ConfigMap", name="settings", namespace=target) is None
        assert kube.get("v1", "Namespace", name=target, namespace=None) is not None
