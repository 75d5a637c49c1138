"""Manifests trials through every kind of step: assert, errors, delete, run; and failing ones."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from tests.e2e import trials
from tests.e2e.conftest import wait_for

LABELS = {"app": "web"}
FAILED_POD = {"apiVersion": "v1", "kind": "Pod", "status": {"phase": "Failed"}}
RUNNING_POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"labels": LABELS},
    "status": {"phase": "Running"},
}
EVERY_KIND_OF_STEP = [
    trials.step("up", assert_=[trials.available("web")]),
    trials.step("no-failed-pods", errors=[FAILED_POD]),
    trials.step("chaos", delete=[{"apiVersion": "v1", "kind": "Pod", "metadata": {"labels": LABELS}}]),
    trials.step("recovers", assert_=[trials.available("web"), RUNNING_POD]),
    trials.step("smoke", run={"image": "busybox", "command": ["sh", "-c", "echo ok"]}),
]
SCALED = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"replicas": 2}}


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_assert_errors_delete_and_run_steps_pass_and_the_workload_recovers(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    target = f"{namespace}-web"
    body = trials.tool_trial(
        "web",
        namespace,
        source=trials.manifests(trials.deployment("web", labels=LABELS)),
        steps=EVERY_KIND_OF_STEP,
        target=target,
        cleanup={"policy": "Retain"},
    )
    with trials.created(kube, body):
        status = trials.wait_phase(trial_status, "web", namespace, "Passed", "Failed", "Error")
        assert status["phase"] == "Passed", status
        assert status["passedText"] == "5/5"
        assert [(s["name"], s["phase"]) for s in status["steps"]] == [
            (name, "Passed") for name in ("up", "no-failed-pods", "chaos", "recovers", "smoke")
        ]
        assert all(s["attempts"] >= 1 for s in status["steps"])
        # the pod running now replaced the one the chaos step deleted
        chaos_started = _time(status["steps"][2]["startedAt"]).replace(microsecond=0)
        pods = kube.list("v1", "Pod", namespace=target, labels=LABELS)
        assert len(pods) == 1
        assert _time(pods[0]["metadata"]["creationTimestamp"]) >= chaos_started
        job = kube.get("batch/v1", "Job", name="web-5-smoke", namespace=target)
        assert job is not None and job["status"].get("succeeded") == 1
        assert job["metadata"]["labels"]["toollab.dev/trial"] == "web"


def test_a_failing_assertion_fails_within_the_step_timeout_naming_object_path_and_values(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    body = trials.tool_trial(
        "scaled",
        namespace,
        source=trials.manifests(trials.deployment("web")),
        steps=[
            trials.step("up", assert_=[trials.available("web")]),
            trials.step("scaled", assert_=[SCALED], timeout="3s"),
            trials.step("never", assert_=[trials.available("web")]),
        ],
        target=f"{namespace}-scaled",
    )
    started = time.monotonic()
    with trials.created(kube, body):
        status = trials.wait_phase(trial_status, "scaled", namespace, "Passed", "Failed", "Error", timeout=30)
        assert time.monotonic() - started < 20
        assert status["phase"] == "Failed", status
        assert status["result"] == "Failed"
        assert [s["phase"] for s in status["steps"]] == ["Passed", "Failed", "Skipped"]
        assert status["passedText"] == "1/3"
        message = status["steps"][1]["message"]
        for part in ("Deployment", "web", "spec.replicas", "2", "1"):
            assert part in message, message
        assert status["steps"][1]["attempts"] >= 2  # retried until the deadline
        ready, stalled = trials.condition(status, "Ready"), trials.condition(status, "Stalled")
        assert (ready["status"], ready["reason"]) == ("False", "AssertionsFailed")
        assert (stalled["status"], stalled["reason"]) == ("True", "AssertionsFailed")
        assert "spec.replicas" in ready["message"]
        warnings = wait_for(
            lambda: [
                e
                for e in trials.events(kube, "scaled", namespace)
                if e["type"] == "Warning" and e["reason"] == "AssertionsFailed"
            ],
            timeout=10,
        )
        assert "spec.replicas" in warnings[0]["message"]


def test_an_errors_step_fails_when_something_matches(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    forbidden = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}}
    body = trials.tool_trial(
        "unwanted",
        namespace,
        source=trials.manifests(trials.deployment("web")),
        steps=[trials.step("no-web", errors=[forbidden], timeout="2s")],
        target=f"{namespace}-unwanted",
    )
    with trials.created(kube, body):
        status = trials.wait_phase(
            trial_status, "unwanted", namespace, "Passed", "Failed", "Error", timeout=30
        )
        assert status["phase"] == "Failed", status
        message = status["steps"][0]["message"]
        assert "Deployment" in message and "web" in message, message


CHAINSAW_NO_LIMIT = {  # matches any pod with a container lacking a memory limit
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"labels": LABELS},
    "spec": {"(length(containers[?resources.limits.memory == null]) > `0`)": True},
}


def test_chainsaw_steps_judge_with_expressions_and_stop_at_an_evaluation_error(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    at_least_one = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "status": {"(readyReplicas >= `1`)": True},
    }
    not_comparable = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {"replicas": "1"},
    }
    body = trials.tool_trial(
        "trees",
        namespace,
        source=trials.manifests(trials.deployment("web", labels=LABELS)),
        steps=[
            trials.step("ready", assert_=[at_least_one]),
            trials.step(
                "literal", assert_=[{**at_least_one, "status": {"readyReplicas": 1}}], dialect="kuttl"
            ),
            trials.step("limits", errors=[CHAINSAW_NO_LIMIT], timeout="3s"),
        ],
        target=f"{namespace}-trees",
        dialect="chainsaw",
    )
    with trials.created(kube, body):
        status = trials.wait_phase(trial_status, "trees", namespace, "Passed", "Failed", "Error", timeout=40)
        assert [s["phase"] for s in status["steps"]] == ["Passed", "Passed", "Failed"], status
        assert "matched an errors expectation" in status["steps"][2]["message"]

    broken = trials.tool_trial(
        "broken",
        namespace,
        source=trials.manifests(trials.deployment("web", labels=LABELS)),
        steps=[trials.step("typed", assert_=[not_comparable], timeout="60s", dialect="chainsaw")],
        target=f"{namespace}-broken",
    )
    started = time.monotonic()
    with trials.created(kube, broken):
        status = trials.wait_phase(trial_status, "broken", namespace, "Passed", "Failed", "Error", timeout=40)
        assert time.monotonic() - started < 30  # not retried until the 60 s deadline
        [typed] = status["steps"]
        assert (typed["phase"], typed["attempts"]) == ("Failed", 1), status
        assert "spec.replicas: types are not comparable" in typed["message"]


def test_cel_steps_count_compare_and_fail_naming_the_expression(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    refs = [
        {"ref": "web", "apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
        {"ref": "pods", "apiVersion": "v1", "kind": "Pod", "labels": LABELS},
    ]
    body = trials.tool_trial(
        "cel",
        namespace,
        source=trials.manifests(trials.deployment("web", labels=LABELS, replicas=2)),
        steps=[
            trials.step(
                "counted", refs=refs, cel=["size(pods) == web.spec.replicas", "web.status.readyReplicas >= 2"]
            ),
            trials.step("too-many", refs=refs, cel=["size(pods) > 5"], timeout="3s"),
        ],
        target=f"{namespace}-cel",
    )
    with trials.created(kube, body):
        status = trials.wait_phase(trial_status, "cel", namespace, "Passed", "Failed", "Error", timeout=60)
        assert [s["phase"] for s in status["steps"]] == ["Passed", "Failed"], status
        assert (
            "not all cel expressions evaluated to true: expression 'size(pods) > 5' evaluated to 'false'"
            in (status["steps"][1]["message"])
        )
