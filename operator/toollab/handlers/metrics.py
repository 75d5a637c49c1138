"""Prometheus metrics for what the lab learns over time: regressions between runs.

The only module that imports `prometheus_client`. `toollab_trial_regressed` is 1 for a trial
whose latest run Failed right after a Passed one (a Regressed event) and 0 once it passes again,
so an Alertmanager rule like `toollab_trial_regressed == 1` tells the team;
`toollab_regressions_total` counts them. Served with `toollab operator --metrics-port PORT`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from prometheus_client import Counter, Gauge, start_http_server

from toollab.runner import reconcile, verdicts

REGRESSED = Gauge(
    "toollab_trial_regressed",
    "1 when the trial's latest run Failed right after a Passed run; 0 once it passes again.",
    ["namespace", "name"],
)
REGRESSIONS = Counter(
    "toollab_regressions",
    "Runs that Failed right after a Passed run (Regressed events).",
    ["namespace", "name"],
)
PASSED_REASON = "TrialPassed"


def observe(namespace: str, name: str, events: Iterable[reconcile.Event]) -> None:
    """Update the regression metrics from the events a pass posted on one trial."""
    for event in events:
        if event.reason == verdicts.REGRESSED:
            REGRESSED.labels(namespace, name).set(1)
            REGRESSIONS.labels(namespace, name).inc()
        elif event.reason == PASSED_REASON:
            REGRESSED.labels(namespace, name).set(0)


def forget(namespace: str, name: str) -> None:
    """A deleted trial's series go (a scrape must not alert on a trial that no longer exists)."""
    for metric in (REGRESSED, REGRESSIONS):
        with contextlib.suppress(KeyError):
            metric.remove(namespace, name)


def serve(port: int, *, address: str = "0.0.0.0") -> None:  # a pod's metrics port
    """Serve /metrics on `port` (a background thread)."""
    start_http_server(port, addr=address)
