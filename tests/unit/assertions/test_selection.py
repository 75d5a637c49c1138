"""Which objects an expected document means (assertions.md §3): name, namespace, labels."""

from __future__ import annotations

from typing import Any

import pytest

from toollab import errors
from toollab.assertions import selection
from toollab.assertions.selection import Lookup


def doc(metadata: dict[str, Any], *, kind: str = "ConfigMap", api_version: str = "v1") -> dict[str, Any]:
    return {"apiVersion": api_version, "kind": kind, "metadata": metadata}


LOOKUPS: list[tuple[str, dict[str, Any], bool, Lookup]] = [
    ("named, namespace injected", doc({"name": "a"}), True, Lookup("v1", "ConfigMap", "a", "test-ns")),
    (
        "explicit namespace kept",
        doc({"name": "a", "namespace": "x"}),
        True,
        Lookup("v1", "ConfigMap", "a", "x"),
    ),
    (
        "cluster-scoped: no namespace",
        doc({"name": "r"}, kind="ClusterRole"),
        False,
        Lookup("v1", "ClusterRole", "r", None),
    ),
    (
        "cluster-scoped ignores an explicit namespace",
        doc({"name": "r", "namespace": "x"}, kind="ClusterRole"),
        False,
        Lookup("v1", "ClusterRole", "r", None),
    ),
    (
        "no metadata: a list of the kind",
        {"apiVersion": "v1", "kind": "Pod"},
        True,
        Lookup("v1", "Pod", None, "test-ns"),
    ),
    (
        "string labels are a selector",
        doc({"labels": {"b": "2", "a": "1"}}, kind="Pod"),
        True,
        Lookup("v1", "Pod", None, "test-ns", {"a": "1", "b": "2"}),
    ),
    (
        "a non-string label value: no selector",
        doc({"labels": {"a": "1", "n": 2}}, kind="Pod"),
        True,
        Lookup("v1", "Pod", None, "test-ns", None),
    ),
    (
        "empty labels: no selector",
        doc({"labels": {}}, kind="Pod"),
        True,
        Lookup("v1", "Pod", None, "test-ns"),
    ),
    (
        "a named lookup has no selector",
        doc({"name": "p", "labels": {"a": "1"}}, kind="Pod"),
        True,
        Lookup("v1", "Pod", "p", "test-ns"),
    ),
    (
        "a non-string name is no name (kuttl)",
        doc({"name": 7}),
        True,
        Lookup("v1", "ConfigMap", None, "test-ns"),
    ),
]


@pytest.mark.parametrize(
    ("expected", "namespaced", "lookup"),
    [(e, n, lk) for _, e, n, lk in LOOKUPS],
    ids=[name for name, _, _, _ in LOOKUPS],
)
def test_lookup_for(expected: dict[str, Any], namespaced: bool, lookup: Lookup) -> None:
    assert selection.lookup_for(expected, test_namespace="test-ns", namespaced=namespaced) == lookup


def test_with_namespace_injects_into_a_copy() -> None:
    expected = doc({"name": "a", "labels": {"x": "1"}})
    lookup = selection.lookup_for(expected, test_namespace="ns", namespaced=True)
    assert selection.with_namespace(expected, lookup)["metadata"] == {
        "name": "a",
        "labels": {"x": "1"},
        "namespace": "ns",
    }
    assert "namespace" not in expected["metadata"]


def test_with_namespace_creates_metadata_when_absent() -> None:
    expected = {"apiVersion": "v1", "kind": "Pod", "status": {"phase": "Running"}}
    lookup = selection.lookup_for(expected, test_namespace="ns", namespaced=True)
    assert selection.with_namespace(expected, lookup)["metadata"] == {"namespace": "ns"}


def test_with_namespace_leaves_cluster_scoped_documents_alone() -> None:
    expected = doc({"name": "r"}, kind="ClusterRole")
    lookup = selection.lookup_for(expected, test_namespace="ns", namespaced=False)
    assert selection.with_namespace(expected, lookup) == expected


@pytest.mark.parametrize(
    ("lookup", "ref"),
    [
        (Lookup("apps/v1", "Deployment", "x", "ns"), "apps/v1/Deployment ns/x"),
        (Lookup("v1", "Pod", None, "ns", {"app": "web", "a": "b"}), "v1/Pod ns [a=b,app=web]"),
        (
            Lookup("rbac.authorization.k8s.io/v1", "ClusterRole", "r", None),
            "rbac.authorization.k8s.io/v1/ClusterRole r",
        ),
        (Lookup("v1", "Namespace", None, None), "v1/Namespace"),
    ],
)
def test_references_name_the_object_or_the_selection(lookup: Lookup, ref: str) -> None:
    assert lookup.ref() == ref


@pytest.mark.parametrize("expected", [{"kind": "Pod"}, {"apiVersion": "v1"}, {"apiVersion": "v1", "kind": 3}])
def test_a_document_without_apiversion_and_kind_is_bad_input(expected: dict[str, Any]) -> None:
    with pytest.raises(errors.InputError):
        selection.lookup_for(expected, test_namespace="ns", namespaced=True)
