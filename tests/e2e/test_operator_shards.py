"""Two operators, two shards: each trial is handled by exactly the operator of its `toollab.dev/shard`
label, and a trial of no shard by neither (as Flux's sharded controllers do)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.e2e import trials
from tests.e2e.conftest import OperatorProcess, wait_for
from tests.e2e.test_operator_ha import identity
from tests.support import shipped
from toollab.engine import sharding

LEASE = "coordination.k8s.io/v1"


def _lease(namespace: str, shard: str) -> str:
    return sharding.lease_name_for((namespace,), sharding.selector_for(shard, None))


def _holder(kube: Any, name: str) -> str | None:
    lease = kube.get(LEASE, "Lease", name=name, namespace=shipped.OPERATOR_NAMESPACE) or {}
    return (lease.get("spec") or {}).get("holderIdentity")


StartOperator = Callable[..., OperatorProcess]


def _trial(name: str, namespace: str, shard: str | None) -> dict[str, Any]:
    signal = trials.config_map(f"cm-{name}", {"shard": shard or "none"})
    body = trials.tool_trial(
        name,
        namespace,
        tool="sharded",
        source=trials.manifests(signal),
        steps=[trials.step("present", assert_=[signal])],
        target=f"{namespace}-{name}",
        cleanup={"policy": "Retain"},
    )
    if shard:
        body["metadata"]["labels"] = {"toollab.dev/shard": shard}
    return body


def test_two_shards_split_the_trials_and_each_trial_is_handled_once(
    kube: Any, other_namespace: str, start_operator: StartOperator, trial_status: Any
) -> None:
    ns = other_namespace
    shard_a = start_operator(ns, extra=("--shard", "a", "--lease-duration", "3"))
    shard_b = start_operator(ns, extra=("--shard", "b", "--lease-duration", "3"))
    owners = {"a": identity(shard_a), "b": identity(shard_b)}
    wanted = {f"a{i}": "a" for i in range(3)} | {f"b{i}": "b" for i in range(3)}
    bodies = [_trial(name, ns, shard) for name, shard in wanted.items()] + [_trial("loose", ns, None)]
    for body in bodies:
        kube.create_or_merge(body, namespace=ns)
    try:
        for name in wanted:
            status = trials.wait_phase(trial_status, name, ns, "Passed", "Failed", "Error", timeout=60)
            assert status["phase"] == "Passed", status
        for name, shard in wanted.items():
            reporters = {e.get("reportingInstance") for e in trials.events(kube, name, ns)}
            assert reporters == {owners[shard]}, (name, reporters)
            finalizers = kube.get(trials.API_VERSION, trials.KIND, name=name, namespace=ns)["metadata"][
                "finalizers"
            ]
            assert finalizers == ["toollab.dev/finalizer"]
        # both operators have seen the loose trial by now; neither took it
        assert trial_status("loose", ns) == {}
        assert trials.events(kube, "loose", ns) == []
        loose = kube.get(trials.API_VERSION, trials.KIND, name="loose", namespace=ns)
        assert not loose["metadata"].get("finalizers")
        holders = {shard: _holder(kube, _lease(ns, shard)) for shard in owners}
        assert (
            holders == owners
        )  # a Lease per shard, each held by its operator: they never wait on each other
        assert shard_a.alive and shard_b.alive
    finally:
        for body in bodies:
            trials.delete_trial(kube, body["metadata"]["name"], ns, timeout=60)
    wait_for(lambda: not kube.list(trials.API_VERSION, trials.KIND, namespace=ns), timeout=30)
