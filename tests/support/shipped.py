"""The operator's RBAC as shipped, and a tenant as manifests/tenant-example/ grants one, for tests.

Everything is read from the repository's files (never a copy in the tests): the operator's
ServiceAccount and ClusterRoles from manifests/, the tenant's account and bindings from
manifests/tenant-example/ with its namespaces renamed to the test's. The operator then runs
with a kubeconfig holding a token of its ServiceAccount (TokenRequest API), not the admin's.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
MANIFESTS = REPO / "manifests"
TENANT = MANIFESTS / "tenant-example"
OPERATOR_FILES = ("namespace.yaml", "serviceaccount.yaml", "rbac.yaml")
OPERATOR_NAMESPACE = "toollab-system"
OPERATOR_ACCOUNT = "toollab-operator"
TENANT_ACCOUNT = "lab-runner"  # tenant-example's ServiceAccount; trials in tests name it
EXAMPLE_NAMESPACE, EXAMPLE_SANDBOX = "lab", "lab-sandbox"
TOKEN_SECONDS = 6 * 3600
RBAC = "rbac.authorization.k8s.io/v1"


def documents(path: Path) -> list[dict[str, Any]]:
    """The objects of a YAML file."""
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def operator_objects() -> list[dict[str, Any]]:
    """The operator's namespace, ServiceAccount and RBAC, exactly as manifests/ ships them."""
    return [doc for name in OPERATOR_FILES for doc in documents(MANIFESTS / name)]


def deployment_args() -> list[str]:
    """The operator's arguments in manifests/deployment.yaml, minus the liveness and metrics
    endpoints (fixed ports that several operators of one test session would share)."""
    (deployment,) = documents(MANIFESTS / "deployment.yaml")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return [a for a in container.get("args") or [] if not a.startswith(("--liveness", "--metrics-address"))]


def apply_all(kube: Any, objects: Iterable[Mapping[str, Any]]) -> None:
    """Apply objects as the admin (the set-up a cluster admin does once)."""
    for obj in objects:
        kube.apply(obj, namespace=(obj.get("metadata") or {}).get("namespace"))


def wait_aggregated(kube: Any, role: str, *, groups: Iterable[str], timeout: float = 30.0) -> None:
    """Wait until the aggregation controller gave ClusterRole `role` rules of every API group in `groups`."""
    wanted = set(groups)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = kube.get(RBAC, "ClusterRole", name=role, namespace=None) or {}
        have = {g for rule in found.get("rules") or () for g in rule.get("apiGroups") or ()}
        if wanted <= have:
            return
        time.sleep(0.2)
    raise AssertionError(f"ClusterRole {role} never aggregated the rules of {sorted(wanted)}")


def token_for(kube: Any, namespace: str, account: str, *, seconds: int = TOKEN_SECONDS) -> str:
    """A bound token of a ServiceAccount, from the TokenRequest API."""
    path = f"/api/v1/namespaces/{namespace}/serviceaccounts/{account}/token"
    request = {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest"}
    answer = kube.request("POST", path, body={**request, "spec": {"expirationSeconds": seconds}})
    return str(answer["status"]["token"])


def write_token_kubeconfig(admin_kubeconfig: str, token: str, target: Path, *, user: str) -> str:
    """A kubeconfig for the admin's cluster (server, CA) that authenticates with `token` only."""
    admin = yaml.safe_load(Path(admin_kubeconfig).read_text())
    current = next(c for c in admin["contexts"] if c["name"] == admin["current-context"])
    cluster = next(c for c in admin["clusters"] if c["name"] == current["context"]["cluster"])
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": cluster["name"], "cluster": _absolute(cluster["cluster"], admin_kubeconfig)}],
        "users": [{"name": user, "user": {"token": token}}],
        "contexts": [{"name": user, "context": {"cluster": cluster["name"], "user": user}}],
        "current-context": user,
    }
    target.touch(mode=0o600)
    target.write_text(yaml.safe_dump(config))
    return str(target)


