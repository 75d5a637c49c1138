"""One round of checks (assertions.md §3, §4.4) against a fixed set of objects."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from toollab import errors
from toollab.assertions import verdict
from toollab.assertions.dialect import Dialect, Scope
from toollab.cluster import objects
from toollab.suites.core import checking, resolving

PODS = [
    {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": n, "labels": {"app": "web"}},
        "status": {"phase": p},
    }
    for n, p in [("web-1", "Pending"), ("web-2", "Running"), ("web-3", "Running")]
]
CONFIGMAP = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "settings"},
    "data": {"mode": "fast"},
}
CLUSTER = objects.ObjectsCluster([*PODS, CONFIGMAP], default_namespace="test-ns")


def check(
    asserts: list[dict[str, Any]], errors_docs: list[dict[str, Any]] | None = None, namespace: str = "test-ns"
) -> verdict.StepOutcome:
    return checking.check_round(CLUSTER, asserts=asserts, errors=errors_docs or [], namespace=namespace)


def pod(**status: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"labels": {"app": "web"}}, "status": status}


def test_a_named_object_is_fetched_in_the_test_namespace() -> None:
    expected = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "settings"},
        "data": {"mode": "fast"},
    }
    assert check([expected]).passed
    assert not check([expected], namespace="elsewhere").passed


def test_the_injected_namespace_is_compared_like_any_field() -> None:
    expected = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "settings", "namespace": "test-ns"},
    }
    assert check([expected], namespace="other").passed  # an explicit namespace is kept


def test_an_unnamed_document_passes_when_any_candidate_matches() -> None:
    assert check([pod(phase="Running")]).passed
    outcome = check([pod(phase="Succeeded")])
    assert [c.ref for c in outcome.failures[0].candidates] == [
        "v1/Pod test-ns/web-1",
        "v1/Pod test-ns/web-2",
        "v1/Pod test-ns/web-3",
    ]


def test_labels_with_a_non_string_value_are_compared_as_data() -> None:
    expected = {"apiVersion": "v1", "kind": "Pod", "metadata": {"labels": {"app": "web", "n": 1}}}
    [failure] = check([expected]).failures
    assert failure.ref == "v1/Pod test-ns (3 candidates)"  # no selector: every Pod is a candidate
    assert [m.path for m in failure.mismatches] == ["metadata.labels.n"]


def test_nothing_found_fails_the_round() -> None:
    [failure] = check([{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}]).failures
    assert (failure.reason, failure.message) == ("not found", "Secret test-ns/s not found")
    [listed] = check([{"apiVersion": "apps/v1", "kind": "Deployment"}]).failures
    assert listed.reason == "not found"


def test_errors_documents_pass_when_nothing_matches() -> None:
    assert check([], [pod(phase="Failed")]).passed
    assert check(
        [], [{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}]
    ).passed  # named NotFound
    assert check([], [{"apiVersion": "v1", "kind": "Secret"}]).passed  # an empty list


def test_errors_documents_fail_on_a_match_naming_it() -> None:
    [failure] = check([], [pod(phase="Running")]).failures
    assert failure.message == "Pod test-ns/web-2 (and 1 other) matched an errors expectation"


def test_asserts_and_errors_fold_in_order() -> None:
    outcome = check([pod(phase="Succeeded")], [pod(phase="Running")])
    assert [f.reason for f in outcome.failures] == ["mismatch", "matched errors expectation"]


def test_an_unknown_kind_fails_asserts_and_errors_alike() -> None:
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    outcome = check([widget], [widget])
    assert [f.reason for f in outcome.failures] == ["unknown kind", "unknown kind"]
    assert "Widget" in outcome.failures[0].message


class FlakyCluster(objects.ObjectsCluster):
    """Serves the same kinds, but its reads fail with Unavailable."""

    def get(self, api_version: str, kind: str, *, name: str, namespace: str | None) -> dict[str, Any] | None:
        raise errors.Unavailable("connection refused")

    def list(
        self, api_version: str, kind: str, *, namespace: str | None, labels: Mapping[str, str] | None = None
    ) -> list[dict[str, Any]]:
        raise errors.Unavailable("connection refused")


def test_an_unavailable_server_fails_the_round_only() -> None:
    flaky = FlakyCluster(PODS, default_namespace="ns")
    outcome = checking.check_round(flaky, asserts=[pod(phase="Running")], errors=[], namespace="ns")
    [failure] = outcome.failures
    assert (failure.reason, failure.message) == (
        "unavailable",
        "Pod: the API server is unavailable: connection refused",
    )


def chainsaw_round(
    asserts: list[dict[str, Any]], errors_docs: list[dict[str, Any]] | None = None
) -> verdict.StepOutcome:
    scope = Scope.of_namespace("test-ns", resolving.ClusterResolver(CLUSTER, environ={"STAGE": "prod"}))
    return checking.check_round(
        CLUSTER,
        asserts=asserts,
        errors=errors_docs or [],
        namespace="test-ns",
        dialect=Dialect.CHAINSAW,
        scope=scope,
    )


def test_chainsaw_templates_the_lookup_with_bindings() -> None:
    doc = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "settings", "namespace": "($namespace)"},
    }
    assert chainsaw_round([doc]).passed
    assert chainsaw_round([{**doc, "data": {"(length(@))": 2}}]).failures[0].message == (
        "ConfigMap test-ns/settings: data.(length(@)): expected 2, got 1"
    )


def test_chainsaw_selects_by_templated_labels() -> None:
    doc = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"labels": {"app": "(concat('w', 'eb'))"}},
        "status": {"(phase == 'Running')": True},
    }
    assert chainsaw_round([doc]).passed
    assert not chainsaw_round([], [doc]).passed


def test_chainsaw_evaluation_errors_are_final() -> None:
    doc = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}, "data": {"mode": 1}}
    outcome = chainsaw_round([doc])
    assert outcome.is_final
    assert outcome.failures[0].reason == "evaluation error (not retried)"


def test_chainsaw_lookups_go_through_the_resolver() -> None:
    doc = {
        "(x_k8s_get($client, 'v1', 'ConfigMap', $namespace, 'settings').data.mode)": "fast",
        "(length(x_k8s_list($client, 'v1', 'Pod', $namespace).items))": 3,
        "(env('STAGE'))": "prod",
        "(x_k8s_resource_exists($client, 'v1', 'Secret'))": True,
        "(x_k8s_resource_exists($client, 'example.com/v1', 'Widget'))": False,
    }
    assert chainsaw_round([doc]).passed
    missing = {"(x_k8s_get($client, 'v1', 'ConfigMap', $namespace, 'nope'))": {}}
    assert "ConfigMap test-ns/nope not found" in chainsaw_round([missing]).failures[0].message


def test_a_document_without_a_kind_is_bad_input() -> None:
    with pytest.raises(errors.InputError):
        check([{"apiVersion": "v1", "metadata": {"name": "x"}}])
