"""status.environment: kwok-marked nodes make a run simulated, and the verdict says what that hid."""

from __future__ import annotations

from typing import Any

from toollab.localcluster import workloads
from toollab.model import environment, status
from toollab.runner import simulation


def node(name: str, *, kwok: bool) -> dict[str, Any]:
    annotations = {"kwok.x-k8s.io/node": "fake"} if kwok else {"node.alpha.kubernetes.io/ttl": "0"}
    return {"metadata": {"name": name, "annotations": annotations}}


def test_the_local_clusters_nodes_are_simulated_and_can_host_pods_that_request_ephemeral_storage() -> None:
    body = workloads.node_body("kwok-node-0")
    assert environment.is_simulated_node(body)
    assert body["status"]["allocatable"]["ephemeral-storage"] == "100Gi"


def test_all_kwok_nodes_is_simulated_some_is_mixed_none_is_real() -> None:
    sim = environment.Environment.from_nodes(
        [node("a", kwok=True), node("b", kwok=True)], kubernetes_version="v1"
    )
    mixed = environment.Environment.from_nodes(
        [node("a", kwok=True), node("b", kwok=False)], kubernetes_version="v1"
    )
    real = environment.Environment.from_nodes([node("a", kwok=False)], kubernetes_version="v1")
    assert (sim.kind, mixed.kind, real.kind) == ("simulated", "mixed", "real")
    assert sim.simulated and not mixed.simulated and not real.simulated
    assert real.note() == "" and "1 of 2 nodes" in mixed.note()
    assert environment.Environment.from_raw(sim.to_raw()) == sim
    assert sim.to_raw() == {
        "type": "simulated", "simulated": True, "kubernetesVersion": "v1", "nodes": 2, "simulatedNodes": 2,
    }  # fmt: skip


def test_the_verdict_message_names_the_simulation_and_the_runs_that_did_not_execute() -> None:
    sim = environment.Environment(nodes=3, simulated_nodes=3, kubernetes_version="v1.36.3")
    steps = (status.StepStatus("check"), status.StepStatus("smoke", simulated=True))
    current = status.TrialStatus(environment=sim, steps=steps)
    message = simulation.verdict_message("2/2 steps passed", current)
    assert message.startswith("2/2 steps passed (Simulated: 3 of 3 nodes are kwok nodes")
    assert message.endswith("run steps not executed: smoke)")
    real = status.TrialStatus(environment=environment.Environment(nodes=1, kubernetes_version="v1"))
    assert simulation.verdict_message("1/1 steps passed", real) == "1/1 steps passed"
    marked = simulation.mark_simulated(current, 0)
    assert marked.steps[0].simulated and marked.steps[0].message == "command not executed: simulated node"
    assert marked.steps[0].to_raw()["simulated"] is True and "simulated" not in steps[0].to_raw()
