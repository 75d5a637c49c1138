"""ObjectsCluster: the Cluster reads over a file of objects, as an API server would serve them."""

from __future__ import annotations

from typing import Any

import pytest

from toollab import errors
from toollab.cluster import objects, port


def obj(api_version: str, kind: str, name: str, **metadata: Any) -> dict[str, Any]:
    return {"apiVersion": api_version, "kind": kind, "metadata": {"name": name, **metadata}}


WIDGET_CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "gadgets.example.com"},
    "spec": {
        "group": "example.com",
        "scope": "Cluster",
        "names": {"kind": "Gadget", "plural": "gadgets"},
        "versions": [{"name": "v1", "served": True}, {"name": "v0", "served": False}],
    },
}

OBJECTS = [
    obj("v1", "ConfigMap", "plain"),
    obj("v1", "ConfigMap", "elsewhere", namespace="other"),
    obj("v1", "Pod", "web-2", namespace="shop", labels={"app": "web", "tier": "front"}),
    obj("v1", "Pod", "web-1", namespace="shop", labels={"app": "web"}),
    obj("v1", "Pod", "db-1", namespace="shop", labels={"app": "db"}),
    obj("rbac.authorization.k8s.io/v1", "ClusterRole", "reader", namespace="ignored"),
    obj("example.com/v1", "Widget", "w"),
    WIDGET_CRD,
    obj("example.com/v1", "Gadget", "g"),
]


@pytest.fixture
def cluster() -> objects.ObjectsCluster:
    return objects.ObjectsCluster(OBJECTS, default_namespace="default")


def test_it_is_a_cluster(cluster: objects.ObjectsCluster) -> None:
    as_port: port.Cluster = cluster
    assert as_port.resource("v1", "Pod").namespaced


@pytest.mark.parametrize(
    ("api_version", "kind", "plural", "namespaced"),
    [
        ("v1", "ConfigMap", "configmaps", True),
        ("v1", "Namespace", "namespaces", False),
        ("apps/v1", "Deployment", "deployments", True),
        ("batch/v1", "Job", "jobs", True),
        ("rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", False),
        ("apiextensions.k8s.io/v1", "CustomResourceDefinition", "customresourcedefinitions", False),
        ("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies", True),
        ("storage.k8s.io/v1", "StorageClass", "storageclasses", False),
        ("policy/v1", "PodDisruptionBudget", "poddisruptionbudgets", True),
        ("coordination.k8s.io/v1", "Lease", "leases", True),
        ("example.com/v1", "Widget", "widgets", True),  # in the file, no CRD: namespaced
        ("example.com/v1", "Gadget", "gadgets", False),  # its CRD says Cluster
    ],
)
def test_served_kinds_and_their_scope(
    cluster: objects.ObjectsCluster, api_version: str, kind: str, plural: str, namespaced: bool
) -> None:
    assert cluster.resource(api_version, kind) == port.ResourceInfo(api_version, kind, plural, namespaced)


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [
        ("example.com/v1", "Sprocket"),
        ("example.com/v0", "Gadget"),
        ("apps/v1beta1", "Deployment"),
        ("v1", "Widget"),
    ],
)
def test_other_kinds_are_unknown(cluster: objects.ObjectsCluster, api_version: str, kind: str) -> None:
    with pytest.raises(errors.UnknownKind):
        cluster.resource(api_version, kind)
    with pytest.raises(errors.UnknownKind):
        cluster.list(api_version, kind, namespace=None)


def test_namespaced_objects_without_a_namespace_live_in_the_default_one(
    cluster: objects.ObjectsCluster,
) -> None:
    found = cluster.get("v1", "ConfigMap", name="plain", namespace="default")
    assert found is not None and found["metadata"]["namespace"] == "default"
    assert cluster.get("v1", "ConfigMap", name="plain", namespace="other") is None
    assert cluster.get("v1", "ConfigMap", name="elsewhere", namespace="other") is not None


def test_cluster_scoped_objects_have_no_namespace(cluster: objects.ObjectsCluster) -> None:
    found = cluster.get("rbac.authorization.k8s.io/v1", "ClusterRole", name="reader", namespace=None)
    assert found is not None and "namespace" not in found["metadata"]
    assert cluster.get("example.com/v1", "Gadget", name="g", namespace=None) is not None


def test_list_filters_by_namespace_and_labels_sorted_by_name(cluster: objects.ObjectsCluster) -> None:
    def names(**kwargs: Any) -> list[str]:
        return [o["metadata"]["name"] for o in cluster.list("v1", "Pod", **kwargs)]

    assert names(namespace="shop") == ["db-1", "web-1", "web-2"]
    assert names(namespace="shop", labels={"app": "web"}) == ["web-1", "web-2"]
    assert names(namespace="shop", labels={"app": "web", "tier": "front"}) == ["web-2"]
    assert names(namespace="default") == []
    assert [o["metadata"]["name"] for o in cluster.list("v1", "ConfigMap", namespace=None)] == [
        "plain",
        "elsewhere",
    ]


def test_reads_return_copies(cluster: objects.ObjectsCluster) -> None:
    first = cluster.get("v1", "ConfigMap", name="plain", namespace="default")
    assert first is not None
    first["metadata"]["name"] = "changed"
    assert cluster.get("v1", "ConfigMap", name="plain", namespace="default") is not None
    assert OBJECTS[0]["metadata"] == {"name": "plain"}  # the input is never changed


def test_writes_are_refused(cluster: objects.ObjectsCluster) -> None:
    with pytest.raises(errors.Forbidden, match="read-only"):
        cluster.apply(obj("v1", "ConfigMap", "x"), namespace="default")
    with pytest.raises(errors.Forbidden, match="read-only"):
        cluster.create_or_merge(obj("v1", "ConfigMap", "x"), namespace="default")
    with pytest.raises(errors.Forbidden, match="read-only"):
        cluster.delete("v1", "ConfigMap", name="plain", namespace="default")


def test_an_object_without_a_name_is_bad_input() -> None:
    with pytest.raises(errors.InputError, match=r"without metadata\.name"):
        objects.ObjectsCluster([{"apiVersion": "v1", "kind": "ConfigMap"}], default_namespace="default")
