"""Failure text: header, sorted bullets, a short pruned diff; the line cap; the status summary."""

from __future__ import annotations

from typing import Any

from toollab.assertions import verdict
from toollab.assertions.selection import Lookup
from toollab.reports import text

DEPLOY = Lookup("apps/v1", "Deployment", "falco", "trial-falco")
PODS = Lookup("v1", "Pod", None, "ns", {"app": "web"})

EXPECTED_DEPLOY = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "falco", "namespace": "trial-falco"},
    "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "falco", "image": "falco:0.39"}]}}},
    "status": {"readyReplicas": 1},
}
ACTUAL_DEPLOY = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {
        "name": "falco",
        "namespace": "trial-falco",
        "uid": "0b6f",
        "resourceVersion": "9",
        "generation": 2,
        "creationTimestamp": "2024-01-01T00:00:00Z",
        "managedFields": [{"manager": "kubectl"}],
    },
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "falco"}},
        "template": {"spec": {"containers": [{"name": "falco", "image": "falco:0.38", "args": ["-v"]}]}},
    },
    "status": {"readyReplicas": 0, "replicas": 1},
}


def deploy_outcome() -> verdict.StepOutcome:
    return verdict.fold([verdict.judge_assert(EXPECTED_DEPLOY, [ACTUAL_DEPLOY], lookup=DEPLOY)])


def pod(name: str, phase: str) -> dict[str, Any]:
    metadata = {"name": name, "namespace": "ns", "labels": {"app": "web"}}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": metadata,
        "status": {"phase": phase, "podIP": "10.0.0.9"},
    }


def pods_outcome(count: int) -> verdict.StepOutcome:
    expected = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"namespace": "ns"},
        "status": {"phase": "Running"},
    }
    actuals = [pod(f"web-{i}", "Pending") for i in range(1, count + 1)]
    return verdict.fold([verdict.judge_assert(expected, actuals, lookup=PODS)])


DEPLOY_TEXT = """\
apps/v1/Deployment trial-falco/falco: mismatch
  - spec.template.spec.containers[0].image: expected "falco:0.39", got "falco:0.38" (value)
  - status.readyReplicas: expected 1, got 0 (value)
  --- expected
  +++ actual
  @@ -10,5 +10,5 @@
         containers:
  -      - image: falco:0.39
  +      - image: falco:0.38
           name: falco
   status:
  -  readyReplicas: 1
  +  readyReplicas: 0"""


def test_a_named_failure_has_header_bullets_and_a_pruned_diff() -> None:
    assert text.format_outcome(deploy_outcome()) == DEPLOY_TEXT


PODS_TEXT = """\
v1/Pod ns [app=web] (5 candidates): mismatch
  closest: v1/Pod ns/web-1
  - status.phase: expected "Running", got "Pending" (value)
  --- expected
  +++ actual
  @@ -5,2 +5,2 @@
   status:
  -  phase: Running
  +  phase: Pending
  other candidates (4):
    v1/Pod ns/web-2: status.phase: expected "Running", got "Pending" (value)
    v1/Pod ns/web-3: status.phase: expected "Running", got "Pending" (value)
    v1/Pod ns/web-4: status.phase: expected "Running", got "Pending" (value)
    … 1 more candidate"""


def test_a_list_failure_shows_the_closest_candidate_and_one_line_per_other() -> None:
    assert text.format_outcome(pods_outcome(5)) == PODS_TEXT


def test_verbose_shows_every_candidate_in_full() -> None:
    verbose = text.format_outcome(pods_outcome(5), verbose=True)
    assert "    v1/Pod ns/web-5\n      - status.phase: expected" in verbose
    assert "more candidate" not in verbose


def test_other_reasons_are_one_header_and_one_line() -> None:
    outcome = verdict.fold(
        [
            verdict.not_found(DEPLOY),
            verdict.unknown_kind({"apiVersion": "example.com/v1", "kind": "Widget"}),
            verdict.judge_errors({"apiVersion": "v1", "kind": "Pod"}, [pod("a", "Failed")], lookup=PODS),
        ]
    )
    assert text.format_outcome(outcome) == (
        "apps/v1/Deployment trial-falco/falco: not found\n"
        "example.com/v1/Widget: unknown kind\n"
        "  kind Widget (example.com/v1) is not served by the cluster\n"
        "v1/Pod ns [app=web] (1 candidate): matched errors expectation\n"
        "  Pod ns/a matched an errors expectation"
    )


