"""Honest verdicts on the local cluster's kwok nodes. A `run` step's Job "completes" whatever the
command (even `exit 3`), so the step passes only as simulated, with the reason, and the verdict
says so too. A step or an install that times out says what the cluster knows of the cause."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e import trials
from tests.support import chartserver as test_charts
from toollab.localcluster import chartserver

HOOKED_CHART = """apiVersion: v2
name: hooked
version: 1.0.0
"""
# A pre-install hook whose pod asks for more CPU than any node has: helm waits for it until its
# --timeout (the time the trial has left), as Contour's certgen did without ephemeral-storage.
HOOK_JOB = """apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-setup
  annotations:
    helm.sh/hook: pre-install
    helm.sh/hook-delete-policy: hook-succeeded
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: setup
          image: registry.example.invalid/setup:1
          resources: {requests: {cpu: "500"}}
"""


def test_a_failing_command_on_a_kwok_node_is_reported_as_not_executed(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    body = trials.tool_trial(
        "exit3",
        namespace,
        source=trials.manifests(trials.config_map("settings")),
        steps=[
            trials.step(
                "exists",
                assert_=[{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}}],
            ),
            trials.step("smoke", run={"image": "busybox", "command": ["sh", "-c", "exit 3"]}),
        ],
        target=f"{namespace}-exit3",
    )
    kube.create(body, namespace=namespace)
    status = trials.wait_phase(trial_status, "exit3", namespace, "Passed", "Failed", "Error", timeout=90)
    assert status["phase"] == "Passed", trials.condition(status, "Ready")
    exists, smoke = status["steps"]
    assert "simulated" not in exists  # an assertion really read the cluster
    assert smoke["simulated"] is True and smoke["message"] == "command not executed: simulated node"
    ready = trials.condition(status, "Ready")
    assert ready["message"].startswith("2/2 steps passed (Simulated: 3 of 3 nodes are kwok nodes")
    assert ready["message"].endswith("run steps not executed: smoke)")
    assert status["environment"]["type"] == "simulated"
    assert status["environment"]["kubernetesVersion"].startswith("v1.")


def test_a_step_that_times_out_says_what_the_cluster_knows_of_the_cause(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    greedy = trials.deployment("greedy")
    greedy["spec"]["template"]["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "500"}}
    body = trials.tool_trial(
        "greedy",
        namespace,
        source=trials.manifests(greedy),
        steps=[trials.step("up", timeout="4s", assert_=[trials.available("greedy")])],
        target=f"{namespace}-greedy",
    )
    kube.create(body, namespace=namespace)
    status = trials.wait_phase(trial_status, "greedy", namespace, "Passed", "Failed", "Error", timeout=90)
    assert status["phase"] == "Failed"
    message = trials.condition(status, "Ready")["message"]
    assert "; the cluster says: pod greedy-" in message
    assert "unschedulable: 0/3 nodes are available: 3 Insufficient cpu" in message


def test_an_install_that_times_out_on_a_hook_says_which_hook_and_why(
    operator: Any, kube: Any, namespace: str, trial_status: Any, tmp_path: Path
) -> None:
    chart = tmp_path / "hooked"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(HOOKED_CHART)
    (chart / "templates" / "setup.yaml").write_text(HOOK_JOB)
    with chartserver.serve_charts([chart], helm=test_charts.helm_path()) as repo:
        body = trials.tool_trial(
            "hooked",
            namespace,
            source=trials.helm(repo, "hooked"),
            steps=[],
            target=f"{namespace}-hooked",
            timeout="20s",
        )
        kube.create(body, namespace=namespace)
        status = trials.wait_phase(
            trial_status, "hooked", namespace, "Passed", "Failed", "Error", timeout=120
        )
    assert status["phase"] == "Error"
    message = trials.condition(status, "Ready")["message"]
    assert "timed out" in message, message
    assert "the cluster says: " in message
    assert "pod hooked-setup-" in message and "Insufficient cpu" in message
    assert "helm pre-install hook Job hooked-setup not complete" in message
