"""The operator under load: 50 manifests trials whose assertions already hold, applied at once.

Starts `toollab operator` in a subprocess for a fresh namespace, creates the trials, and polls
their list every 0.1 s. Prints create-to-Passed p50/p99 (client clock: just before each create
to the first poll that sees Passed), the operator's own time per run (p50 of finishedAt -
startedAt), and the operator process's peak RSS (VmHWM). Asserts nothing (`make bench`).
Uses $KUBECONFIG, else the local cluster's `.run/kubeconfig`. Run: python bench/bench_operator.py [N]
"""

from __future__ import annotations

import datetime
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

try:
    import toollab  # noqa: F401  # installed (make dev)
except ImportError:  # a plain checkout: the source root is operator/
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "operator"))

import yaml

from toollab.cluster import kube

REPO = Path(__file__).resolve().parents[1]
API_VERSION = "toollab.dev/v1alpha1"
KIND = "ToolTrial"
POLL = 0.1  # seconds between list calls
TIMEOUT = 180.0  # seconds for every trial to pass


def build_trial(name: str, namespace: str) -> dict[str, Any]:
    """A manifests trial installing one ConfigMap into `namespace` and asserting it: holds at once."""
    config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": name}}
    return {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "tool": {"name": "bench", "manifests": {"inline": [config_map]}},
            "target": {"namespace": namespace, "createNamespace": False},
            "steps": [{"name": "present", "assert": [config_map]}],
            "cleanup": {"policy": "Retain"},
        },
    }


def apply_crds(cluster: kube.KubeCluster) -> None:
    """The ToolTrial CRD, applied and Established."""
    for path in sorted((REPO / "crds").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                cluster.apply(doc, namespace=None)
                name = doc["metadata"]["name"]
                wait(lambda: _established(cluster, name), what="the CRD", timeout=30)  # noqa: B023  # called at once


def _established(cluster: kube.KubeCluster, name: str) -> bool:
    crd = cluster.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", name=name, namespace=None) or {}
    conditions = (crd.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Established" and c.get("status") == "True" for c in conditions)


def wait(check: Callable[[], Any], *, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: {what} not reached within {timeout:.0f}s")
        time.sleep(POLL)


def start_operator(namespace: str, kubeconfig: str, log: Path) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "toollab.cli.main", "operator", "--namespace", namespace]
    with log.open("wb") as out:
        return subprocess.Popen(
            argv, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "KUBECONFIG": kubeconfig}
        )


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(pid: int) -> float:
    """VmHWM of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Watcher:
    """Lists the namespace's trials every POLL seconds; records when each is first seen Passed."""

    def __init__(self, cluster: kube.KubeCluster, namespace: str) -> None:
        self.cluster, self.namespace = cluster, namespace
        self.passed_at: dict[str, float] = {}
        self.bodies: dict[str, dict[str, Any]] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            for body in self.cluster.list(API_VERSION, KIND, namespace=self.namespace):
                name = body["metadata"]["name"]
                if (body.get("status") or {}).get("phase") == "Passed" and name not in self.passed_at:
                    self.passed_at[name] = time.monotonic()
                    self.bodies[name] = body
            self.stop.wait(POLL)


def run_seconds(body: dict[str, Any]) -> float:
    """finishedAt - startedAt of the trial's run: the operator's own time."""
    status = body["status"]
    begin, end = (
        datetime.datetime.fromisoformat(status[k].replace("Z", "+00:00")) for k in ("startedAt", "finishedAt")
    )
    return (end - begin).total_seconds()


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def measure(cluster: kube.KubeCluster, namespace: str, count: int) -> tuple[dict[str, float], Watcher]:
    """Create `count` trials at once; seconds from each create to the first poll seeing it Passed."""
    watcher = Watcher(cluster, namespace)
    watcher.thread.start()
    created: dict[str, float] = {}
    for index in range(count):
        name = f"bench-{index:03d}"
        created[name] = time.monotonic()
        cluster.create_or_merge(build_trial(name, namespace), namespace=namespace)
    wait(lambda: len(watcher.passed_at) >= count, what=f"{count} trials Passed", timeout=TIMEOUT)
    watcher.stop.set()
    watcher.thread.join()
    return {name: watcher.passed_at[name] - created[name] for name in created}, watcher


def clean_up(cluster: kube.KubeCluster, namespace: str) -> None:
    """Delete every trial (the operator runs their finalizers), then wait until they are gone."""
    for body in cluster.list(API_VERSION, KIND, namespace=namespace):
        cluster.delete(API_VERSION, KIND, name=body["metadata"]["name"], namespace=namespace)
    wait(
        lambda: not cluster.list(API_VERSION, KIND, namespace=namespace),
        what="trials deleted",
        timeout=TIMEOUT,
    )


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    kubeconfig = os.environ.get("KUBECONFIG") or str(REPO / ".run" / "kubeconfig")
    cluster = kube.KubeCluster.from_kubeconfig(kubeconfig)
    apply_crds(cluster)
    namespace = f"bench-{secrets.token_hex(3)}"
    cluster.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}, namespace=None)
    log = Path(tempfile.mkdtemp(prefix="toollab-bench.")) / "operator.log"
    operator = start_operator(namespace, kubeconfig, log)
    try:
        warm_up, _ = measure(cluster, namespace, 1)  # the operator's start, discovery and first client
        clean_up(cluster, namespace)
        alone, alone_watcher = measure(cluster, namespace, 1)
        clean_up(cluster, namespace)
        cpu_before, wall_before = cpu_seconds(operator.pid), time.monotonic()
        latencies, watcher = measure(cluster, namespace, count)
        cpu, wall = cpu_seconds(operator.pid) - cpu_before, time.monotonic() - wall_before
        print(
            f"operator: first trial after start {next(iter(warm_up.values())):.2f}s (start-up, not counted)"
        )
        report(1, alone, alone_watcher)
        report(count, latencies, watcher)
        print(f"operator: {count} trials at once: the operator used {cpu:.1f}s CPU in {wall:.1f}s")
        print(f"operator: peak RSS {peak_rss_mib(operator.pid):.0f} MiB (VmHWM)")
        clean_up(cluster, namespace)
    finally:
        operator.send_signal(signal.SIGTERM)
        try:
            operator.wait(timeout=30)
        except subprocess.TimeoutExpired:
            operator.kill()
        cluster.delete("v1", "Namespace", name=namespace, namespace=None)
    return 0


def report(count: int, latencies: dict[str, float], watcher: Watcher) -> None:
    """create-to-Passed and the operator's own time per run, as p50/p99."""
    values = sorted(latencies.values())
    own = sorted(run_seconds(body) for body in watcher.bodies.values())
    what = "1 trial alone" if count == 1 else f"{count} trials at once"
    p50, p99 = percentile(values, 50), percentile(values, 99)
    own_p50, own_p99 = percentile(own, 50), percentile(own, 99)
    print(f"operator: {what}: create-to-Passed p50 {p50:.2f}s, p99 {p99:.2f}s (poll every {POLL}s)")
    print(
        f"operator: {what}: own time per run (finishedAt - startedAt) p50 {own_p50:.2f}s, p99 {own_p99:.2f}s"
    )


if __name__ == "__main__":
    sys.exit(main())
