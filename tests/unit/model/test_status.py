"""TrialStatus: read a stored status, write it back whole; the kstatus condition table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from toollab.model import status

NOW = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)

STORED: dict[str, Any] = {
    "observedGeneration": 2,
    "phase": "Verifying",
    "result": "Passed",
    "conditions": [
        {
            "type": "Ready",
            "status": "Unknown",
            "reason": "Progressing",
            "message": 'step 2/3 "chaos": attempt 4 not passing yet',
            "lastTransitionTime": "2026-05-01T11:59:00Z",
            "observedGeneration": 3,
        },
        {
            "type": "Reconciling",
            "status": "True",
            "reason": "Verifying",
            "message": "verifying",
            "lastTransitionTime": "2026-05-01T11:59:00.250Z",
            "observedGeneration": 3,
        },
    ],
    "startedAt": "2026-05-01T11:58:00Z",
    "install": {
        "method": "helm",
        "chart": "falco",
        "version": "9.1.0",
        "appVersion": "0.44.1",
        "objects": 23,
        "seconds": 4.1,
    },
    "steps": [
        {
            "name": "running",
            "phase": "Passed",
            "attempts": 7,
            "seconds": 41.2,
            "message": "",
            "startedAt": "2026-05-01T11:58:05Z",
            "deadline": "2026-05-01T12:03:05Z",
            "applied": True,
        },
        {
            "name": "chaos",
            "phase": "Running",
            "attempts": 4,
            "seconds": 2.5,
            "message": "Pod x: missing",
            "applied": False,
        },
    ],
    "currentStep": 1,
    "passed": 1,
    "total": 2,
    "passedText": "1/2",
    "footprint": {
        "pods": 1,
        "containers": 2,
        "cpuRequests": "100m",
        "memoryRequests": "512Mi",
        "privilegedContainers": 1,
        "hostPathVolumes": 4,
        "clusterScopedObjects": 5,
    },
    "run": {
        "generation": 3,
        "startedAt": "2026-05-01T11:58:00Z",
        "deadline": "2026-05-01T12:13:00Z",
        "targetNamespace": "trial-falco",
        "namespaceCreated": True,
        "serviceAccount": "lab-runner",
        "stage": "Installed",
    },
    "inventory": {
        "entries": [
            {"apiVersion": "v1", "kind": "Namespace", "name": "trial-falco", "created": True},
            {
                "apiVersion": "apps/v1",
                "kind": "DaemonSet",
                "namespace": "trial-falco",
                "name": "falco",
                "created": True,
            },
        ],
        "release": "falco",
    },
}


def test_reads_every_field() -> None:
    read = status.TrialStatus.from_raw(STORED, now=NOW)
    assert (read.observed_generation, read.phase, read.result) == (
        2,
        status.Phase.VERIFYING,
        status.Result.PASSED,
    )
    assert read.install == status.InstallInfo("helm", "falco", "9.1.0", "0.44.1", 23, 4.1)
    assert read.steps[1] == status.StepStatus("chaos", status.StepPhase.RUNNING, 4, 2.5, "Pod x: missing")
    assert read.steps[0].deadline == datetime(2026, 5, 1, 12, 3, 5, tzinfo=UTC)
    assert read.run == status.RunInfo(
        3,
        datetime(2026, 5, 1, 11, 58, tzinfo=UTC),
        datetime(2026, 5, 1, 12, 13, tzinfo=UTC),
        "trial-falco",
        True,
        "lab-runner",
        status.Stage.INSTALLED,
    )
    assert read.inventory.release == "falco"
    assert read.inventory.entries[0] == status.InventoryEntry("v1", "Namespace", "trial-falco", None, True)
    assert read.condition(status.ConditionType.RECONCILING) is not None
    assert read.passed_text == "1/2"


def test_round_trips_through_the_patch() -> None:
    read = status.TrialStatus.from_raw(STORED, now=NOW)
    patch = read.to_patch()
    assert status.TrialStatus.from_raw(patch, now=NOW) == read
    for key, value in STORED.items():  # the stored form is written back unchanged, key for key
        written = patch[key]
        if isinstance(written, dict):  # a None in a nested map only deletes a stale key
            written = {k: v for k, v in written.items() if v is not None}
        assert written == value, key
    assert patch["finishedAt"] is None and patch["timeToReadySeconds"] is None


def test_the_patch_names_every_field_so_a_merge_patch_clears_stale_ones() -> None:
    patch = status.TrialStatus().to_patch()
    assert set(patch) == {
        "observedGeneration", "phase", "result", "conditions", "startedAt", "finishedAt", "install", "steps",
        "currentStep", "passed", "total", "passedText", "timeToReadySeconds", "footprint", "run", "inventory",
        "history", "scorecard", "nextRunAt", "environment", "leftovers", "profile",
    }  # fmt: skip
    assert patch["finishedAt"] is None and patch["install"] is None and patch["run"] is None
    assert patch["result"] == "Unknown" and patch["passedText"] == "0/0"


def test_list_items_carry_no_nulls() -> None:
    entry = status.InventoryEntry("v1", "Namespace", "trial-x")
    assert entry.to_raw() == {"apiVersion": "v1", "kind": "Namespace", "name": "trial-x", "created": True}
    assert "startedAt" not in status.StepStatus("s").to_raw()


@pytest.mark.parametrize(
    "raw",
    [
        None,
        {},
        {
            "phase": "Dancing",
            "result": 7,
            "steps": "many",
            "conditions": [{"type": "Nope", "status": "True"}, "x"],
        },
        {"run": {"generation": "3", "startedAt": "yesterday"}, "inventory": {"entries": [1, None]}},
        {
            "footprint": {"pods": "two"},
            "install": [],
            "observedGeneration": True,
            "timeToReadySeconds": "fast",
        },
    ],
)
def test_a_damaged_status_reads_as_absent_values_never_an_exception(raw: Any) -> None:
    read = status.TrialStatus.from_raw(raw, now=NOW)
    assert read.run is None
    assert read.observed_generation is None
    assert read.time_to_ready_seconds is None
    status.TrialStatus.from_raw(read.to_patch(), now=NOW)


def test_an_unknown_phase_reads_as_pending() -> None:
    assert status.TrialStatus.from_raw({"phase": "Dancing"}, now=NOW).phase is status.Phase.PENDING


# phase, reason -> Ready, Reconciling, Stalled as status/reason
TABLE = [
    (status.Phase.PENDING, "Progressing", "Unknown/Progressing True/Progressing False/Progressing"),
    (status.Phase.INSTALLING, "Installing", "Unknown/Progressing True/Installing False/Installing"),
    (status.Phase.VERIFYING, "Verifying", "Unknown/Progressing True/Verifying False/Verifying"),
    (status.Phase.CLEANING_UP, "CleaningUp", "Unknown/Progressing True/CleaningUp False/CleaningUp"),
    (status.Phase.PASSED, "Passed", "True/Passed False/Passed False/Passed"),
    (
        status.Phase.FAILED,
        "AssertionsFailed",
        "False/AssertionsFailed False/AssertionsFailed True/AssertionsFailed",
    ),
    (status.Phase.ERROR, "Timeout", "False/Timeout False/Timeout True/Timeout"),
    (status.Phase.ERROR, "Forbidden", "False/Forbidden False/Forbidden True/Forbidden"),
]


@pytest.mark.parametrize(("phase", "reason", "expected"), TABLE, ids=[f"{p}-{r}" for p, r, _ in TABLE])
def test_conditions_follow_the_kstatus_table(phase: status.Phase, reason: str, expected: str) -> None:
    conditions = status.conditions_for(phase, reason, "why", generation=4, now=NOW)
    assert [str(c.type) for c in conditions] == ["Ready", "Reconciling", "Stalled"]
    assert " ".join(f"{c.status}/{c.reason}" for c in conditions) == expected
    assert all(
        c.observed_generation == 4 and c.message == "why" and c.last_transition_time == NOW
        for c in conditions
    )


def test_a_condition_keeps_its_transition_time_while_its_status_holds() -> None:
    before = status.conditions_for(status.Phase.INSTALLING, "Installing", "a", generation=1, now=NOW)
    later = NOW + timedelta(minutes=1)
    after = status.merge_conditions(
        before, status.conditions_for(status.Phase.VERIFYING, "Verifying", "b", generation=1, now=later)
    )
    assert [c.last_transition_time for c in after] == [NOW, NOW, NOW]
    assert [c.reason for c in after] == ["Progressing", "Verifying", "Verifying"]
    done = status.merge_conditions(
        after, status.conditions_for(status.Phase.PASSED, "Passed", "c", generation=1, now=later)
    )
    assert {str(c.type): c.last_transition_time for c in done} == {
        "Ready": later,
        "Reconciling": later,
        "Stalled": NOW,
    }


def test_merged_conditions_keep_other_types_and_a_stable_order() -> None:
    installed = status.condition(
        status.ConditionType.INSTALLED,
        status.ConditionStatus.TRUE,
        "InstallSucceeded",
        "ok",
        generation=1,
        now=NOW,
    )
    merged = status.merge_conditions(
        [installed], status.conditions_for(status.Phase.PASSED, "Passed", "", generation=1, now=NOW)
    )
    assert [str(c.type) for c in merged] == ["Ready", "Reconciling", "Stalled", "Installed"]


def test_long_messages_are_trimmed_to_a_kibibyte() -> None:
    made = status.condition(
        status.ConditionType.READY, status.ConditionStatus.FALSE, "x", "y" * 5000, generation=1, now=NOW
    )
    assert len(made.message) == status.MESSAGE_LIMIT
    assert made.message.endswith("(truncated)")


def test_inventory_merging_never_forgets_that_toollab_created_an_object() -> None:
    created = status.InventoryEntry("v1", "Namespace", "trial-x", created=True)
    seen_again = status.InventoryEntry("v1", "Namespace", "trial-x", created=False)
    other = status.InventoryEntry("v1", "ConfigMap", "c", "trial-x", created=False)
    merged = status.Inventory((created,), "rel").with_entries((seen_again, other))
    assert merged == status.Inventory((created, other), "rel")


def test_a_condition_without_a_readable_time_gets_now_or_the_epoch() -> None:
    raw = {"conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "later"}]}
    assert status.TrialStatus.from_raw(raw, now=NOW).conditions[0].last_transition_time == NOW
    assert status.TrialStatus.from_raw(raw).conditions[0].last_transition_time == datetime(
        1970, 1, 1, tzinfo=UTC
    )
