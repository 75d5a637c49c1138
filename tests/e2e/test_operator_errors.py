"""Bad input the CRD cannot reject ends the trial in Error, quickly, with a reason and a message a
person can act on; the operator stays up and does not retry a permanent failure."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.e2e import trials
from tests.e2e.conftest import OperatorProcess, wait_for
from toollab.localcluster import chartserver

QUICK_SECONDS = 20.0
QUIET_SECONDS = 2.0  # after an Error, nothing more happens for this long


def _warnings(kube: Any, name: str, namespace: str) -> list[dict[str, Any]]:
    return [e for e in trials.events(kube, name, namespace) if e["type"] == "Warning"]


def _expect_error(
    operator: Any, kube: Any, trial_status: Any, body: dict[str, Any], *, reason: str, says: tuple[str, ...]
) -> dict[str, Any]:
    """Create `body`, wait for its Error; check reason, message, event, and that it stays put."""
    name, namespace = body["metadata"]["name"], body["metadata"]["namespace"]
    started = time.monotonic()
    with trials.created(kube, body):
        status = trials.wait_phase(
            trial_status, name, namespace, "Passed", "Failed", "Error", timeout=QUICK_SECONDS
        )
        assert time.monotonic() - started < QUICK_SECONDS
        assert status["phase"] == "Error", status
        assert status["result"] == "Error"
        ready, stalled = trials.condition(status, "Ready"), trials.condition(status, "Stalled")
        assert (ready["status"], ready["reason"]) == ("False", reason)
        assert (stalled["status"], stalled["reason"]) == ("True", reason)
        for part in says:
            assert part.lower() in ready["message"].lower(), ready["message"]
        warnings = wait_for(lambda: _warnings(kube, name, namespace), timeout=10)
        assert {e["reason"] for e in warnings} == {reason}
        assert all(part.lower() in warnings[0]["message"].lower() for part in says)
        time.sleep(QUIET_SECONDS)  # no retry loop: neither a new verdict nor new warnings
        assert trial_status(name, namespace)["finishedAt"] == status["finishedAt"]
        assert len(_warnings(kube, name, namespace)) == len(warnings)
        if operator is not None:
            assert not operator.future.done(), operator.output[-2000:]
    return status


def test_an_unreachable_chart_repository_is_an_install_error(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    repo = "http://127.0.0.1:1/"
    body = trials.tool_trial(
        "norepo",
        namespace,
        source=trials.helm(repo, "agent"),
        steps=[trials.step("up", assert_=[trials.available("web")])],
        target=f"{namespace}-norepo",
    )
    _expect_error(
        operator, kube, trial_status, body, reason="InstallFailed", says=("install failed", "127.0.0.1:1")
    )


def test_a_manifest_url_that_answers_404_is_an_install_error(
    operator: Any, kube: Any, namespace: str, trial_status: Any, tmp_path: Path
) -> None:
    with chartserver.serve_directory(tmp_path) as base:
        url = f"{base}/missing.yaml"
        body = trials.tool_trial(
            "nofile",
            namespace,
            source=trials.manifests(urls=[url]),
            steps=[trials.step("up", assert_=[trials.available("web")])],
            target=f"{namespace}-nofile",
        )
        _expect_error(operator, kube, trial_status, body, reason="InstallFailed", says=(url, "not found"))


def test_an_object_the_api_server_rejects_is_an_error_naming_it(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    broken = trials.deployment("web")
    del broken["spec"]["selector"]
    body = trials.tool_trial(
        "invalid",
        namespace,
        source=trials.manifests(trials.config_map("settings"), broken),
        steps=[trials.step("up", assert_=[trials.available("web")])],
        target=f"{namespace}-invalid",
    )
    status = _expect_error(
        operator, kube, trial_status, body, reason="Invalid", says=("Deployment", "web", "selector")
    )
    assert (
        kube.get("v1", "ConfigMap", name="settings", namespace=f"{namespace}-invalid") is None
    )  # rolled back
    assert status["steps"][0]["phase"] == "Skipped"


def test_plain_http_is_refused_unless_the_operator_allows_it(
    kube: Any,
    other_namespace: str,
    start_operator: Callable[..., OperatorProcess],
    chart_repo: str,
    trial_status: Any,
) -> None:
    process = start_operator(other_namespace, allow_http=False)
    body = trials.tool_trial(
        "plainhttp",
        other_namespace,
        source=trials.helm(chart_repo, "agent"),
        steps=[trials.step("up", assert_=[trials.available("web")])],
        target=f"{other_namespace}-plainhttp",
    )
    _expect_error(None, kube, trial_status, body, reason="InstallFailed", says=(chart_repo, "--allow-http"))
    assert process.alive
