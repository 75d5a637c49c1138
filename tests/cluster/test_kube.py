"""KubeCluster against the real API server: reads, KUTTL apply, server-side apply, errors, impersonation."""

from __future__ import annotations

import time
from typing import Any

import pytest

from toollab import errors


def configmap(name: str, **data: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": dict(data)}


def test_get_of_a_missing_object_is_none(kube: Any, namespace: str) -> None:
    assert kube.get("v1", "ConfigMap", name="absent", namespace=namespace) is None


def test_create_or_merge_creates_then_merges(kube: Any, namespace: str) -> None:
    _, created = kube.create_or_merge(configmap("c", a="1", b="2"), namespace=namespace)
    merged, created_again = kube.create_or_merge(configmap("c", b="3"), namespace=namespace)
    assert (created, created_again) == (True, False)
    assert merged["data"] == {"a": "1", "b": "3"}  # a JSON merge patch keeps keys it does not name


def test_apply_is_server_side_with_our_field_manager(kube: Any, namespace: str) -> None:
    applied = kube.apply(configmap("s", k="v"), namespace=namespace)
    managers = {m["manager"]: m["operation"] for m in applied["metadata"]["managedFields"]}
    assert managers == {"toollab": "Apply"}
    again = kube.apply(configmap("s", k="w"), namespace=namespace)
    assert again["data"] == {"k": "w"}


def test_list_by_labels_and_delete(kube: Any, namespace: str) -> None:
    for name, tier in (("x", "web"), ("y", "db")):
        body = configmap(name)
        body["metadata"]["labels"] = {"tier": tier}
        kube.apply(body, namespace=namespace)
    names = [
        o["metadata"]["name"]
        for o in kube.list("v1", "ConfigMap", namespace=namespace, labels={"tier": "web"})
    ]
    assert names == ["x"]
    assert kube.delete("v1", "ConfigMap", name="x", namespace=namespace) is True
    assert kube.delete("v1", "ConfigMap", name="x", namespace=namespace) is False


def test_a_kind_the_server_does_not_serve(kube: Any) -> None:
    with pytest.raises(errors.UnknownKind, match="Gadget"):
        kube.resource("example.com/v1", "Gadget")
    assert kube.resource("apps/v1", "Deployment").namespaced is True
    assert kube.resource("rbac.authorization.k8s.io/v1", "ClusterRole").namespaced is False


def test_an_invalid_object_is_invalid(kube: Any, namespace: str) -> None:
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {}}
    with pytest.raises(errors.Invalid, match="Deployment"):
        kube.apply(deployment, namespace=namespace)


def test_impersonation_acts_with_the_service_accounts_rights(kube: Any, namespace: str) -> None:
    kube.apply(
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "runner"}}, namespace=namespace
    )
    runner = kube.impersonating(f"system:serviceaccount:{namespace}:runner")
    assert kube.impersonating(f"system:serviceaccount:{namespace}:runner") is runner
    assert runner.impersonating(None) is kube
    with pytest.raises(errors.Forbidden, match="runner"):
        runner.apply(configmap("mine"), namespace=namespace)
    binding = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": {"name": "runner-edit"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"},
        "subjects": [{"kind": "ServiceAccount", "name": "runner", "namespace": namespace}],
    }
    kube.apply(binding, namespace=namespace)
    deadline = time.monotonic() + 10
    while True:  # RBAC changes reach the authorizer within moments
        try:
            runner.apply(configmap("mine"), namespace=namespace)
            break
        except errors.Forbidden:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    with pytest.raises(errors.Forbidden):
        runner.apply(
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRole",
                "metadata": {"name": f"{namespace}-nope"},
                "rules": [],
            },
            namespace=None,
        )


def test_create_is_a_plain_create_that_refuses_to_overwrite(kube: Any, namespace: str) -> None:
    created = kube.create(configmap("once", a="1"), namespace=namespace)
    managers = {m["manager"]: m["operation"] for m in created["metadata"]["managedFields"]}
    assert list(managers.values()) == ["Update"]  # a POST, not an apply (PATCH)
    with pytest.raises(errors.Conflict):
        kube.create(configmap("once", a="2"), namespace=namespace)
    assert kube.get("v1", "ConfigMap", name="once", namespace=namespace)["data"] == {"a": "1"}


def test_credentials_are_those_of_the_kubeconfig(kube: Any, kubeconfig: str) -> None:
    """What Kopf's login gets: the same server, CA and client certificate as toollab's client."""
    found = kube.impersonating("system:serviceaccount:x:y").credentials()  # never the impersonated one
    assert found.server == kube.host
    assert found.verify and found.ca_path and found.certificate_path and found.private_key_path
    assert found.token is None  # the local cluster's admin authenticates with a certificate
