"""The namespace drainer's decisions, over a scripted API server (the real one: tests/cluster)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from toollab import errors
from toollab.cluster import namespaces


def lease(seconds_ago: float) -> dict[str, Any]:
    """An identity Lease renewed `seconds_ago` before now (now: when the test runs, not imports)."""
    renewed = (datetime.now(UTC) - timedelta(seconds=seconds_ago)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {"spec": {"renewTime": renewed}}


class Server:
    """Answers by (method, path); records each request. A value that is an exception is raised."""

    def __init__(self, answers: Mapping[tuple[str, str], Any]) -> None:
        self.answers = dict(answers)
        self.calls: list[tuple[str, str]] = []
        self.bodies: dict[tuple[str, str], Any] = {}

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        query: Mapping[str, Any] | None = None,
        what: str = "",
    ) -> Any:
        self.calls.append((method, path))
        self.bodies[(method, path)] = body
        answer = self.answers.get((method, path), {})
        if isinstance(answer, list):  # successive answers
            answer = answer.pop(0) if len(answer) > 1 else answer[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


NS = "/api/v1/namespaces/t"
TERMINATING = {
    "metadata": {"name": "t", "deletionTimestamp": "2026-01-01T00:00:00Z"},
    "spec": {"finalizers": ["kubernetes"]},
}


def discovery(extra: Mapping[tuple[str, str], Any] | None = None) -> dict[tuple[str, str], Any]:
    return {
        ("GET", "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases"): {"items": [lease(5)]},
        ("GET", "/apis"): {"groups": [{"preferredVersion": {"groupVersion": "example.com/v1"}}]},
        ("GET", "/api/v1"): {
            "resources": [
                {
                    "name": "configmaps",
                    "kind": "ConfigMap",
                    "namespaced": True,
                    "verbs": ["list", "delete", "deletecollection"],
                },
                {"name": "pods/log", "kind": "Pod", "namespaced": True, "verbs": ["get"]},
                {
                    "name": "nodes",
                    "kind": "Node",
                    "namespaced": False,
                    "verbs": ["list", "delete", "deletecollection"],
                },
                {"name": "bindings", "kind": "Binding", "namespaced": True, "verbs": ["create"]},
            ]
        },
        ("GET", "/apis/example.com/v1"): {
            "resources": [
                {"name": "widgets", "kind": "Widget", "namespaced": True, "verbs": ["list", "delete"]}
            ]
        },
        **(extra or {}),
    }


def test_an_empty_namespace_is_finalized_and_the_kubernetes_finalizer_removed() -> None:
    server = Server(discovery({("GET", NS): [TERMINATING, errors.NotFound("gone")]}))
    drained = namespaces.Drainer(server).drain("t")
    assert drained.gone and not drained.remaining and not drained.refused
    assert ("DELETE", "/api/v1/namespaces/t/configmaps") in server.calls  # deletecollection
    assert ("GET", "/apis/example.com/v1/namespaces/t/widgets") in server.calls  # listed, no deletecollection
    assert not any("nodes" in path or "bindings" in path or "pods" in path for _, path in server.calls)
    assert server.bodies[("PUT", f"{NS}/finalize")]["spec"]["finalizers"] == []


def test_what_remains_is_named_and_only_its_collections_are_asked_again() -> None:
    held = {"metadata": {"name": "held", "finalizers": ["example.com/hold"], "deletionTimestamp": "x"}}
    server = Server(
        discovery(
            {
                ("GET", "/api/v1/namespaces/t/configmaps"): [{"items": [held]}, {"items": []}],
                ("GET", NS): [TERMINATING, errors.NotFound("gone")],
            }
        )
    )
    drainer = namespaces.Drainer(server)
    first = drainer.drain("t")
    assert not first.gone and first.remaining == ("ConfigMap held (finalizers: example.com/hold)",)
    server.calls.clear()
    second = drainer.drain("t")
    assert second.gone
    configmaps = [c for c in server.calls if c[1] == "/api/v1/namespaces/t/configmaps"]
    widgets = [c for c in server.calls if c[1] == "/apis/example.com/v1/namespaces/t/widgets"]
    assert len(configmaps) == 2 and len(widgets) == 1  # the others listed once more before finalizing


def test_an_item_without_deletecollection_is_deleted_one_by_one() -> None:
    server = Server(
        discovery(
            {("GET", "/apis/example.com/v1/namespaces/t/widgets"): {"items": [{"metadata": {"name": "w"}}]}}
        )
    )
    drained = namespaces.Drainer(server).drain("t")
    assert drained.remaining == ("Widget w",)
    assert ("DELETE", "/apis/example.com/v1/namespaces/t/widgets/w") in server.calls


def test_a_group_or_collection_removed_meanwhile_is_skipped_not_taken_for_the_namespace() -> None:
    server = Server(
        discovery(
            {
                ("GET", "/apis/example.com/v1"): errors.NotFound("group gone"),
                ("DELETE", "/api/v1/namespaces/t/configmaps"): errors.NotFound("no longer served"),
                ("GET", NS): [TERMINATING, errors.NotFound("gone")],
            }
        )
    )
    assert namespaces.Drainer(server).drain("t").gone
    assert ("PUT", f"{NS}/finalize") in server.calls


@pytest.mark.parametrize(
    ("ages", "reason"),
    [
        ([5, 8], "the control plane runs 2 API servers"),
        ([], "no API server identity lease"),
        ([5, 3600], ""),  # a stale lease is an API server that is gone
        (errors.Forbidden("leases is forbidden"), "cannot count the API servers (leases is forbidden)"),
    ],
)
def test_auto_mode_needs_exactly_one_live_api_server(ages: Any, reason: str) -> None:
    leases = {"items": [lease(age) for age in ages]} if isinstance(ages, list) else ages
    key = ("GET", "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases")
    server = Server(discovery({key: leases, ("GET", NS): [TERMINATING, errors.NotFound("gone")]}))
    drained = namespaces.Drainer(server).drain("t")
    assert drained.refused == reason
    assert drained.gone is (not reason)
    if reason:
        assert server.calls == [key]  # nothing deleted
        assert namespaces.Drainer(server).drain("t", force=True).gone  # --namespace-deletion fast


def test_a_refusal_or_a_namespace_not_being_deleted_hands_the_namespace_back() -> None:
    refused = Server(
        discovery({("DELETE", "/api/v1/namespaces/t/configmaps"): errors.Forbidden("no deletecollection")})
    )
    assert "no deletecollection" in namespaces.Drainer(refused).drain("t").refused
    alive = Server(
        discovery({("GET", NS): {"metadata": {"name": "t"}, "spec": {"finalizers": ["kubernetes"]}}})
    )
    assert "is not being deleted" in namespaces.Drainer(alive).drain("t").refused
    assert ("PUT", f"{NS}/finalize") not in alive.calls


def test_a_conflicting_finalize_is_tried_again_next_round() -> None:
    server = Server(
        discovery({("GET", NS): TERMINATING, ("PUT", f"{NS}/finalize"): errors.Conflict("changed")})
    )
    drained = namespaces.Drainer(server).drain("t")
    assert not drained.gone and not drained.refused
