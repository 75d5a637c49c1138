"""Judging one expected document against what its lookup found, and folding results."""

from __future__ import annotations

from typing import Any

from toollab.assertions import verdict
from toollab.assertions.mismatch import Mismatch, Reason
from toollab.assertions.selection import Lookup

POD_LOOKUP = Lookup("v1", "Pod", None, "ns", {"app": "web"})
NAMED = Lookup("apps/v1", "Deployment", "web", "ns")


def pod(name: str, phase: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "ns", "labels": {"app": "web"}, "uid": "u"},
        "spec": {"containers": [{"name": "c", "image": "i"}]},
        "status": {"phase": phase, "podIP": "10.0.0.1"},
    }


EXPECTED_POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"namespace": "ns"},
    "status": {"phase": "Running"},
}


def test_an_assert_passes_when_any_candidate_matches() -> None:
    actuals = [pod("a", "Pending"), pod("b", "Running"), pod("c", "Failed")]
    assert verdict.judge_assert(EXPECTED_POD, actuals, lookup=POD_LOOKUP) is None


def test_a_failed_list_assert_reports_every_candidate_closest_first() -> None:
    expected = {**EXPECTED_POD, "spec": {"containers": [{"image": "j"}]}}
    failure = verdict.judge_assert(expected, [pod("b", "Failed"), pod("a", "Pending")], lookup=POD_LOOKUP)
    assert failure is not None
    assert failure.reason == "mismatch"
    assert failure.ref == "v1/Pod ns [app=web] (2 candidates)"
    assert [c.ref for c in failure.candidates] == ["v1/Pod ns/a", "v1/Pod ns/b"]  # a tie: by name
    assert failure.mismatches == (
        Mismatch("spec.containers[0].image", Reason.VALUE, "j", "i"),
        Mismatch("status.phase", Reason.VALUE, "Running", "Pending"),
    )
    assert failure.message == (
        "Pod ns [app=web]: none of 2 matched; closest Pod ns/a: "
        'spec.containers[0].image: expected "j", got "i" (+1 more)'
    )


def test_the_closest_candidate_has_the_fewest_mismatches() -> None:
    expected = {**EXPECTED_POD, "metadata": {"name": "z"}}
    failure = verdict.judge_assert(expected, [pod("a", "Pending"), pod("z", "Pending")], lookup=POD_LOOKUP)
    assert failure is not None and failure.candidates[0].ref == "v1/Pod ns/z"


def test_the_actual_side_is_pruned_to_the_expected_keys() -> None:
    failure = verdict.judge_assert(EXPECTED_POD, [pod("a", "Pending")], lookup=POD_LOOKUP)
    assert failure is not None
    assert failure.actual == {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"namespace": "ns"},
        "status": {"phase": "Pending"},
    }


def test_a_named_mismatch_names_the_object_and_the_first_field() -> None:
    expected = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "status": {"readyReplicas": 1, "replicas": 1, "x": 1},
    }
    actual = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "status": {"readyReplicas": 0},
    }
    failure = verdict.judge_assert(expected, [actual], lookup=NAMED)
    assert failure is not None
    assert failure.ref == "apps/v1/Deployment ns/web"
    assert failure.candidates == ()
    assert failure.message == "Deployment ns/web: status.readyReplicas: expected 1, got 0 (+2 more)"


def test_nothing_found_is_not_found() -> None:
    named = verdict.judge_assert({}, [], lookup=NAMED)
    listed = verdict.judge_assert({}, [], lookup=POD_LOOKUP)
    assert named is not None and (named.reason, named.message) == ("not found", "Deployment ns/web not found")
    assert listed is not None and (listed.ref, listed.message) == (
        "v1/Pod ns [app=web] (0 candidates)",
        "Pod ns [app=web]: no objects found",
    )


def test_errors_pass_when_nothing_is_found_or_nothing_matches() -> None:
    assert verdict.judge_errors(EXPECTED_POD, [], lookup=POD_LOOKUP) is None
    assert verdict.judge_errors(EXPECTED_POD, [pod("a", "Pending")], lookup=POD_LOOKUP) is None


def test_errors_fail_naming_the_first_match_and_counting_the_rest() -> None:
    actuals = [pod("c", "Running"), pod("a", "Pending"), pod("b", "Running"), pod("d", "Running")]
    failure = verdict.judge_errors(EXPECTED_POD, actuals, lookup=POD_LOOKUP)
    assert failure is not None
    assert failure.reason == "matched errors expectation"
    assert failure.message == "Pod ns/b (and 2 others) matched an errors expectation"
    assert [c.ref for c in failure.candidates] == ["v1/Pod ns/b", "v1/Pod ns/c", "v1/Pod ns/d"]


def test_one_errors_match_has_no_count() -> None:
    failure = verdict.judge_errors(EXPECTED_POD, [pod("b", "Running")], lookup=POD_LOOKUP)
    assert failure is not None and failure.message == "Pod ns/b matched an errors expectation"


def test_fold_keeps_failures_in_order_and_drops_passes() -> None:
    first = verdict.not_found(NAMED)
    second = verdict.unknown_kind({"apiVersion": "example.com/v1", "kind": "Widget"})
    outcome = verdict.fold([first, None], [None, second])
    assert outcome == verdict.StepOutcome(passed=False, failures=(first, second))
    assert verdict.fold([None], []) == verdict.StepOutcome(passed=True)


def test_merge_combines_outcomes() -> None:
    failed = verdict.fold([verdict.not_found(NAMED)])
    assert verdict.merge(verdict.fold([]), failed) == failed
    assert verdict.merge(verdict.fold([]), verdict.fold([])).passed


def test_unknown_kind_and_unavailable_name_the_kind() -> None:
    widget = {"apiVersion": "example.com/v1", "kind": "Widget"}
    assert verdict.unknown_kind(widget).message == "kind Widget (example.com/v1) is not served by the cluster"
    down = verdict.unavailable(widget, "connection refused")
    assert (down.reason, down.message) == (
        "unavailable",
        "Widget: the API server is unavailable: connection refused",
    )


def test_prune_keeps_list_elements_shaped_like_the_expected_ones() -> None:
    expected = {"c": [{"name": "a"}]}
    actual = {"c": [{"name": "a", "x": 1}, {"name": "b", "y": 2}], "other": 1}
    assert verdict.prune(expected, actual) == {"c": [{"name": "a"}, {"name": "b"}]}
