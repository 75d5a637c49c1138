"""Issue 8, finding 8: the local cluster survives an API server outage by itself.

These act on this session's own cluster (its run folder): kwok is killed and comes back, and
kube-apiserver is stopped for 30 seconds; kube-controller-manager and kube-scheduler lose their
leader election and exit, the supervisor restarts them, and workloads progress again.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from toollab.localcluster import processes, start, state

REPO = Path(__file__).resolve().parents[2]
OUTAGE_SECONDS = 30.0
RECOVERY_SECONDS = 120.0


def wait_until(check: Callable[[], Any], *, timeout: float) -> float:
    """Seconds until `check()` holds; fails after `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():
            return time.monotonic() - started
        time.sleep(0.5)
    raise AssertionError(f"not within {timeout}s")


def cluster_status() -> str:
    env = dict(os.environ, PYTHONPATH=str(REPO / "operator"))
    done = subprocess.run(
        [sys.executable, "-m", "toollab.localcluster", "status"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip()


def test_a_component_that_exits_is_named_by_status_and_restarted(kubeconfig: str) -> None:
    record = state.read_record(state.state_dir())
    assert record is not None
    pid = processes.pid_of(record.run, "kwok")
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: not processes.is_alive(record.run, "kwok"), timeout=5)
    assert "NOT healthy: down: kwok" in cluster_status() or processes.is_alive(record.run, "kwok")
    took = wait_until(lambda: start.is_healthy(record), timeout=30)
    assert processes.pid_of(record.run, "kwok") != pid
    assert cluster_status().startswith("cluster: healthy")
    print(f"kwok back after {took:.1f}s")


def test_the_control_plane_recovers_from_a_30s_api_server_outage(kubeconfig: str, kube: Any) -> None:
    record = state.read_record(state.state_dir())
    assert record is not None
    run = record.run
    log = run / "logs" / "supervisor.log"
    logged_before = log.read_text().count("\n")
    apiserver = processes.pid_of(run, "kube-apiserver")
    assert apiserver is not None
    os.kill(apiserver, signal.SIGSTOP)
    try:
        time.sleep(OUTAGE_SECONDS)
    finally:
        os.kill(apiserver, signal.SIGCONT)
    took = wait_until(lambda: start.is_healthy(record), timeout=RECOVERY_SECONDS)
    restarted = log.read_text().splitlines()[logged_before:]
    print(f"healthy {took:.1f}s after the outage; supervisor: {restarted}")
    assert any("kube-controller-manager restarted" in line for line in restarted), restarted
    assert any("kube-scheduler restarted" in line for line in restarted), restarted
    # workloads progress: a Deployment gets its pod scheduled and running (kwok)
    namespace = f"sup-{secrets.token_hex(3)}"
    kube.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}, namespace=None)
    try:
        labels = {"app": "after-outage"}
        kube.apply(
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "after-outage", "namespace": namespace},
                "spec": {
                    "replicas": 1,
                    "selector": {"matchLabels": labels},
                    "template": {
                        "metadata": {"labels": labels},
                        "spec": {"containers": [{"name": "c", "image": "registry.example.invalid/x:1"}]},
                    },
                },
            },
            namespace=namespace,
        )

        def running() -> bool:
            pods = kube.list("v1", "Pod", namespace=namespace)
            return any((p.get("status") or {}).get("phase") == "Running" for p in pods)

        wait_until(running, timeout=RECOVERY_SECONDS)
    finally:
        kube.delete("v1", "Namespace", name=namespace, namespace=None)
    assert cluster_status().startswith("cluster: healthy")
