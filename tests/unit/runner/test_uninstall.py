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
LABELS = {"toollab.dev/trial": "t", "toollab.dev/trial-namespace": "lab", "toollab.dev/trial-uid": "u-1"}
ROLE = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "reader"}}
WEB = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "trial-t"}}


def made(
    obj: dict[str, Any], *, uid: str, labels: dict[str, str] | None = None, **meta: Any
) -> dict[str, Any]:
    """`obj` as the server stores it: with a uid, and the trial's labels unless told otherwise."""
    return {
        **obj,
        "metadata": {**obj["metadata"], "uid": uid, "labels": LABELS if labels is None else labels, **meta},
    }


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


def installed(uids: tuple[str, str, str] = ("ns-1", "web-1", "role-1")) -> status.TrialStatus:
    entries = [
        {"apiVersion": "v1", "kind": "Namespace", "name": "trial-t", "created": True, "uid": uids[0]},
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": "web",
            "namespace": "trial-t",
            "created": True,
            "uid": uids[1],
        },
        {
            "apiVersion": ROLE["apiVersion"],
            "kind": "ClusterRole",
            "name": "reader",
            "created": True,
            "uid": uids[2],
        },
    ]
    return status.TrialStatus.from_raw({"inventory": {"entries": entries}}, now=NOW)


def run(cluster: Cluster, current: status.TrialStatus | None = None) -> None:
    deps = Dependencies(cluster=cluster)  # type: ignore[arg-type]  # the fake serves this subset
    execute.uninstall(
        parse.parse_trial(body()),
        current or installed(),
        deps=deps,
        user="system:serviceaccount:lab:runner",
        now=NOW,
    )


def test_in_a_namespace_being_deleted_only_what_lies_outside_is_removed() -> None:
    cluster = Cluster()
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "trial-t"}}
    cluster.add(made(namespace, uid="ns-1", deletionTimestamp="x"))
    cluster.add(made(WEB, uid="web-1"))
    cluster.add(made(ROLE, uid="role-1"))
    run(cluster)
    assert cluster.names("ClusterRole") == []
    assert ("delete", "Deployment", "trial-t", "web") not in cluster.log  # it goes with its namespace


def test_in_a_live_namespace_everything_is_removed_then_the_namespace() -> None:
    cluster = Cluster()
    cluster.add(made({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "trial-t"}}, uid="ns-1"))
    cluster.add(made(WEB, uid="web-1"))
    cluster.add(made(ROLE, uid="role-1"))
    run(cluster)
    assert cluster.names("ClusterRole") == [] and cluster.names("Deployment") == []
    assert cluster.names("Namespace") == []


def test_a_forged_inventory_deletes_nothing() -> None:
    """Entries someone wrote into .status: no uid, another object's uid, or an unlabelled object."""
    cluster = Cluster()
    foreign = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "trial-t"}}
    cluster.add(made(foreign, uid="theirs", labels={}))
    cluster.add(made(WEB, uid="web-1", labels={"app": "web"}))
    cluster.add(made(ROLE, uid="role-other"))
    run(cluster, installed(("", "web-1", "role-1")))
    run(cluster, installed(("theirs", "web-1", "role-1")))
    assert cluster.names("Namespace") == ["trial-t"]
    assert cluster.names("Deployment") == ["web"]
    assert not [entry for entry in cluster.log if entry[0] == "delete" and entry[1] != "ClusterRole"]


def test_an_object_the_inventory_missed_is_swept_by_its_uid_label() -> None:
    """A kill between a create and the status write: the ClusterRole is not in the inventory."""
    cluster = Cluster()
    cluster.add(made(ROLE, uid="role-1"))
    cluster.add(made({**ROLE, "metadata": {"name": "someone-elses"}}, uid="r-2", labels={"app": "x"}))
    empty = status.TrialStatus.from_raw({"inventory": {"entries": []}}, now=NOW)
    run(cluster, empty)
    assert cluster.names("ClusterRole") == ["someone-elses"]
