"""The operator's Prometheus metrics (`/metrics`), named the way Flux and Argo CD name theirs.

The only module that imports `prometheus_client`. Counters and histograms are recorded by the
engine; gauges (trials by phase, queue depths, passes in flight, leadership) are read from the
engine when scraped. What a pass did is read from the trial before and after it (pure).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from prometheus_client import REGISTRY, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from toollab import errors
from toollab.model import status

PREFIX = "toollab"
# Seconds: from a status write (milliseconds) to a slow helm install (minutes).
BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)

RECONCILE_SECONDS = Histogram(
    f"{PREFIX}_reconcile_duration_seconds",
    "Time one reconcile pass took, by what it did (like gotk_reconcile_duration_seconds).",
    ["action"],
    buckets=BUCKETS,
)
QUEUE_WAIT_SECONDS = Histogram(
    f"{PREFIX}_queue_wait_seconds",
    "Time a trial waited for a slot (like workqueue_queue_duration_seconds).",
    ["queue"],
    buckets=BUCKETS,
)
INSTALL_SECONDS = Histogram(
    f"{PREFIX}_install_duration_seconds",
    "Time an install took (helm or manifests), by result.",
    ["method", "result"],
    buckets=BUCKETS,
)
STEP_SECONDS = Histogram(
    f"{PREFIX}_step_duration_seconds",
    "Time a step took from its first attempt to its end, by result.",
    ["result"],
    buckets=BUCKETS,
)
VERDICTS = Counter(
    f"{PREFIX}_verdicts", "Runs that reached a verdict, by result and reason.", ["result", "reason"]
)
API_REQUESTS = Counter(
    f"{PREFIX}_api_requests", "Requests to the Kubernetes API, by verb and status code.", ["verb", "code"]
)
API_ERRORS = Counter(f"{PREFIX}_api_errors", "Failed Kubernetes API requests, by reason.", ["reason"])


@dataclass(frozen=True)
class Snapshot:
    """What the engine holds when scraped."""

    phases: Mapping[tuple[str, str], int]  # (namespace, phase) -> trials
    queued: Mapping[str, int]  # queue -> trials waiting
    in_flight: int
    leader: bool


class EngineCollector(Collector):
    """Gauges read from the engine at each scrape (`source`: set by the engine that runs)."""

    def __init__(self) -> None:
        self.source: Callable[[], Snapshot] | None = None

    def collect(self) -> Iterable[GaugeMetricFamily]:
        if self.source is None:
            return
        snapshot = self.source()
        trials = GaugeMetricFamily(
            f"{PREFIX}_trials",
            "Trials this operator handles, by namespace and phase.",
            labels=["namespace", "phase"],
        )
        for (namespace, phase), count in sorted(snapshot.phases.items()):
            trials.add_metric([namespace, phase], count)
        depth = GaugeMetricFamily(
            f"{PREFIX}_queue_depth", "Trials waiting for a slot (like workqueue_depth).", labels=["queue"]
        )
        for queue, count in sorted(snapshot.queued.items()):
            depth.add_metric([queue], count)
        yield trials
        yield depth
        yield GaugeMetricFamily(
            f"{PREFIX}_passes_in_flight", "Reconcile passes running now.", snapshot.in_flight
        )
        yield GaugeMetricFamily(
            f"{PREFIX}_leader", "1 when this replica holds the leader lease and acts.", int(snapshot.leader)
        )


ENGINE = EngineCollector()
REGISTRY.register(ENGINE)


_SERVED: set[str] = set()


def serve(address: str) -> None:
    """Serve /metrics on HOST:PORT (a thread of its own; once per process and address)."""
    if address in _SERVED:
        return
    host, _, port = address.rpartition(":")
    start_http_server(int(port), addr=host or "0.0.0.0")
    _SERVED.add(address)


def count_request(verb: str, code: int, error: errors.ClusterError | None) -> None:
    """A KubeCluster request observer."""
    API_REQUESTS.labels(verb, str(code)).inc()
    if error is not None:
        API_ERRORS.labels(error.reason).inc()


def record_pass(
    action: str, seconds: float, *, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> None:
    """One finished pass: its duration, and what changed in the trial (install, steps, verdict)."""
    RECONCILE_SECONDS.labels(action).observe(seconds)
    old = status.TrialStatus.from_raw((before or {}).get("status"))
    new = status.TrialStatus.from_raw((after or {}).get("status")) if after is not None else old
    if action == "install":
        installed = new.install is not None and new.install != old.install
        result = "succeeded" if installed else ("failed" if new.phase is status.Phase.ERROR else "retried")
        INSTALL_SECONDS.labels(_method(after or before or {}), result).observe(seconds)
    for was, now in zip(old.steps, new.steps, strict=False):
        if was.name == now.name and was.phase is not now.phase and now.phase in _STEP_ENDS:
            STEP_SECONDS.labels(str(now.phase)).observe(now.seconds)
    if (
        new.finished_at is not None
        and new.finished_at != old.finished_at
        and new.phase in status.VERDICT_PHASES
    ):
        ready = new.condition(status.ConditionType.READY)
        VERDICTS.labels(str(new.result), ready.reason if ready else "").inc()


def _method(body: Mapping[str, Any]) -> str:
    tool = (body.get("spec") or {}).get("tool") or {}
    return next((m for m in ("helm", "manifests") if m in tool), "unknown")


_STEP_ENDS = frozenset({status.StepPhase.PASSED, status.StepPhase.FAILED})

__all__ = ["ENGINE", "Snapshot", "count_request", "record_pass", "serve"]
