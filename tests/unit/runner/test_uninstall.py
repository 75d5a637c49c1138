"""Cleanup when the trial's own namespace is already being deleted: what is in it goes with it
(so nothing in it is deleted as the trial, whose grant there is going too); what lies outside it
is still removed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.support import fakes
from toollab.model import parse, status
from toollab.runner import execute
from toollab.runner.deps import Dependencies

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
ROLE = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "reader"}}
WEB = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "trial-t"}}


class Cluster(fakes.FakeCluster):
    """The fake, as the operator and (the same store) as any impersonated identity."""

    def impersonating(self, user: str | None) -> Cluster:
        return self


def body() -> dict[str, Any]:
    return {
        "apiVersion": "toollab.dev/v1alpha1",
        "kind": "ToolTrial",
        "metadata": {"name": "t", "namespace": "lab", "uid": "u-1", "generation": 1},
        "spec": {
            "tool": {"name": "t", "manifests": {"inline": [WEB, ROLE]}},
            "serviceAccountName": "runner",
            "steps": [{"name": "s", "assert": [WEB]}],
        },
    }


def installed() -> status.TrialStatus:
    entries = [
        {"apiVersion": "v1", "kind": "Namespace", "name": "trial-t", "created": True},
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": "web",
            "namespace": "trial-t",
            "created": True,
        },
        {"apiVersion": ROLE["apiVersion"], "kind": "ClusterRole", "name": "reader", "created": True},
    ]
    return status.TrialStatus.from_raw({"inventory": {"entries": entries}}, now=NOW)


def run(cluster: Cluster) -> None:
    deps = Dependencies(cluster=cluster)  # type: ignore[arg-type]  # the fake serves this subset
    execute.uninstall(
        parse.parse_trial(body()), installed(), deps=deps, user="system:serviceaccount:lab:runner", now=NOW
    )


def test_in_a_namespace_being_deleted_only_what_lies_outside_is_removed() -> None:
    cluster = Cluster()
    cluster.add(
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "trial-t", "deletionTimestamp": "x"}}
    )
    cluster.add(WEB)
    cluster.add(ROLE)
    run(cluster)
    assert cluster.names("ClusterRole") == []
    assert ("delete", "Deployment", "trial-t", "web") not in cluster.log  # it goes with its namespace


def test_in_a_live_namespace_everything_is_removed_then_the_namespace() -> None:
    cluster = Cluster()
    cluster.add({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "trial-t"}})
    cluster.add(WEB)
    cluster.add(ROLE)
    run(cluster)
    assert cluster.names("ClusterRole") == [] and cluster.names("Deployment") == []
    assert cluster.names("Namespace") == []
