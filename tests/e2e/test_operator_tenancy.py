"""Tenancy: a trial acts as its spec.serviceAccountName, so RBAC bounds what it may install.

The operator runs as shipped (tests/e2e/conftest.py): it cannot install anything itself, and the
tenant's rights are exactly what manifests/tenant-example/ grants.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e import trials
from tests.e2e.conftest import TENANT, wait_for
from tests.support import shipped

RBAC = "rbac.authorization.k8s.io/v1"
VERDICTS = ("Passed", "Failed", "Error")


def _sandbox(kube: Any, namespace: str, target: str) -> list[dict[str, Any]]:
    """A namespace made by the admin, with tenant-example's lab-sandbox grant for the tenant."""
    kube.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": target}}, namespace=None)
    grants = [
        o
        for o in shipped.tenant_objects(namespace, sandbox=target)
        if o["metadata"].get("namespace") == target
    ]
    assert [g["roleRef"]["name"] for g in grants] == ["toollab-tenant"]
    shipped.apply_all(kube, grants)
    return grants


def _error(status: dict[str, Any]) -> tuple[str, str, str]:
    ready = trials.condition(status, "Ready")
    return status["phase"], ready["reason"], ready["message"]


@pytest.mark.namespaced_tenant
def test_a_tenant_installing_a_cluster_role_ends_in_error_forbidden_and_creates_nothing(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    target = f"{namespace}-tenant"
    role = f"{namespace}-reader"
    _sandbox(kube, namespace, target)
    try:
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
        )
        with trials.created(kube, body):
            uid = trials.uid_of(kube, "greedy", namespace)
            status = trials.wait_phase(trial_status, "greedy", namespace, *VERDICTS, timeout=30)
            assert status["phase"] == "Error", status
            ready, stalled = trials.condition(status, "Ready"), trials.condition(status, "Stalled")
            assert (ready["status"], ready["reason"]) == ("False", "Forbidden")
            assert (stalled["status"], stalled["reason"]) == ("True", "Forbidden")
            assert f"system:serviceaccount:{namespace}:{TENANT}" in ready["message"], ready["message"]
            assert "clusterroles" in ready["message"], ready["message"]
            assert kube.get(RBAC, "ClusterRole", name=role, namespace=None) is None
            for kind in ("ConfigMap", "Deployment"):
                api_version = "v1" if kind == "ConfigMap" else "apps/v1"
                assert trials.labelled(kube, api_version, kind, target, uid) == []
            wait_for(
                lambda: [e for e in trials.events(kube, "greedy", namespace) if e["reason"] == "Forbidden"],
                timeout=10,
            )
    finally:
        kube.delete("v1", "Namespace", name=target, namespace=None)


@pytest.mark.namespaced_tenant
def test_the_same_tenant_installing_only_namespaced_objects_in_its_sandbox_passes(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    target = f"{namespace}-tenant"
    _sandbox(kube, namespace, target)
    try:
        body = trials.tool_trial(
            "modest",
            namespace,
            source=trials.manifests(
                trials.config_map("settings", {"level": "debug"}), trials.deployment("web")
            ),
            steps=[trials.step("up", assert_=[trials.available("web")])],
            target=target,
            cleanup={"policy": "Retain"},
        )
        body["spec"]["target"]["createNamespace"] = False
        with trials.created(kube, body):
            uid = trials.uid_of(kube, "modest", namespace)
            status = trials.wait_phase(trial_status, "modest", namespace, *VERDICTS, timeout=30)
            assert status["phase"] == "Passed", status
            assert status["run"]["serviceAccount"] == TENANT
            assert status["footprint"]["pods"] == 1  # read as the tenant, which may list pods here
            assert len(trials.labelled(kube, "apps/v1", "Deployment", target, uid)) == 1
            assert (
                kube.list(RBAC, "RoleBinding", namespace=target, labels={"toollab.dev/trial-uid": uid}) == []
            )
        # deleting the trial removed what it installed, but not the namespace it did not create
        assert kube.get("apps/v1", "Deployment", name="web", namespace=target) is None
        assert kube.get("v1", "ConfigMap", name="settings", namespace=target) is None
        assert kube.get("v1", "Namespace", name=target, namespace=None) is not None
    finally:
        kube.delete("v1", "Namespace", name=target, namespace=None)


@pytest.mark.namespaced_tenant
def test_in_a_namespace_the_operator_creates_it_grants_the_named_account_the_tenant_role(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    target = f"{namespace}-made"
    body = trials.web_trial("granted", namespace, target, cleanup={"policy": "Retain"})
    with trials.created(kube, body):
        status = trials.wait_phase(trial_status, "granted", namespace, *VERDICTS, timeout=30)
        assert status["phase"] == "Passed", status
        assert status["run"]["namespaceCreated"] is True
        (grant,) = kube.list(RBAC, "RoleBinding", namespace=target)
        assert grant["roleRef"] == {
            "apiGroup": "rbac.authorization.k8s.io",
            "kind": "ClusterRole",
            "name": "toollab-tenant",
        }
        assert grant["subjects"] == [{"kind": "ServiceAccount", "name": TENANT, "namespace": namespace}]
    trials.wait_gone(kube, "v1", "Namespace", target, None)  # and the grant with it


def test_a_trial_naming_no_account_acts_as_the_default_account_and_installs_nothing(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    """The operator runs with the Deployment's --default-service-account default."""
    target = f"{namespace}-anon"
    body = trials.tool_trial(
        "anonymous",
        namespace,
        source=trials.manifests(trials.config_map("settings"), trials.deployment("web")),
        steps=[trials.step("up", assert_=[trials.available("web")])],
        target=target,
        serviceAccountName=None,
    )
    with trials.created(kube, body):
        uid = trials.uid_of(kube, "anonymous", namespace)
        status = trials.wait_phase(trial_status, "anonymous", namespace, *VERDICTS, timeout=30)
        phase, reason, message = _error(status)
        assert (phase, reason) == ("Error", "Forbidden"), status
        assert f"system:serviceaccount:{namespace}:default" in message
        assert status["run"]["serviceAccount"] == "default"
        assert trials.labelled(kube, "v1", "ConfigMap", target, uid) == []
        assert kube.list(RBAC, "RoleBinding", namespace=target) == []  # no grant for the default account
    trials.wait_gone(kube, "v1", "Namespace", target, None)


def test_a_missing_service_account_is_named_in_the_error(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    target = f"{namespace}-ghost"
    body = trials.web_trial("ghost", namespace, target, serviceAccountName="nobody")
    with trials.created(kube, body):
        status = trials.wait_phase(trial_status, "ghost", namespace, *VERDICTS, timeout=30)
        phase, reason, message = _error(status)
        assert (phase, reason) == ("Error", "ServiceAccountNotFound"), status
        assert f"ServiceAccount {namespace}/nobody does not exist" in message
        assert kube.get("v1", "Namespace", name=target, namespace=None) is None  # nothing made for it
