"""Issue 8: hostile trials, generated, against the real API server and the operator as shipped.

Each example starts from a valid trial and breaks it: wrong types, extremes, deep nesting,
unicode, foreign namespaces and cluster-scoped kinds in steps. Invariants: every trial gets an
answer within ANSWER_SECONDS (refused by the API server, or a verdict with a reason), it can be
deleted, the operator keeps serving a canary trial, and no object the trial does not own changes.
"""

from __future__ import annotations

import copy
import itertools
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e import trials
from toollab import errors

ANSWER_SECONDS = 60.0
VERDICTS = ("Passed", "Failed", "Error")
RBAC = "rbac.authorization.k8s.io/v1"
# objects no trial owns: their resourceVersion must never change
SENTINELS = (
    (RBAC, "ClusterRole", "view", None),
    (RBAC, "ClusterRole", "admin", None),
    (RBAC, "ClusterRoleBinding", "cluster-admin", None),
    ("v1", "Namespace", "default", None),
    ("v1", "Namespace", "kube-system", None),
    ("v1", "ServiceAccount", "default", "kube-system"),
)

Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    def apply(body: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = body
        try:
            for key in parents:
                node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
            if isinstance(node, list):
                node[int(last)] = value
            else:
                node[last] = copy.deepcopy(value)
        except (TypeError, IndexError, AttributeError, KeyError, ValueError):
            return  # an earlier change replaced the path: the body is hostile already

    return apply


def _nested(levels: int) -> Any:
    value: Any = "deep"
    for _ in range(levels):
        value = {"a": value}
    return value


def _step_applying(obj: dict[str, Any]) -> Mutation:
    return _set("spec.steps", [{"name": "hostile", "timeout": "3s", "apply": [obj]}])


texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40)
wrong_types = st.sampled_from([None, 0, -1, 1.5, True, "", "x", [], {}, [1], {"a": 1}])
extremes = st.sampled_from(
    [
        "0s",
        "24h",
        "24h1ms",
        "99999999h",
        "999999999h1m",
        "1ms",
        "0.000000001s",
        "9" * 9 + "ms",
        "1" * 33 + "s",
    ]
)
foreign = st.sampled_from(
    [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default", "labels": {"x": "y"}}},
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kube-system"}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "kube-system"}},
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": "default", "namespace": "kube-system"},
        },
        {"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": "view"}, "rules": []},
        {"apiVersion": RBAC, "kind": "ClusterRole", "metadata": {"name": "admin"}},
        {"apiVersion": RBAC, "kind": "ClusterRoleBinding", "metadata": {"name": "cluster-admin"}},
    ]
)


def _ttl(seconds: int) -> dict[str, Any]:
    return {"ttlSecondsAfterFinished": seconds}


def _deep_assert(levels: int) -> list[dict[str, Any]]:
    return [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": _nested(levels)}]


TOP_FIELDS = ["spec.timeout", "spec.steps", "spec.tool", "spec.target", "spec.cleanup"]
DELETE_DEFAULT = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}}]
LABELS = "spec.tool.manifests.inline.0.metadata.labels"
ANNOTATIONS = "spec.tool.manifests.inline.0.spec.template.metadata.annotations"
mutations = st.one_of(
    st.builds(_set, st.sampled_from(["spec.timeout", "spec.steps.0.timeout"]), extremes),
    st.builds(_set, st.sampled_from(TOP_FIELDS), wrong_types),
    st.builds(
        _set, st.just("spec.cleanup"), st.builds(_ttl, st.sampled_from([2**63 - 1, 2**31, -1, 2592001]))
    ),
    st.builds(_set, st.just(LABELS), st.dictionaries(texts, texts, max_size=3)),
    st.builds(_set, st.just("spec.steps.0.name"), texts),
    st.builds(_set, st.just("spec.steps.0.assert"), st.builds(_deep_assert, st.integers(90, 600))),
    st.builds(_set, st.just(ANNOTATIONS), st.builds(_nested, st.integers(95, 600))),
    st.builds(_step_applying, foreign),
    st.builds(_set, st.just("spec.steps.0.delete"), st.just(DELETE_DEFAULT)),
)


def _snapshot(kube: Any) -> dict[tuple[str, str, str, str | None], str]:
    found = {}
    for api_version, kind, name, namespace in SENTINELS:
        live = kube.get(api_version, kind, name=name, namespace=namespace)
        found[(api_version, kind, name, namespace)] = (
            (live or {}).get("metadata", {}).get("resourceVersion", "")
        )
    return found


@pytest.fixture
def deep_enough() -> Iterator[None]:
    """Serializing a body nested a few hundred levels takes more than Python's default stack."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 5000))
    yield
    sys.setrecursionlimit(limit)


def _canary_passes(kube: Any, namespace: str, name: str, read: Any) -> None:
    with trials.created(kube, trials.web_trial(name, namespace, f"{namespace}-{name}")):
        status = trials.wait_phase(read, name, namespace, *VERDICTS, timeout=ANSWER_SECONDS)
        assert status["phase"] == "Passed", status


def test_hostile_trials_all_get_an_answer_and_change_nothing_they_do_not_own(
    operator: Any, kube: Any, namespace: str, trial_status: Any, deep_enough: None
) -> None:
    before = _snapshot(kube)
    _canary_passes(kube, namespace, "canary-before", trial_status)
    numbers = itertools.count()
    answers: list[str] = []

    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(st.lists(mutations, min_size=1, max_size=3))
    def run(changes: list[Mutation]) -> None:
        name = f"h{next(numbers)}"
        body = trials.web_trial(name, namespace, f"{namespace}-{name}", timeout="2m")
        body["spec"]["steps"][0]["timeout"] = "3s"
        for change in changes:
            change(body)
        started = time.monotonic()
        try:
            kube.create_or_merge(body, namespace=namespace)
        except errors.Invalid:
            answers.append("refused at apply")
            return
        try:
            status = trials.wait_phase(trial_status, name, namespace, *VERDICTS, timeout=ANSWER_SECONDS)
            ready = trials.condition(status, "Ready")
            assert ready.get("reason"), status
            answers.append(f"{status['phase']}/{ready['reason']} in {time.monotonic() - started:.1f}s")
        finally:
            trials.delete_trial(kube, name, namespace, timeout=ANSWER_SECONDS)

    run()
    # the figures, with -s (the Kopf runner captures sys.stderr)
    print(f"hostile trials: {answers}", file=sys.__stderr__ or sys.stderr)
    _canary_passes(kube, namespace, "canary-after", trial_status)
    assert _snapshot(kube) == before
