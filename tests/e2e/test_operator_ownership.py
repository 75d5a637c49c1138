"""Issue 8, finding 1 and 2: a trial touches only what it owns.

A foreign ClusterRole or ConfigMap a trial would write ends it in Error/Conflict and survives
untouched; a forged `.status.inventory` deletes nothing; an object a step created before the
operator was killed (not yet in the inventory) is removed when the trial is deleted.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from tests.e2e import trials
from tests.e2e.conftest import OperatorProcess, wait_for

RBAC = "rbac.authorization.k8s.io/v1"
LABEL_UID = "toollab.dev/trial-uid"


def _error(trial_status: Any, name: str, namespace: str) -> dict[str, Any]:
    status = trials.wait_phase(trial_status, name, namespace, "Passed", "Failed", "Error", timeout=30)
    assert status["phase"] == "Error", status
    return status


def _unchanged(before: dict[str, Any], after: dict[str, Any] | None) -> bool:
    """The same object: uid, labels, data/rules, resourceVersion (nobody wrote it)."""
    assert after is not None
    return all(before.get(k) == after.get(k) for k in ("data", "rules")) and all(
        before["metadata"].get(k) == after["metadata"].get(k) for k in ("uid", "labels", "resourceVersion")
    )


def test_a_step_applying_a_foreign_cluster_role_ends_in_conflict_and_it_survives(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    shared = f"{namespace}-shared"
    before = kube.apply(trials.cluster_role(shared, verbs=["get", "list"]), namespace=None)
    try:
        body = trials.web_trial("grab", namespace, f"{namespace}-lab")
        body["spec"]["steps"][0]["apply"] = [trials.cluster_role(shared, verbs=["*"])]
        with trials.created(kube, body):
            status = _error(trial_status, "grab", namespace)
            ready = trials.condition(status, "Ready")
            assert ready["reason"] == "Conflict"
            assert f"ClusterRole {shared} exists and is not this trial's" in ready["message"]
            assert "owner: field managers" in ready["message"]
            assert _unchanged(before, kube.get(RBAC, "ClusterRole", name=shared, namespace=None))
        assert _unchanged(before, kube.get(RBAC, "ClusterRole", name=shared, namespace=None))
    finally:
        kube.delete(RBAC, "ClusterRole", name=shared, namespace=None)


def test_manifests_naming_a_foreign_config_map_in_the_target_namespace_leave_it_alone(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    before = kube.apply(trials.config_map("theirs", {"owner": "someone"}), namespace=namespace)
    body = trials.tool_trial(
        "overwrite",
        namespace,
        source=trials.manifests(trials.config_map("theirs", {"owner": "the trial"})),
        steps=[trials.step("up", assert_=[trials.config_map("theirs")])],
        target=namespace,  # the test's own namespace: it exists, the trial did not create it
    )
    with trials.created(kube, body):
        status = _error(trial_status, "overwrite", namespace)
        assert trials.condition(status, "Ready")["reason"] == "Conflict"
        assert f"ConfigMap {namespace}/theirs exists" in trials.condition(status, "Ready")["message"]
    assert _unchanged(before, kube.get("v1", "ConfigMap", name="theirs", namespace=namespace))


def test_a_forged_inventory_deletes_nothing(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    victim = f"{namespace}-victim"
    made = kube.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": victim}}, namespace=None)
    kube.apply(trials.config_map("precious"), namespace=victim)
    try:
        body = trials.web_trial("forged", namespace, f"{namespace}-lab")
        with trials.created(kube, body):
            status = trials.wait_phase(trial_status, "forged", namespace, "Passed", timeout=60)
            forged = copy.deepcopy(status["inventory"])
            # forged after the post-run cleanup, so that nothing rewrites it before the deletion
            wait_for(lambda: (trial_status("forged", namespace).get("run") or {}).get("stage") == "CleanedUp")
            for uid in ("", made["metadata"]["uid"]):  # without a uid, and with the victim's own
                entry = {"apiVersion": "v1", "kind": "Namespace", "name": victim, "created": True}
                forged["entries"].append({**entry, **({"uid": uid} if uid else {})})
            forged["entries"].append(
                {
                    "apiVersion": "v1",
                    "kind": "ConfigMap",
                    "name": "precious",
                    "namespace": victim,
                    "created": True,
                }
            )
            kube.patch_status(
                trials.API_VERSION,
                trials.KIND,
                name="forged",
                namespace=namespace,
                status={"inventory": forged},
            )
        live = kube.get("v1", "Namespace", name=victim, namespace=None)
        assert live is not None and not live["metadata"].get("deletionTimestamp")
        assert kube.get("v1", "ConfigMap", name="precious", namespace=victim) is not None
    finally:
        kube.delete("v1", "Namespace", name=victim, namespace=None)


def test_a_cluster_role_created_just_before_a_kill_is_removed_with_the_trial(
    kube: Any,
    other_namespace: str,
    start_operator: Callable[..., OperatorProcess],
    trial_status: Any,
) -> None:
    """The step creates a ClusterRole, then waits on a delete that a finalizer holds: the operator
    is killed while the ClusterRole exists and no status has recorded it."""
    ns = other_namespace
    role = f"{ns}-made"
    held = {
        **trials.config_map("held"),
        "metadata": {"name": "held", "finalizers": ["test.toollab.dev/hold"]},
    }
    release = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "held"}}
    body = trials.web_trial("killed", ns, f"{ns}-lab")
    body["spec"]["steps"] = [
        trials.step("make", apply=[trials.cluster_role(role), held], delete=[release]),
        *body["spec"]["steps"],
    ]
    first = start_operator(ns)
    kube.create_or_merge(body, namespace=ns)
    try:
        made = wait_for(lambda: kube.get(RBAC, "ClusterRole", name=role, namespace=None), timeout=60)
        wait_for(lambda: (kube.get("v1", "ConfigMap", name="held", namespace=f"{ns}-lab") or {}).get(
            "metadata", {}).get("deletionTimestamp"), timeout=30)  # fmt: skip
        first.kill()
        recorded = [e["name"] for e in (trial_status("killed", ns).get("inventory") or {}).get("entries", [])]
        assert role not in recorded  # the kill came before the status write
        assert made["metadata"]["labels"][LABEL_UID] == trials.uid_of(kube, "killed", ns)
    finally:
        kube.patch(
            "v1", "ConfigMap", name="held", namespace=f"{ns}-lab", patch={"metadata": {"finalizers": None}}
        )
    kube.delete(trials.API_VERSION, trials.KIND, name="killed", namespace=ns)
    start_operator(ns)
    trials.wait_gone(kube, trials.API_VERSION, trials.KIND, "killed", ns, timeout=90)
    assert kube.get(RBAC, "ClusterRole", name=role, namespace=None) is None
