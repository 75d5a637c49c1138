"""The operator's log, as a person triaging reads it: every line about a trial names it and its
generation; each verdict and each error is logged once, at INFO, with its reason; JSON on demand."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.e2e import trials
from tests.e2e.conftest import OperatorProcess, wait_for


def test_json_log_names_trials_and_logs_each_verdict_once_with_its_reason(
    kube: Any, other_namespace: str, start_operator: Callable[..., OperatorProcess], trial_status: Any
) -> None:
    ns = other_namespace
    process = start_operator(ns, extra=["--log-format", "json"])
    good = trials.web_trial("good", ns, f"{ns}-good")
    ghost = trials.web_trial("ghost", ns, f"{ns}-ghost", serviceAccountName="nobody")
    with trials.created(kube, good), trials.created(kube, ghost):
        for name in ("good", "ghost"):
            trials.wait_phase(trial_status, name, ns, "Passed", "Failed", "Error")
        wait_for(lambda: (trial_status("good", ns).get("run") or {}).get("stage") == "CleanedUp", timeout=30)
    records = [json.loads(line) for line in process.output(chars=1_000_000).splitlines() if line.strip()]
    about = [
        r for r in records if r["logger"].startswith(("toollab.trials", "toollab.runner", "kopf.objects"))
    ]
    assert about, records
    for record in about:
        assert record.get("trial") in {f"{ns}/good", f"{ns}/ghost"}, record
        assert isinstance(record.get("generation"), int), record
    toollab_lines = [r for r in about if r["logger"] == "toollab.trials"]
    assert all(r.get("action") and r.get("reason") for r in toollab_lines), toollab_lines
    verdicts = [(r["trial"], r["reason"], r["level"]) for r in toollab_lines if r["action"] == "Finish"]
    assert verdicts.count((f"{ns}/good", "TrialPassed", "INFO")) == 1, verdicts
    errors = [
        r for r in toollab_lines if r["trial"] == f"{ns}/ghost" and r["reason"] == "ServiceAccountNotFound"
    ]
    assert len(errors) == 1 and errors[0]["level"] == "INFO", errors
    assert f"ServiceAccount {ns}/nobody does not exist" in errors[0]["message"]
    assert records[0]["logger"] == "toollab.operator" and "watching namespaces" in records[0]["message"]
