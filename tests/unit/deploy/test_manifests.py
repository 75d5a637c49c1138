"""The deployment manifests: what `kubectl apply -k manifests/` installs, read as data.

The cluster tier (tests/cluster/test_manifests.py) builds them with kustomize and checks the RBAC
on a real API server; these tests pin the decisions a reviewer would look for.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest
import yaml

from toollab.cli import cmd_operator

REPO = Path(__file__).resolve().parents[3]
MANIFESTS = REPO / "manifests"


def documents(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def kustomization(folder: Path) -> dict[str, Any]:
    found = [folder / n for n in ("kustomization.yaml", "Kustomization") if (folder / n).exists()]
    assert found, f"{folder} has no kustomization"
    return documents(found[0])[0]


def objects(folder: Path) -> list[dict[str, Any]]:
    """Every object a kustomization lists, following folder references (kustomize's resources)."""
    found: list[dict[str, Any]] = []
    for entry in kustomization(folder)["resources"]:
        target = (folder / entry).resolve()
        found += objects(target) if target.is_dir() else documents(target)
    return found


def by_kind(kind: str, folder: Path = MANIFESTS) -> list[dict[str, Any]]:
    return [o for o in objects(folder) if o["kind"] == kind]


@pytest.fixture(scope="module")
def deployment() -> dict[str, Any]:
    (found,) = by_kind("Deployment")
    return found


@pytest.fixture(scope="module")
def container(deployment: dict[str, Any]) -> dict[str, Any]:
    (found,) = deployment["spec"]["template"]["spec"]["containers"]
    return found


def test_kustomization_lists_existing_files_the_crds_and_the_catalog() -> None:
    found = objects(MANIFESTS)
    kinds = sorted(o["kind"] for o in found if o["kind"] != "ToolProfile")
    assert kinds == [
        "ClusterRole",
        "ClusterRole",
        "ClusterRole",
        "ClusterRole",
        "ClusterRoleBinding",
        "ClusterRoleBinding",
        "CustomResourceDefinition",
        "CustomResourceDefinition",
        "CustomResourceDefinition",
        "Deployment",
        "Namespace",
        "Role",
        "RoleBinding",
        "ServiceAccount",
    ]
    crds = sorted(c["metadata"]["name"] for c in by_kind("CustomResourceDefinition"))
    assert crds == ["toolprofiles.toollab.dev", "tooltrials.toollab.dev", "tooltrialsets.toollab.dev"]
    profiles = sorted(o["metadata"]["name"] for o in found if o["kind"] == "ToolProfile")
    assert profiles == sorted(p.stem for p in (REPO / "catalog").glob("*.yaml"))
    assert len(profiles) == 12


def test_every_namespaced_object_is_in_toollab_system() -> None:
    (namespace,) = by_kind("Namespace")
    for obj in by_kind("ServiceAccount") + by_kind("Deployment") + by_kind("Role") + by_kind("RoleBinding"):
        assert obj["metadata"]["namespace"] == namespace["metadata"]["name"] == "toollab-system"


def test_two_replicas_of_which_the_lease_holder_acts(
    deployment: dict[str, Any], container: dict[str, Any]
) -> None:
    assert deployment["spec"]["replicas"] == 2
    assert deployment["spec"]["strategy"]["type"] == "RollingUpdate"
    parser = argparse.ArgumentParser()
    cmd_operator.add_arguments(parser)
    args = parser.parse_args(container["args"])
    assert args.leader_election is True and args.lease_namespace is None  # from POD_NAMESPACE:
    env = {e["name"]: e for e in container["env"]}
    assert env["POD_NAMESPACE"]["valueFrom"] == {"fieldRef": {"fieldPath": "metadata.namespace"}}


def test_leases_are_granted_in_the_operators_namespace_only() -> None:
    (role,) = by_kind("Role")
    assert role["metadata"]["namespace"] == "toollab-system"
    assert role["rules"] == [
        {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["get", "create", "update"]}
    ]
    (binding,) = by_kind("RoleBinding")
    assert binding["roleRef"]["name"] == role["metadata"]["name"]
    assert [s["name"] for s in binding["subjects"]] == ["toollab-operator"]


def test_metrics_are_served_on_the_named_port(container: dict[str, Any]) -> None:
    parser = argparse.ArgumentParser()
    cmd_operator.add_arguments(parser)
    address = parser.parse_args(container["args"]).metrics_address
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert address == f"0.0.0.0:{ports['metrics']}"


def test_runs_as_the_operator_account(deployment: dict[str, Any]) -> None:
    (account,) = by_kind("ServiceAccount")
    assert deployment["spec"]["template"]["spec"]["serviceAccountName"] == account["metadata"]["name"]


def test_restrictive_security_context(deployment: dict[str, Any], container: dict[str, Any]) -> None:
    pod = deployment["spec"]["template"]["spec"]["securityContext"]
    assert pod["runAsNonRoot"] is True and pod["runAsUser"] != 0
    assert pod["seccompProfile"] == {"type": "RuntimeDefault"}
    assert container["securityContext"] == {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
    }


def test_tmp_is_the_only_writable_place(deployment: dict[str, Any], container: dict[str, Any]) -> None:
    assert container["volumeMounts"] == [{"name": "tmp", "mountPath": "/tmp"}]
    (volume,) = deployment["spec"]["template"]["spec"]["volumes"]
    assert volume["name"] == "tmp" and "emptyDir" in volume
    env = {e["name"]: e.get("value", "") for e in container["env"]}
    for key in ("HOME", "TMPDIR", "HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME"):
        assert env[key].startswith("/tmp"), key


def test_liveness_probe_matches_the_operators_endpoint(container: dict[str, Any]) -> None:
    probe = container["livenessProbe"]["httpGet"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert (probe["path"], ports[probe["port"]]) == ("/healthz", 8080)
    assert "readinessProbe" not in container
    parser = argparse.ArgumentParser()
    cmd_operator.add_arguments(parser)
    args = parser.parse_args(container["args"])  # what `toollab operator` receives in the pod
    assert args.liveness == "http://0.0.0.0:8080/healthz"
    assert args.namespace == []  # all namespaces
    assert args.default_service_account == "default"  # a trial naming no account installs nothing
    roles = {r["metadata"]["name"] for r in by_kind("ClusterRole")}
    assert args.tenant_role in roles


def test_resources_are_bounded(container: dict[str, Any]) -> None:
    assert set(container["resources"]["requests"]) == {"cpu", "memory"}
    assert "memory" in container["resources"]["limits"]


def test_image_is_set_by_the_kustomization(container: dict[str, Any]) -> None:
    name = container["image"].split(":")[0]
    assert {"name": name, "newTag": "dev"} in kustomization(MANIFESTS)["images"]


def test_operator_role_is_least_privilege() -> None:
    roles = {r["metadata"]["name"]: r for r in by_kind("ClusterRole")}
    rules = roles["toollab-operator"]["rules"]
    granted = {
        (g, r, v)
        for rule in rules
        for g in rule["apiGroups"]
        for r in rule["resources"]
        for v in rule["verbs"]
    }
    for rule in rules:
        assert "*" not in rule["verbs"] + rule["resources"] + rule["apiGroups"], rule
    assert ("", "serviceaccounts", "impersonate") in granted
    assert ("toollab.dev", "tooltrials/status", "patch") in granted
    assert ("", "namespaces", "create") in granted
    assert ("", "namespaces", "patch") not in granted  # it creates namespaces, never changes one
    resources = {r for _, r, _ in granted}
    assert not resources & {"secrets", "configmaps", "deployments", "pods", "users", "groups"}
    # `bind` only for the tenant role, so the operator can hand out nothing else
    (bind,) = [rule for rule in rules if "bind" in rule["verbs"]]
    assert (bind["resources"], bind["resourceNames"], bind["verbs"]) == (
        ["clusterroles"],
        ["toollab-tenant"],
        ["bind"],
    )
    assert not any("escalate" in rule["verbs"] for rule in rules)


def test_the_tenant_role_is_aggregated_and_namespaced() -> None:
    roles = {r["metadata"]["name"]: r for r in by_kind("ClusterRole")}
    label = {"toollab.dev/aggregate-to-tenant": "true"}
    assert roles["toollab-tenant"]["aggregationRule"]["clusterRoleSelectors"] == [{"matchLabels": label}]
    assert "rules" not in roles["toollab-tenant"]  # the aggregation controller owns them
    (base,) = [r for r in roles.values() if r["metadata"].get("labels") == label]
    namespaced_only = {
        "namespaces",
        "nodes",
        "clusterroles",
        "clusterrolebindings",
        "customresourcedefinitions",
    }
    for rule in base["rules"]:
        assert "*" not in rule["verbs"] + rule["resources"] + rule["apiGroups"], rule
        assert not set(rule["resources"]) & namespaced_only, rule


def test_only_the_operator_is_bound_cluster_wide_and_everyone_reads_the_catalog() -> None:
    bindings = {b["metadata"]["name"]: b for b in by_kind("ClusterRoleBinding")}
    assert sorted(bindings) == ["toollab-catalog-reader", "toollab-operator"]
    assert bindings["toollab-operator"]["subjects"] == [
        {"kind": "ServiceAccount", "name": "toollab-operator", "namespace": "toollab-system"}
    ]
    roles = {r["metadata"]["name"]: r for r in by_kind("ClusterRole")}
    assert roles["toollab-catalog-reader"]["rules"] == [
        {"apiGroups": ["toollab.dev"], "resources": ["toolprofiles"], "verbs": ["get", "list", "watch"]}
    ]
    assert bindings["toollab-catalog-reader"]["roleRef"]["name"] == "toollab-catalog-reader"


def test_tenant_example_grants_only_namespaced_rights() -> None:
    tenant = MANIFESTS / "tenant-example"
    assert not by_kind("ClusterRole", tenant) and not by_kind("ClusterRoleBinding", tenant)
    (account,) = by_kind("ServiceAccount", tenant)
    for binding in by_kind("RoleBinding", tenant):
        (subject,) = binding["subjects"]
        assert (subject["name"], subject["namespace"]) == (
            account["metadata"]["name"],
            account["metadata"]["namespace"],
        )
    for role in by_kind("Role", tenant):
        for rule in role["rules"]:
            assert "*" not in rule["verbs"] + rule["resources"], rule
    trial = documents(tenant / "tooltrial.yaml")[0]
    assert trial["spec"]["serviceAccountName"] == account["metadata"]["name"]
    target = trial["spec"]["target"]["namespace"]
    assert target in {b["metadata"]["namespace"] for b in by_kind("RoleBinding", tenant)}


def test_cluster_tools_are_opt_in_and_say_what_they_cost() -> None:
    tenant = MANIFESTS / "tenant-example"
    assert "cluster-tools.yaml" not in kustomization(tenant)["resources"]
    text = (tenant / "cluster-tools.yaml").read_text()
    assert "cluster-admin" in text and "escalate" in text  # the warning
    (binding,) = [d for d in documents(tenant / "cluster-tools.yaml") if d["kind"] == "ClusterRoleBinding"]
    (account,) = by_kind("ServiceAccount", tenant)
    assert binding["subjects"][0]["name"] == account["metadata"]["name"]


def test_the_shard_example_is_the_operator_deployment_for_one_shard(deployment: dict[str, Any]) -> None:
    (shard,) = documents(MANIFESTS / "sharding-example" / "deployment-shard-a.yaml")
    pod = shard["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    parser = argparse.ArgumentParser()
    cmd_operator.add_arguments(parser)
    assert parser.parse_args(container["args"]).shard == "a"
    assert shard["spec"]["selector"]["matchLabels"]["toollab.dev/shard"] == "a"
    assert pod["metadata"]["labels"]["toollab.dev/shard"] == "a"  # never selects the main operator's pods
    main = deployment["spec"]["template"]["spec"]
    (main_container,) = main["containers"]
    same = {k: v for k, v in container.items() if k not in {"args", "image"}}
    assert same == {k: v for k, v in main_container.items() if k not in {"args", "image"}}
    assert container["args"] == [*main_container["args"], "--shard=a"]
    assert shard["spec"]["replicas"] == deployment["spec"]["replicas"]
