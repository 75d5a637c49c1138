"""The operator at lab scale: create-to-verdict, quick trials behind slow ones, idle cost, restart.

Starts `toollab operator` in a subprocess watching this run's namespaces (`bench-XXXXXX-*`) and
prints figures; asserts nothing (`make bench`). Scenarios, in order:

1. 1, 50, 500 and 1,000 trials whose checks already hold, created at once: create-to-verdict
   p50/p99 (client clock: just before each create to the watch event that shows the verdict),
   the operator's peak RSS (VmHWM) and peak thread count, and API requests per trial (the API
   server's own counter, minus this benchmark's requests, node heartbeats and leases).
2. 20 quick trials created behind 100 trials whose step waits 60 s for a signal.
3. The idle cost of the 1,000 finished trials: operator CPU seconds and API requests per minute.
4. A restart with the 1,000 finished trials: time until the new operator is idle, and how many
   trials it touched (any status write changes a trial's resourceVersion).

Uses $KUBECONFIG, else the local cluster's `.run/kubeconfig`.
Run: python bench/bench_operator.py [SIZES...]  (default: 1 50 500 1000; the largest is kept for 3-4)
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

try:
    import toollab  # noqa: F401  # installed (make dev)
except ImportError:  # a plain checkout: the source root is operator/
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "operator"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import operator_harness as h
import yaml

from toollab.cluster import kube

TIMEOUT = 600.0  # seconds for every trial of a scenario to reach its verdict
SLOW, QUICK_BEHIND, SIGNAL_AFTER = 100, 20, 60.0
IDLE_WINDOW = 60.0


def config_map(name: str, data: dict[str, str]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}


def build_trial(name: str, namespace: str, *, waits_for: dict[str, Any] | None = None) -> dict[str, Any]:
    """A manifests trial installing one ConfigMap into `namespace` and asserting it (holds at once),
    or asserting `waits_for` (holds once the benchmark creates it)."""
    own = config_map(name, {"k": name})
    check = waits_for or own
    return {
        "apiVersion": h.API_VERSION,
        "kind": h.KIND,
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "tool": {"name": "bench", "manifests": {"inline": [own]}},
            "target": {"namespace": namespace, "createNamespace": False},
            "steps": [{"name": "present", "assert": [check], "timeout": "300s"}],
            "cleanup": {"policy": "Retain"},
        },
    }


class Bench:
    """One benchmark run: its namespaces, the operator, and the counters."""

    def __init__(self, kubeconfig: str) -> None:
        self.kubeconfig = kubeconfig
        self.cluster = kube.KubeCluster.from_kubeconfig(kubeconfig)
        self.client = h.Client(self.cluster)
        self.api = h.ApiServerRequests(kubeconfig)
        self.prefix = f"bench-{secrets.token_hex(3)}"
        self.log = Path(tempfile.mkdtemp(prefix="toollab-bench.")) / "operator.log"
        self.namespaces: list[str] = []
        self.operator = self.start_operator()

    def start_operator(self) -> h.Operator:
        return h.Operator(["--namespace", f"{self.prefix}-*"], kubeconfig=self.kubeconfig, log=self.log)

    def namespace(self, what: str) -> str:
        name = f"{self.prefix}-{len(self.namespaces)}-{what}"
        body = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
        self.cluster.apply(body, namespace=None)
        self.namespaces.append(name)
        return name

    def create(self, names: list[str], namespace: str, **kwargs: Any) -> dict[str, float]:
        created = {}
        for name in names:
            created[name] = time.monotonic()
            self.client.create(build_trial(name, namespace, **kwargs))
        return created

    def burst(self, count: int, *, warm_up: bool = False) -> None:
        """Scenario 1: `count` quick trials at once (a warm-up includes the operator's start)."""
        namespace = self.namespace(f"n{count}")
        self.operator.sampler.reset()
        api_before, own_before = self.api.total(), self.client.requests
        poller = h.Poller(self.client, namespace)
        created = self.create([f"t-{i:04d}" for i in range(count)], namespace)
        h.wait(lambda: len(poller.verdict_at) >= count, what=f"{count} verdicts", timeout=TIMEOUT)
        poller.close()
        time.sleep(2.0)  # events and the last writes settle
        requests = self.api.total() - api_before - (self.client.requests - own_before)
        latencies = [poller.verdict_at[n] - created[n] for n in created]
        phases = {b["status"]["phase"] for b in poller.bodies.values()}
        what = "warm-up, 1 trial" if warm_up else f"{count:>5} trials at once"
        print(
            f"operator: {what}: create-to-verdict p50 {h.percentile(latencies, 50):.2f}s"
            f" p99 {h.percentile(latencies, 99):.2f}s, all {'/'.join(sorted(phases))};"
            f" {requests / count:.1f} API requests per trial;"
            f" peak {self.operator.sampler.peak_threads()} threads,"
            f" peak RSS {self.operator.sampler.peak_rss_mib():.0f} MiB"
        )

    def behind_slow(self) -> None:
        """Scenario 2: quick trials created while 100 trials wait for a signal (created after 60 s)."""
        namespace = self.namespace("slow")
        signal = config_map("go", {"ready": "yes"})
        poller = h.Poller(self.client, namespace)
        slow = self.create([f"slow-{i:03d}" for i in range(SLOW)], namespace, waits_for=signal)
        timer = threading.Timer(SIGNAL_AFTER, lambda: self.cluster.apply(signal, namespace=namespace))
        timer.start()
        deadline = time.monotonic() + 20.0  # an operator with fewer workers than trials gets stuck here
        while self.waiting(namespace) < SLOW and time.monotonic() < deadline:
            time.sleep(0.5)
        quick = self.create([f"quick-{i:02d}" for i in range(QUICK_BEHIND)], namespace)
        everything = set(quick) | set(slow)
        h.wait(lambda: everything <= set(poller.verdict_at), what="verdicts", timeout=TIMEOUT)
        timer.join()
        poller.close()
        quick_s = [poller.verdict_at[n] - quick[n] for n in quick]
        slow_s = [poller.verdict_at[n] - slow[n] for n in slow]
        print(
            f"operator: {QUICK_BEHIND} quick trials behind {SLOW} waiting ones: create-to-verdict"
            f" p50 {h.percentile(quick_s, 50):.2f}s p99 {h.percentile(quick_s, 99):.2f}s"
            f" (the waiting ones: p50 {h.percentile(slow_s, 50):.1f}s, signal at {SIGNAL_AFTER:.0f}s)"
        )

    def waiting(self, namespace: str) -> int:
        """Trials of `namespace` whose step has been attempted at least once."""
        return sum(
            1
            for b in self.client.trials(namespace)
            if any(s.get("attempts", 0) >= 1 for s in (b.get("status") or {}).get("steps") or [])
        )

    def idle(self, count: int) -> None:
        """Scenario 3: what `count` finished trials cost while nothing happens (once the operator's
        trailing work, mostly the burst's events, is done)."""
        settled = self.settle()
        cpu, api, own = h.cpu_seconds(self.operator.pid), self.api.total(), self.operator.scrape()
        time.sleep(IDLE_WINDOW)
        cpu = h.cpu_seconds(self.operator.pid) - cpu
        api = self.api.total() - api
        mine = self.operator.scrape().get("toollab_api_requests_total", 0.0) - own.get(
            "toollab_api_requests_total", 0.0
        )
        per_minute = 60.0 / IDLE_WINDOW
        print(
            f"operator: idle with {count} finished trials ({settled}): {cpu * per_minute:.2f} CPU s/min;"
            f" API server saw {api * per_minute:.0f} requests/min (all clients, leases and nodes aside);"
            f" the operator's own client made {mine * per_minute:.0f} requests/min (leader lease included)"
        )

    def settle(self, limit: float = 600.0) -> str:
        """Wait until the operator makes under one request per second (it posts a burst's events
        after the verdicts); says how long that took."""
        started = time.monotonic()
        if not self.operator.metrics_url:
            time.sleep(5.0)
            return "after 5 s"
        last = self.operator.scrape().get("toollab_api_requests_total", 0.0)
        while time.monotonic() - started < limit:
            time.sleep(5.0)
            now = self.operator.scrape().get("toollab_api_requests_total", 0.0)
            if now - last < 5.0:
                return f"its last writes and events done {time.monotonic() - started:.0f}s after the verdicts"
            last = now
        return f"still busy {limit:.0f}s after the verdicts"

    def restart(self, count: int) -> None:
        """Scenario 4: stop the operator, start a new one, time until it is idle again."""
        before = {b["metadata"]["name"]: b["metadata"]["resourceVersion"] for b in self.all_trials()}
        self.operator.stop()
        self.operator = self.start_operator()
        idle_after = self.wait_idle(count)
        time.sleep(10.0)
        after = {b["metadata"]["name"]: b["metadata"]["resourceVersion"] for b in self.all_trials()}
        touched = sum(1 for name, version in before.items() if after.get(name) != version)
        scraped = self.operator.scrape()
        passes = scraped.get("toollab_reconcile_duration_seconds_count", 0.0)
        ran = f", {passes:.0f} reconcile passes run" if scraped else ""
        print(
            f"operator: restart with {count} finished trials: idle {idle_after:.1f}s after start;"
            f" {touched} trials touched{ran}"
        )

    def wait_idle(self, count: int) -> float:
        """Seconds from the operator's start until it knows every trial and works on none (per its
        metrics), or, without metrics, until it used under 3% of a core for 2 s in a row."""
        operator = self.operator
        if operator.metrics_url:

            def settled() -> bool:
                m = operator.scrape()
                return m.get("toollab_trials", 0) >= count and m.get("toollab_passes_in_flight", 1) == 0

            h.wait(settled, what="idle operator", timeout=TIMEOUT, poll=0.2)
            return time.monotonic() - operator.started
        quiet_since, last = None, h.cpu_seconds(operator.pid)
        while True:
            time.sleep(0.5)
            now = h.cpu_seconds(operator.pid)
            busy, last = (now - last) / 0.5 > 0.03, now
            if busy or time.monotonic() - operator.started < 3.0:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic() - 0.5
            elif time.monotonic() - quiet_since >= 2.0:
                return quiet_since - operator.started

    def all_trials(self) -> list[dict[str, Any]]:
        return [b for ns in self.namespaces for b in self.client.trials(ns)]

    def clean_up(self) -> None:
        """Delete every trial (the operator releases them), then the namespaces."""
        started = time.monotonic()
        trials = self.all_trials()
        for body in trials:
            self.client.delete_trial(body["metadata"]["name"], body["metadata"]["namespace"])
        h.wait(lambda: not self.all_trials(), what="trials deleted", timeout=TIMEOUT, poll=1.0)
        print(f"operator: deleting {len(trials)} trials took {time.monotonic() - started:.1f}s")
        self.operator.stop()
        for namespace in self.namespaces:
            self.cluster.delete("v1", "Namespace", name=namespace, namespace=None)


def apply_crds(cluster: kube.KubeCluster) -> None:
    """The ToolTrial CRD, applied and Established."""
    for path in sorted((h.REPO / "crds").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                cluster.apply(doc, namespace=None)
                name = doc["metadata"]["name"]
                h.wait(lambda: _established(cluster, name), what="the CRD", timeout=30)  # noqa: B023


def _established(cluster: kube.KubeCluster, name: str) -> bool:
    crd = cluster.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", name=name, namespace=None) or {}
    conditions = (crd.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Established" and c.get("status") == "True" for c in conditions)


def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or [1, 50, 500, 1000]
    kubeconfig = os.environ.get("KUBECONFIG") or str(h.REPO / ".run" / "kubeconfig")
    bench = Bench(kubeconfig)
    apply_crds(bench.cluster)
    try:
        bench.burst(1, warm_up=True)  # the operator's start, discovery and first client
        for size in sizes[:-1]:
            bench.burst(size)
        bench.behind_slow()
        bench.burst(sizes[-1])
        bench.idle(sizes[-1])
        bench.restart(sizes[-1])
        bench.clean_up()
        print(f"operator: log in {bench.log}")
    finally:
        bench.operator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