def _absolute(cluster: Mapping[str, Any], kubeconfig: str) -> dict[str, Any]:
    copied = dict(cluster)
    authority = copied.get("certificate-authority")
    if authority and not Path(authority).is_absolute():
        copied["certificate-authority"] = str(Path(kubeconfig).parent / authority)
    return copied


def operator_kubeconfig(kube: Any, admin_kubeconfig: str, target: Path) -> str:
    """Apply the shipped operator RBAC; a kubeconfig acting as the toollab-operator ServiceAccount."""
    apply_all(kube, operator_objects())
    token = token_for(kube, OPERATOR_NAMESPACE, OPERATOR_ACCOUNT)
    return write_token_kubeconfig(admin_kubeconfig, token, target, user=OPERATOR_ACCOUNT)


def operator_environment(args: list[str]) -> dict[str, str]:
    """TOOLLAB_* settings that `toollab operator ARGS` would give its handlers (for an in-process run)."""
    from toollab.cli import cmd_operator

    parser = argparse.ArgumentParser()
    cmd_operator.add_arguments(parser)
    return cmd_operator.environment_for(parser.parse_args(args))


# --- the tenant ---------------------------------------------------------------------------------


def _renamed(doc: Mapping[str, Any], namespace: str, sandbox: str | None) -> dict[str, Any]:
    """A tenant-example object moved from `lab` to `namespace` (and `lab-sandbox` to `sandbox`)."""
    names = {EXAMPLE_NAMESPACE: namespace, EXAMPLE_SANDBOX: sandbox}
    text = yaml.safe_dump(dict(doc))
    copied: dict[str, Any] = yaml.safe_load(text)
    meta = copied["metadata"]
    if meta.get("namespace") in names:
        meta["namespace"] = names[meta["namespace"]]
    for subject in copied.get("subjects") or ():
        if subject.get("namespace") in names:
            subject["namespace"] = names[subject["namespace"]]
    if copied["kind"] == "ClusterRoleBinding":
        meta["name"] = f"{meta['name']}-{namespace}"  # one per tenant namespace
    return copied


def tenant_objects(
    namespace: str, *, sandbox: str | None = None, cluster_tools: bool = True
) -> list[dict[str, Any]]:
    """tenant-example's ServiceAccount and bindings for a tenant in `namespace`.

    `sandbox`: also bind the tenant role in that (existing) namespace, as lab-sandbox is.
    `cluster_tools`: also the opt-in cluster-tools.yaml binding (tools with cluster-scoped objects).
    """
    files = ["serviceaccount.yaml", "rbac.yaml", *(["cluster-tools.yaml"] if cluster_tools else [])]
    found = []
    for name in files:
        for doc in documents(TENANT / name):
            if doc["kind"] in ("ClusterRole", "Namespace"):
                continue  # shared: applied once per session (cluster_tools_roles)
            if doc["metadata"].get("namespace") == EXAMPLE_SANDBOX and sandbox is None:
                continue
            found.append(_renamed(doc, namespace, sandbox))
    return found


def tenant_cluster_roles() -> list[dict[str, Any]]:
    """The ClusterRoles of cluster-tools.yaml (the same for every tenant)."""
    return [doc for doc in documents(TENANT / "cluster-tools.yaml") if doc["kind"] == "ClusterRole"]


def remove(kube: Any, objects: Iterable[Mapping[str, Any]]) -> None:
    """Delete objects (the cluster-scoped ones matter: namespaced ones go with their namespace)."""
    for obj in objects:
        meta = obj["metadata"]
        kube.delete(obj["apiVersion"], obj["kind"], name=meta["name"], namespace=meta.get("namespace"))


def leftover_trials(kube: Any, namespace: str) -> Iterator[str]:
    """Names of the ToolTrials still in a namespace."""
    for trial in kube.list("toollab.dev/v1alpha1", "ToolTrial", namespace=namespace):
        yield str(trial["metadata"]["name"])
