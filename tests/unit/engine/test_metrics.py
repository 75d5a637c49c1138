"""/metrics: the names the dashboard and ServiceMonitor rely on, and what a pass records."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY, generate_latest

from toollab import errors
from toollab.engine import metrics

REPO = Path(__file__).resolve().parents[3]


def scrape() -> str:
    return generate_latest(REGISTRY).decode()


def value(text: str, sample: str) -> float:
    found = re.search(rf"^{re.escape(sample)} (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def trial(phase: str, **status: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": "t", "namespace": "lab"},
        "spec": {"tool": {"helm": {}}},
        "status": {"phase": phase, **status},
    }


def test_engine_gauges_are_read_at_scrape_time() -> None:
    snapshot = metrics.Snapshot(
        phases={("lab", "Queued"): 3, ("lab", "Passed"): 7}, queued={"install": 3}, in_flight=2, leader=True
    )
    metrics.ENGINE.source = lambda: snapshot
    try:
        text = scrape()
    finally:
        metrics.ENGINE.source = None
    assert value(text, 'toollab_trials{namespace="lab",phase="Queued"}') == 3
    assert value(text, 'toollab_queue_depth{queue="install"}') == 3
    assert value(text, "toollab_passes_in_flight") == 2 and value(text, "toollab_leader") == 1


def test_a_pass_records_its_install_step_and_verdict() -> None:
    before_text = scrape()
    step = {"name": "s", "phase": "Passed", "attempts": 2, "seconds": 1.5}
    verdict = trial("Passed", finishedAt="2026-12-01T12:00:00Z", result="Passed", steps=[step])
    verdict["status"]["conditions"] = [{"type": "Ready", "status": "True", "reason": "Passed"}]
    running = trial("Verifying", steps=[{"name": "s", "phase": "Running", "attempts": 1, "seconds": 0.5}])
    metrics.record_pass("run_step_attempt", 0.2, before=running, after=verdict)
    installed = trial("Verifying", install={"method": "helm", "chart": "c", "objects": 1})
    metrics.record_pass("install", 4.0, before=trial("Installing"), after=installed)
    metrics.record_pass("install", 1.0, before=trial("Installing"), after=trial("Error"))
    text = scrape()

    def grew(sample: str) -> float:
        return value(text, sample) - value(before_text, sample)

    assert grew('toollab_reconcile_duration_seconds_count{action="install"}') == 2
    assert grew('toollab_install_duration_seconds_count{method="helm",result="succeeded"}') == 1
    assert grew('toollab_install_duration_seconds_count{method="helm",result="failed"}') == 1
    # a sum that earlier tests grew too: compared with float tolerance
    assert grew('toollab_step_duration_seconds_sum{result="Passed"}') == pytest.approx(1.5)
    assert grew('toollab_verdicts_total{reason="Passed",result="Passed"}') == 1


def test_api_requests_and_errors_are_counted_by_verb_code_and_reason() -> None:
    before_text = scrape()
    metrics.count_request("PATCH", 200, None)
    metrics.count_request("GET", 404, errors.NotFound("gone", status=404))
    metrics.count_request("PUT", 0, errors.Unavailable("refused"))
    text = scrape()
    assert (
        value(text, 'toollab_api_requests_total{code="200",verb="PATCH"}')
        - value(before_text, 'toollab_api_requests_total{code="200",verb="PATCH"}')
        == 1
    )
    for reason in ("NotFound", "Unavailable"):
        sample = f'toollab_api_errors_total{{reason="{reason}"}}'
        assert value(text, sample) - value(before_text, sample) == 1


def test_the_dashboard_uses_only_metrics_the_operator_exports() -> None:
    metrics.ENGINE.source = lambda: metrics.Snapshot(phases={}, queued={}, in_flight=0, leader=False)
    try:
        exported = set(re.findall(r"^# TYPE (\w+) ", scrape(), re.MULTILINE))
    finally:
        metrics.ENGINE.source = None
    names = {f"{n}_total" for n in exported} | {f"{n}_bucket" for n in exported} | exported
    dashboard = json.loads((REPO / "manifests" / "monitoring" / "grafana-dashboard.json").read_text())
    used = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"\b(toollab_\w+|process_\w+)", target["expr"])
    }
    assert used and used <= names, used - names
