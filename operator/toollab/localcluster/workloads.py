"""Fake Nodes for kwok and the readiness checks that make a fresh cluster usable.

Talks to the API server only through `rest.RestClient`; standard library only.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from toollab.localcluster import rest

SMOKE_NAMESPACE = "toollab-smoke"


def node_body(name: str) -> dict[str, Any]:
    """A kwok-managed Node with a loopback address and realistic capacity; no taint."""
    # ephemeral-storage too: charts request it (Bitnami-style resource presets, Contour's certgen)
    capacity = {"cpu": "32", "memory": "256Gi", "pods": "110", "ephemeral-storage": "100Gi"}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "annotations": {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
            "labels": {
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/os": "linux",
                "kubernetes.io/hostname": name,
                "kubernetes.io/role": "agent",
                "node-role.kubernetes.io/agent": "",
                "type": "kwok",
            },
        },
        "status": {
            "addresses": [{"type": "InternalIP", "address": "127.0.0.1"}],
            "allocatable": capacity,
            "capacity": capacity,
        },
    }


def create_nodes(client: rest.RestClient, count: int) -> None:
    """Create kwok-node-0..N-1 (an existing one is fine)."""
    for i in range(count):
        status, body = client.request("POST", "/api/v1/nodes", node_body(f"kwok-node-{i}"))
        if status not in (201, 409):
            raise RuntimeError(f"creating node kwok-node-{i} failed: HTTP {status}: {body}")


def ready_nodes(client: rest.RestClient) -> int:
    """How many Nodes report Ready=True."""
    status, body = client.request("GET", "/api/v1/nodes")
    if status != 200:
        return 0
    return sum(
        1
        for node in body.get("items", [])
        if any(
            c.get("type") == "Ready" and c.get("status") == "True"
            for c in node.get("status", {}).get("conditions", [])
        )
    )


def smoke_deployment() -> dict[str, Any]:
    """A 2-replica Deployment whose pods kwok marks Running."""
    labels = {"app": "smoke"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "smoke", "namespace": SMOKE_NAMESPACE},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "app", "image": "registry.invalid/smoke:1"}]},
            },
        },
    }


def running_smoke_pods(client: rest.RestClient) -> int:
    """Pods of the smoke Deployment in phase Running."""
    status, body = client.request(
        "GET", f"/api/v1/namespaces/{SMOKE_NAMESPACE}/pods?labelSelector=app%3Dsmoke"
    )
    if status != 200:
        return 0
    return sum(1 for pod in body.get("items", []) if pod.get("status", {}).get("phase") == "Running")


Waiter = Callable[..., float]


def wait_ready(client: rest.RestClient, *, run: Path, nodes: int, waiter: Waiter) -> None:
    """The control plane's leases, Ready nodes, then a Deployment whose pods run."""
    for what, path, component in control_plane_checks():
        waiter(what, lambda path=path: client.ok(path), run=run, component=component, timeout=120)
    waiter(
        f"{nodes} Ready nodes", lambda: ready_nodes(client) >= nodes, run=run, component="kwok", timeout=120
    )
    run_smoke_deployment(client, run=run, waiter=waiter)


def control_plane_checks() -> list[tuple[str, str, str]]:
    """(what, path that must answer 200, component to blame) for each start-up check."""
    lease = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/"
    return [
        ("the controller-manager lease", lease + "kube-controller-manager", "kube-controller-manager"),
        ("the scheduler lease", lease + "kube-scheduler", "kube-scheduler"),
        (
            "the default ServiceAccount",
            "/api/v1/namespaces/default/serviceaccounts/default",
            "kube-controller-manager",
        ),
    ]


def run_smoke_deployment(client: rest.RestClient, *, run: Path, waiter: Waiter) -> None:
    """A 2-replica Deployment in a scratch namespace must get Running pods; then it goes."""
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": SMOKE_NAMESPACE}}
    client.request("POST", "/api/v1/namespaces", namespace)
    account = f"/api/v1/namespaces/{SMOKE_NAMESPACE}/serviceaccounts/default"
    waiter(
        "the smoke namespace's ServiceAccount",
        lambda: client.ok(account),
        run=run,
        component="kube-controller-manager",
        timeout=60,
    )
    client.request("POST", f"/apis/apps/v1/namespaces/{SMOKE_NAMESPACE}/deployments", smoke_deployment())
    waiter(
        "a Deployment's pods to run",
        lambda: running_smoke_pods(client) >= 2,
        run=run,
        component="kwok",
        timeout=60,
    )
    client.request("DELETE", f"/api/v1/namespaces/{SMOKE_NAMESPACE}")
