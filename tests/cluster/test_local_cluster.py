"""The local control plane behaves like a real cluster: nodes, version, workloads, deletion."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from toollab.localcluster import pins, state


def wait(check: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"condition not met within {timeout}s")


def test_three_ready_nodes_and_a_v136_server(kube: Any) -> None:
    nodes = kube.list("v1", "Node", namespace=None)
    ready = [
        n
        for n in nodes
        if any(c["type"] == "Ready" and c["status"] == "True" for c in n["status"]["conditions"])
    ]
    assert len(ready) >= 3
    assert kube.server_version() == f"v{pins.KUBERNETES}"


def test_a_two_replica_deployment_becomes_available(kube: Any, namespace: str) -> None:
    labels = {"app": "web"}
    kube.apply(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web"},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": labels},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {"containers": [{"name": "web", "image": "nginx:1"}]},
                },
            },
        },
        namespace=namespace,
    )

    def available() -> bool:
        d = kube.get("apps/v1", "Deployment", name="web", namespace=namespace)
        return bool(d and d.get("status", {}).get("availableReplicas") == 2)

    wait(available, timeout=30)


def test_a_job_completes(kube: Any, namespace: str) -> None:
    kube.apply(
        {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {"name": "once"},
            "spec": {
                "template": {
                    "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}
                }
            },
        },
        namespace=namespace,
    )

    def complete() -> bool:
        job = kube.get("batch/v1", "Job", name="once", namespace=namespace)
        return any(
            c["type"] == "Complete" and c["status"] == "True"
            for c in (job or {}).get("status", {}).get("conditions", [])
        )

    wait(complete, timeout=60)


def test_a_deleted_namespace_with_pods_finishes_deleting(kube: Any, namespace: str) -> None:
    kube.apply(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c", "image": "busybox"}]},
        },
        namespace=namespace,
    )
    wait(
        lambda: (
            (kube.get("v1", "Pod", name="p", namespace=namespace) or {}).get("status", {}).get("phase")
            == "Running"
        )
    )
    kube.delete("v1", "Namespace", name=namespace, namespace=None)
    wait(lambda: kube.get("v1", "Namespace", name=namespace, namespace=None) is None, timeout=60)


def test_every_listener_is_on_loopback(kubeconfig: str) -> None:
    record = state.read_record(Path(kubeconfig).parent)
    assert record is not None
    pids = {p.read_text().strip() for p in (record.run / "pids").glob("*.pid")}
    inodes = set()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            target = str(fd.readlink()) if fd.is_symlink() else ""
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    listeners = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A = LISTEN
                listeners.append(fields[1])
    assert listeners, "expected the API server and etcd to listen"
    loopback = {"0100007F", "00000000000000000000000001000000"}
    assert all(addr.split(":")[0] in loopback for addr in listeners), listeners
