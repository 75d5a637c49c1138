"""Two replicas of the operator: exactly one acts (a Lease); killing it mid-run hands every trial to
the other, which finishes each one once: one helm install per trial, one verdict per trial.

Both replicas are `toollab operator` subprocesses on an `r-*` namespace, as shipped (the operator's
ServiceAccount, its Lease in toollab-system), with a 3 s lease so the takeover is quick. Events
carry the identity of the replica that posted them (reportingInstance).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.e2e import trials
from tests.e2e.conftest import OperatorProcess, wait_for
from tests.support import shipped
from toollab.engine import sharding

StartOperator = Callable[..., OperatorProcess]
COUNT = 4
LEASE = ("--lease-duration", "3")


def identity(process: OperatorProcess) -> str:
    """The replica's identity, from its start-up log line."""
    found = wait_for(
        lambda: re.search(r"toollab: (\S+) waits for lease", process.output(100_000)), timeout=60
    )
    return str(found.group(1))


def leader_of(kube: Any, namespace: str) -> str:
    """The identity holding the Lease of the operators of `namespace` (waits until one does)."""
    name = sharding.lease_name_for((namespace,), sharding.selector_for(None, None))

    def holder() -> str | None:
        lease = kube.get("coordination.k8s.io/v1", "Lease", name=name, namespace=shipped.OPERATOR_NAMESPACE)
        return ((lease or {}).get("spec") or {}).get("holderIdentity") or None

    return str(wait_for(holder, timeout=30))


def _trial(index: int, namespace: str, repo: str, nodes: int) -> dict[str, Any]:
    ready = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": f"t{index}"}}  # the release
    ready["status"] = {"numberReady": nodes}
    signal = trials.config_map("go", {"ready": "yes"})
    return trials.tool_trial(
        f"t{index}",
        namespace,
        tool="agent",
        source=trials.helm(repo, "agent"),
        steps=[
            trials.step("running", assert_=[ready], timeout="120s"),
            trials.step("signal", assert_=[signal], timeout="120s"),
        ],
        target=f"{namespace}-t{index}",
        cleanup={"policy": "Retain"},
    )


def _waiting_or_done(status: dict[str, Any]) -> dict[str, Any] | None:
    """The status once the trial waits in its second step (or reached a verdict)."""
    steps = status.get("steps") or []
    waiting = len(steps) == 2 and steps[1].get("attempts", 0) >= 1
    return status if waiting or status.get("phase") in {"Passed", "Failed", "Error"} else None


def _reporters(kube: Any, name: str, namespace: str, reason: str) -> list[str]:
    return [
        e.get("reportingInstance", "")
        for e in trials.events(kube, name, namespace)
        if e.get("reason") == reason
    ]


def test_of_two_replicas_one_acts_and_the_other_takes_over_when_it_is_killed(
    kube: Any,
    other_namespace: str,
    start_operator: StartOperator,
    chart_repo: str,
    trial_status: Any,
    kubeconfig: str,
) -> None:
    ns, nodes = other_namespace, len(kube.list("v1", "Node", namespace=None))
    first, second = start_operator(ns, extra=LEASE), start_operator(ns, extra=LEASE)
    replicas = {identity(first): first, identity(second): second}
    active_id = leader_of(kube, ns)
    active = replicas[active_id]
    (standby_id,) = set(replicas) - {active_id}
    bodies = [_trial(i, ns, chart_repo, nodes) for i in range(COUNT)]
    for body in bodies:
        kube.create_or_merge(body, namespace=ns)
    try:
        for i in range(COUNT):  # installed and waiting for the signal: mid-run
            status = wait_for(lambda i=i: _waiting_or_done(trial_status(f"t{i}", ns)), timeout=120)
            assert status["phase"] == "Verifying", status
        for i in range(COUNT):
            assert _reporters(kube, f"t{i}", ns, "InstallSucceeded") == [active_id]  # the standby did nothing
        active.kill()
        for i in range(COUNT):
            kube.create_or_merge(trials.config_map("go", {"ready": "yes"}), namespace=f"{ns}-t{i}")
        for i in range(COUNT):
            status = trials.wait_phase(trial_status, f"t{i}", ns, "Passed", "Failed", "Error", timeout=90)
            assert status["phase"] == "Passed", status
        assert leader_of(kube, ns) == standby_id
        for i in range(COUNT):
            releases = trials.helm_releases(f"{ns}-t{i}", kubeconfig=kubeconfig)
            assert [(r["name"], r["revision"]) for r in releases] == [(f"t{i}", "1")]  # installed once
            assert _reporters(kube, f"t{i}", ns, "InstallSucceeded") == [active_id]
            assert _reporters(kube, f"t{i}", ns, "TrialPassed") == [
                standby_id
            ]  # one verdict, by the survivor
        assert replicas[standby_id].alive
    finally:
        for body in bodies:
            trials.delete_trial(kube, body["metadata"]["name"], ns, timeout=90)
