"""A `run` step on the local cluster's kwok nodes: its Job "completes" whatever the command (even
`exit 3`), so the step passes only as simulated, with the reason; the verdict says so too."""

from __future__ import annotations

from typing import Any

from tests.e2e import trials


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
