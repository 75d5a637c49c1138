"""A step writes and deletes only what its trial owns, and what it made is recorded even when it fails."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import fakes
from toollab import errors
from toollab.model import parse
from toollab.runner import trial_steps

ROLE = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "reader"}}


def tool_trial(*steps: dict[str, Any]) -> Any:
    return parse.parse_trial(
        {
            "apiVersion": "toollab.dev/v1alpha1",
            "kind": "ToolTrial",
            "metadata": {"name": "t", "namespace": "lab", "uid": "u-1", "generation": 1},
            "spec": {"tool": {"name": "t", "manifests": {"inline": [ROLE]}}, "steps": list(steps)},
        }
    )


def parts(cluster: fakes.FakeCluster, *steps: dict[str, Any], namespace_ours: bool = False) -> Any:
    return trial_steps.perform_parts(
        cluster, tool_trial(*steps), 0, pause=lambda _: None, namespace_ours=namespace_ours
    )


def test_applying_an_object_that_is_not_the_trials_is_a_conflict_and_leaves_it_untouched() -> None:
    cluster = fakes.FakeCluster()
    system = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cfg", "namespace": "kube-system"},
    }
    cluster.add({**system, "metadata": {**system["metadata"], "uid": "s-1"}, "data": {"k": "v"}})
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "trial-t", "uid": "n-1"}}
    cluster.add(namespace)
    for foreign in (system, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "trial-t"}}):
        with pytest.raises(errors.NotOwned) as caught:
            parts(cluster, {"name": "s", "apply": [{**foreign, "data": {"k": "changed"}}]})
        assert caught.value.reason == "Conflict" and "owner: unknown" in str(caught.value)
    assert cluster.get("v1", "ConfigMap", name="cfg", namespace="kube-system") == {
        **system,
        "metadata": {**system["metadata"], "uid": "s-1"},
        "data": {"k": "v"},
    }
    assert cluster.get("v1", "Namespace", name="trial-t", namespace=None) == namespace


def test_what_a_step_created_before_it_failed_travels_with_the_error() -> None:
    cluster = fakes.FakeCluster(forbidden={"Deployment"})
    web = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}}
    with pytest.raises(errors.Forbidden) as caught:
        parts(cluster, {"name": "s", "apply": [ROLE, web]})
    made = trial_steps.created_before(caught.value)
    assert [(e.kind, e.name, bool(e.uid)) for e in made] == [("ClusterRole", "reader", True)]


def test_a_step_deletes_only_what_is_the_trials() -> None:
    cluster = fakes.FakeCluster()
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "trial-t", "uid": "p-1"}}
    cluster.add(pod)
    step = {"name": "s", "delete": [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}]}
    with pytest.raises(errors.NotOwned, match="Pod trial-t/p is not this trial's"):
        parts(cluster, step)
    assert cluster.names("Pod") == ["p"]
    parts(cluster, step, namespace_ours=True)  # in the namespace the trial created, anything goes
    assert cluster.names("Pod") == []