def many_mismatches() -> verdict.StepOutcome:
    expected = {"apiVersion": "v1", "kind": "ConfigMap", "data": {f"k{i:02}": "want" for i in range(30)}}
    actual = {"apiVersion": "v1", "kind": "ConfigMap", "data": {f"k{i:02}": "have" for i in range(30)}}
    return verdict.fold(
        [verdict.judge_assert(expected, [actual], lookup=Lookup("v1", "ConfigMap", "c", "ns"))]
    )


def test_output_stays_within_about_twenty_lines_by_default() -> None:
    lines = text.format_outcome(many_mismatches()).splitlines()
    assert len(lines) <= 20
    assert lines[1] == '  - data.k00: expected "want", got "have" (value)'
    assert lines[9] == "  - … 22 more mismatches"


def test_the_line_cap_drops_diffs_before_headers_and_bullets() -> None:
    combined = verdict.merge(deploy_outcome(), pods_outcome(2), deploy_outcome())
    lines = text.format_outcome(combined).splitlines()
    headers = [line for line in lines if not line.startswith(" ")]
    assert headers == [
        "apps/v1/Deployment trial-falco/falco: mismatch",
        "v1/Pod ns [app=web] (2 candidates): mismatch",
        "apps/v1/Deployment trial-falco/falco: mismatch",
    ]
    assert len(lines) <= 20


def test_a_tiny_cap_still_says_what_was_cut() -> None:
    lines = text.format_outcome(many_mismatches(), max_lines=3).splitlines()
    assert lines[-1] == "… 8 more lines not shown"
    assert len(lines) == 3


def test_verbose_shows_everything() -> None:
    lines = text.format_outcome(many_mismatches(), verbose=True).splitlines()
    assert len([line for line in lines if line.startswith("  - data.")]) == 30
    assert len([line for line in lines if line.startswith("  +  k")]) == 30  # the whole diff
    assert not any("…" in line for line in lines)


def test_the_diff_strips_volatile_metadata() -> None:
    expected = {"metadata": {"name": "a", "uid": "1", "resourceVersion": "1", "labels": {"x": "1"}}}
    actual = {"metadata": {"name": "a", "uid": "2", "resourceVersion": "2", "labels": {"x": "2"}}}
    diff = "\n".join(text.diff_lines(expected, actual))
    assert "uid" not in diff and "resourceVersion" not in diff
    assert "-    x: '1'" in diff


def test_colour_only_when_asked() -> None:
    assert "\x1b[" not in text.format_outcome(deploy_outcome())
    coloured = text.format_outcome(deploy_outcome(), color=True)
    assert coloured.startswith("\x1b[1;31mapps/v1/Deployment trial-falco/falco: mismatch\x1b[0m")
    assert "\x1b[31m-      - image: falco:0.39\x1b[0m" in coloured


def test_identical_state_gives_identical_output() -> None:
    shuffled = dict(reversed(list(ACTUAL_DEPLOY.items())))
    again = verdict.fold([verdict.judge_assert(EXPECTED_DEPLOY, [shuffled], lookup=DEPLOY)])
    assert text.format_outcome(again) == text.format_outcome(deploy_outcome())
    assert text.summarise(again) == text.summarise(deploy_outcome())


def test_summarise_is_one_line_per_failed_object() -> None:
    assert text.summarise(deploy_outcome()) == (
        'Deployment trial-falco/falco: spec.template.spec.containers[0].image: expected "falco:0.39", '
        'got "falco:0.38" (+1 more)'
    )
    assert text.summarise(verdict.fold([])) == ""


def test_summarise_respects_its_limit() -> None:
    outcome = verdict.fold([verdict.not_found(Lookup("v1", "ConfigMap", f"c{i}", "ns")) for i in range(100)])
    summary = text.summarise(outcome, limit=100)
    assert len(summary) <= 100
    assert summary.splitlines() == [
        "ConfigMap ns/c0 not found",
        "ConfigMap ns/c1 not found",
        "ConfigMap ns/c2 not found",
        "(+97 more failed)",
    ]
    assert len(text.summarise(deploy_outcome(), limit=40)) == 40
