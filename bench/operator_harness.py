"""Helpers for the operator benchmarks: the operator process, what it costs, and what the API server saw.

Measures only (no assertions): /proc figures of the operator process, the API server's own request
counter (`apiserver_request_total`), the operator's `/metrics`, and a poller of trial phases.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib import request as urlrequest

from kubernetes import client as k8s_client
from kubernetes import watch as k8s_watch

from toollab.cluster import kube

REPO = Path(__file__).resolve().parents[1]
API_VERSION = "toollab.dev/v1alpha1"
KIND = "ToolTrial"
POLL = 0.1  # seconds between checks while waiting
VERDICTS = frozenset({"Passed", "Failed", "Error"})
# Requests the API server counts but no operator makes: node heartbeats and leader leases of the
# control plane's own components (ours are counted by the operator's /metrics instead).
NOT_OURS = frozenset({"leases", "nodes"})


def wait(check: Callable[[], Any], *, what: str, timeout: float, poll: float = POLL) -> None:
    """Poll until `check()` is truthy; exit the benchmark with a message after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: {what} not reached within {timeout:.0f}s")
        time.sleep(poll)


def percentile(values: Iterable[float], q: int) -> float:
    data = sorted(values)
    if not data:
        return float("nan")
    return statistics.quantiles(data, n=100, method="inclusive")[q - 1] if len(data) > 1 else data[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Operator:
    """`toollab operator` in a subprocess of its own, with /proc readings and its /metrics."""

    def __init__(self, args: list[str], *, kubeconfig: str, log: Path, metrics: bool = True) -> None:
        argv = [sys.executable, "-m", "toollab.cli.main", "operator", *args]
        self.metrics_url = ""
        if metrics and supports("--metrics-address"):
            port = free_port()
            argv += ["--metrics-address", f"127.0.0.1:{port}"]
            self.metrics_url = f"http://127.0.0.1:{port}/metrics"
        self.started = time.monotonic()
        with log.open("ab") as out:
            self.popen = subprocess.Popen(
                argv, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "KUBECONFIG": kubeconfig}
            )
        self.sampler = Sampler(self.popen.pid)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 30 s."""
        self.sampler.stop.set()
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()

    def scrape(self) -> dict[str, float]:
        """The operator's metrics, summed over labels not asked for ({} without a metrics endpoint)."""
        if not self.metrics_url:
            return {}
        with contextlib.suppress(OSError), urlrequest.urlopen(self.metrics_url, timeout=5) as answer:
            return parse_metrics(answer.read().decode())
        return {}


def supports(flag: str) -> bool:
    """Whether this checkout's `toollab operator` has `flag`."""
    done = subprocess.run(
        [sys.executable, "-m", "toollab.cli.main", "operator", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    return flag in done.stdout


SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)")


def parse_metrics(text: str) -> dict[str, float]:
    """Prometheus text format -> {name or name{labels}: value}, plus each name's sum over its labels."""
    values: dict[str, float] = {}
    for line in text.splitlines():
        match = SAMPLE.match(line)
        if not match or line.startswith("#"):
            continue
        name, labels, value = match.group(1), match.group(2) or "", float(match.group(3))
        values[name + labels] = value
        if labels:
            values[name] = values.get(name, 0.0) + value
    return values


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_status(pid: int, key: str) -> int:
    """A number from /proc/PID/status (VmHWM, VmRSS in KiB; Threads)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


class Sampler:
    """Samples the operator's thread count every 0.2 s; `peak_threads()` since the last reset."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.stop = pid, 0, threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self.stop.wait(0.2):
            self.peak = max(self.peak, proc_status(self.pid, "Threads"))

    def reset(self) -> None:
        self.peak = proc_status(self.pid, "Threads")

    def peak_threads(self) -> int:
        return max(self.peak, proc_status(self.pid, "Threads"))

    def peak_rss_mib(self) -> float:
        return proc_status(self.pid, "VmHWM") / 1024


class ApiServerRequests:
    """The API server's request counter (all clients, minus node heartbeats and leases)."""

    def __init__(self, kubeconfig: str) -> None:
        self.kubeconfig = kubeconfig
        self.kubectl = str(REPO / ".venv" / "bin" / "kubectl")

    def total(self) -> float:
        done = subprocess.run(
            [self.kubectl, "--kubeconfig", self.kubeconfig, "get", "--raw", "/metrics"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        count = 0.0
        for key, value in parse_metrics(done.stdout).items():
            if key.startswith("apiserver_request_total{"):
                resource = re.search(r'resource="([^"]*)"', key)
                if resource and resource.group(1) not in NOT_OURS:
                    count += value
        return count


class Client:
    """The benchmark's own API calls, counted so they can be told apart from the operator's."""

    def __init__(self, cluster: kube.KubeCluster) -> None:
        self.cluster, self.requests = cluster, 0
        self._lock = threading.Lock()

    def _count(self, n: int = 1) -> None:
        with self._lock:
            self.requests += n

    def trials(self, namespace: str) -> list[dict[str, Any]]:
        self._count()
        return self.cluster.list(API_VERSION, KIND, namespace=namespace)

    def create(self, body: dict[str, Any]) -> None:
        self._count()
        self.cluster.create_or_merge(body, namespace=body["metadata"]["namespace"])

    def delete_trial(self, name: str, namespace: str) -> None:
        self._count()
        self.cluster.delete(API_VERSION, KIND, name=name, namespace=namespace)


class Poller:
    """Watches a namespace's trials (one stream, not repeated lists: at 1,000 trials a list every
    0.1 s would load the API server more than the operator does); records when each trial is
    first seen with a verdict."""

    def __init__(self, client: Client, namespace: str) -> None:
        self.client, self.namespace = client, namespace
        self.verdict_at: dict[str, float] = {}
        self.bodies: dict[str, dict[str, Any]] = {}
        self.watch = k8s_watch.Watch()
        self.ready, self.stopped = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.ready.wait(10)

    def _run(self) -> None:
        api = k8s_client.CustomObjectsApi(self.client.cluster.api)
        group, version = API_VERSION.split("/")
        while True:
            self.client._count()
            self.ready.set()
            try:
                for event in self.watch.stream(
                    api.list_namespaced_custom_object,
                    group,
                    version,
                    self.namespace,
                    "tooltrials",
                    timeout_seconds=600,
                ):
                    self._see(event["object"])
            except Exception:  # a dropped stream is opened again  # noqa: BLE001
                time.sleep(0.2)
            if self.stopped.is_set():
                return

    def _see(self, body: dict[str, Any]) -> None:
        name = body["metadata"]["name"]
        if (body.get("status") or {}).get("phase") in VERDICTS and name not in self.verdict_at:
            self.verdict_at[name] = time.monotonic()
            self.bodies[name] = body

    def close(self) -> None:
        self.stopped.set()
        self.watch.stop()
