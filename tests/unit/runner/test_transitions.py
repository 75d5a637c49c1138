"""Status transitions: what a person sees in `.status` as a run moves along."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tests.unit.model import samples
from toollab.model import parse, status
from toollab.runner import transitions as tr

T0 = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)
TRIAL = parse.parse_trial(samples.TRIAL)
C = status.ConditionType


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def states(current: status.TrialStatus) -> dict[str, str]:
    return {str(c.type): f"{c.status}/{c.reason}" for c in current.conditions}


def installed() -> status.TrialStatus:
    current = tr.start_run(TRIAL, status.TrialStatus(), now=T0)
    current = tr.namespace_ready(current, created=True, now=at(0.5))
    info = status.InstallInfo("helm", "falco", "9.1.0", "0.44.1", 23, 4.1)
    entry = status.InventoryEntry("apps/v1", "DaemonSet", "falco", "trial-falco")
    return tr.install_succeeded(current, info, now=at(5), entries=(entry,), release="falco")


def test_start_run_resets_progress_for_the_new_generation() -> None:
    current = tr.start_run(TRIAL, status.TrialStatus(), now=T0)
    assert current.phase is status.Phase.PENDING
    assert current.run == status.RunInfo(
        3, T0, at(900), "trial-falco", False, "lab-runner", status.Stage.STARTED
    )
    assert [(s.name, s.phase) for s in current.steps] == [
        ("running", status.StepPhase.PENDING),
        ("chaos", status.StepPhase.PENDING),
        ("smoke", status.StepPhase.PENDING),
    ]
    assert current.passed_text == "0/3"
    assert states(current) == {
        "Ready": "Unknown/Progressing",
        "Reconciling": "True/Progressing",
        "Stalled": "False/Progressing",
        "Installed": "Unknown/Progressing",
        "Verified": "Unknown/Progressing",
    }
    assert all(c.observed_generation == 3 for c in current.conditions)


def test_start_run_keeps_the_last_verdict_and_what_is_installed() -> None:
    previous = tr.finish(installed(), status.Result.PASSED, status.Reason.PASSED, "3/3", now=at(60))
    again = tr.start_run(
        replace(TRIAL, generation=4), previous, now=at(100), default_service_account="fallback"
    )
    assert (again.observed_generation, again.result) == (3, status.Result.PASSED)
    assert again.inventory == previous.inventory
    assert again.run is not None and again.run.namespace_created  # created by the earlier run
    assert again.run.service_account == "lab-runner"  # spec wins over the operator default
    assert again.install is None and again.finished_at is None and again.time_to_ready_seconds is None
    default_identity = replace(TRIAL, service_account=None)
    assert (
        tr.start_run(
            default_identity, previous, now=at(100), default_service_account="fallback"
        ).run.service_account
        == "fallback"
    )  # type: ignore[union-attr]


def test_namespace_ready_records_a_created_namespace_for_cleanup() -> None:
    current = tr.namespace_ready(tr.start_run(TRIAL, status.TrialStatus(), now=T0), created=True, now=at(1))
    assert current.inventory.entries == (status.InventoryEntry("v1", "Namespace", "trial-falco", None, True),)
    assert current.run is not None and current.run.stage is status.Stage.NAMESPACE_READY
    assert current.phase is status.Phase.INSTALLING
    assert states(current)["Reconciling"] == "True/Installing"
    existing = tr.namespace_ready(tr.start_run(TRIAL, status.TrialStatus(), now=T0), created=False, now=at(1))
    assert (
        existing.inventory.entries == () and existing.run is not None and not existing.run.namespace_created
    )


def test_install_succeeded_moves_on_to_verifying() -> None:
    current = installed()
    assert current.phase is status.Phase.VERIFYING
    assert current.install == status.InstallInfo("helm", "falco", "9.1.0", "0.44.1", 23, 4.1)
    assert current.inventory.release == "falco"
    assert [e.kind for e in current.inventory.entries] == ["Namespace", "DaemonSet"]
    assert states(current)["Installed"] == "True/InstallSucceeded"
    assert states(current)["Reconciling"] == "True/Verifying"
    assert current.condition(C.READY).message == 'step 1/3 "running": starting'  # type: ignore[union-attr]


def test_begin_step_fixes_the_deadline_once() -> None:
    current = tr.begin_step(installed(), 0, timeout_seconds=300, now=at(6))
    again = tr.begin_step(current, 0, timeout_seconds=300, now=at(50))
    assert again.steps[0] == current.steps[0]
    assert current.steps[0].deadline == at(306) and current.steps[0].phase is status.StepPhase.RUNNING


def test_a_failed_attempt_shows_progress_and_what_differed() -> None:
    current = tr.begin_step(installed(), 0, timeout_seconds=300, now=at(6))
    current = tr.step_attempt_failed(
        current, 0, "DaemonSet trial-falco/falco: .status.numberReady: expected 1, got 0", now=at(7)
    )
    current = tr.step_attempt_failed(
        current, 0, "DaemonSet trial-falco/falco: .status.numberReady: expected 1, got 0", now=at(8.25)
    )
    step = current.steps[0]
    assert (step.attempts, step.seconds, step.phase) == (2, 2.2, status.StepPhase.RUNNING)
    assert "expected 1, got 0" in step.message
    assert current.condition(C.READY).message == 'step 1/3 "running": attempt 2 not passing yet'  # type: ignore[union-attr]
    assert states(current)["Ready"] == "Unknown/Progressing"


def test_step_applied_is_remembered() -> None:
    current = tr.step_applied(tr.begin_step(installed(), 1, timeout_seconds=30, now=at(6)), 1)
    assert current.steps[1].applied and not current.steps[0].applied


def test_step_passed_counts_and_clears_the_message() -> None:
    current = tr.begin_step(installed(), 0, timeout_seconds=300, now=at(6))
    current = tr.step_attempt_failed(current, 0, "not yet", now=at(7))
    current = tr.step_passed(current, 0, now=at(9))
    assert (current.steps[0].phase, current.steps[0].attempts, current.steps[0].message) == (
        status.StepPhase.PASSED,
        2,
        "",
    )
    assert (current.passed, current.current_step, current.passed_text) == (1, 1, "1/3")


def test_finish_passed_is_ready_with_time_to_ready() -> None:
    done = tr.finish(
        installed(), status.Result.PASSED, status.Reason.PASSED, "3/3 steps passed", now=at(45.3)
    )
    assert (done.phase, done.result, done.observed_generation) == (
        status.Phase.PASSED,
        status.Result.PASSED,
        3,
    )
    assert done.finished_at == at(45.3) and done.time_to_ready_seconds == 45.3
    assert done.run is not None and done.run.stage is status.Stage.FINISHED
    assert states(done) == {
        "Ready": "True/Passed",
        "Reconciling": "False/Passed",
        "Stalled": "False/Passed",
        "Installed": "True/InstallSucceeded",
        "Verified": "True/Passed",
    }


def test_finish_failed_marks_the_failing_step_and_skips_the_rest() -> None:
    current = tr.step_passed(tr.begin_step(installed(), 0, timeout_seconds=300, now=at(6)), 0, now=at(6))
    current = tr.step_attempt_failed(
        tr.begin_step(current, 1, timeout_seconds=30, now=at(7)), 1, "Pod gone", now=at(8)
    )
    done = tr.finish(
        current, status.Result.FAILED, status.Reason.ASSERTIONS_FAILED, "step 2 failed", now=at(40)
    )
    assert [s.phase for s in done.steps] == [
        status.StepPhase.PASSED,
        status.StepPhase.FAILED,
        status.StepPhase.SKIPPED,
    ]
    assert done.steps[1].message == "Pod gone"
    assert done.time_to_ready_seconds is None and done.observed_generation == 3
    assert (
        states(done)["Ready"] == "False/AssertionsFailed"
        and states(done)["Stalled"] == "True/AssertionsFailed"
    )
    assert states(done)["Verified"] == "False/AssertionsFailed"
    assert done.condition(C.READY).message == "step 2 failed"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "reason", [status.Reason.INSTALL_FAILED, status.Reason.FORBIDDEN, status.Reason.TIMEOUT]
)
def test_an_error_before_the_install_says_it_is_not_installed(reason: status.Reason) -> None:
    current = tr.namespace_ready(tr.start_run(TRIAL, status.TrialStatus(), now=T0), created=True, now=at(1))
    done = tr.finish(current, status.Result.ERROR, reason, "helm: chart not found", now=at(2))
    assert (done.phase, done.result) == (status.Phase.ERROR, status.Result.ERROR)
    assert states(done)["Ready"] == f"False/{reason}" and states(done)["Stalled"] == f"True/{reason}"
    assert states(done)["Installed"] == f"False/{reason}"
    assert [s.phase for s in done.steps] == [status.StepPhase.SKIPPED] * 3


def test_spec_invalid_is_a_permanent_error_for_that_generation() -> None:
    done = tr.spec_invalid(status.TrialStatus(), "spec.steps[1].timeout: bad", generation=7, now=T0)
    assert (done.phase, done.result, done.observed_generation) == (status.Phase.ERROR, status.Result.ERROR, 7)
    assert states(done) == {
        "Ready": "False/InvalidSpec",
        "Reconciling": "False/InvalidSpec",
        "Stalled": "True/InvalidSpec",
    }
    assert done.condition(C.READY).message == "spec.steps[1].timeout: bad"  # type: ignore[union-attr]


def test_retrying_keeps_the_phase_and_says_why() -> None:
    current = tr.retrying(installed(), "Unavailable", "API server unreachable", now=at(9))
    assert current.phase is status.Phase.VERIFYING
    assert states(current)["Reconciling"] == "True/ProgressingWithRetry"
    assert states(current)["Ready"] == "Unknown/Unavailable"


def test_post_run_cleanup_then_back_to_the_verdict() -> None:
    done = tr.finish(installed(), status.Result.PASSED, status.Reason.PASSED, "3/3", now=at(45))
    cleaning = tr.cleanup_started(done, now=at(46))
    assert cleaning.phase is status.Phase.CLEANING_UP
    assert states(cleaning)["Reconciling"] == "True/CleaningUp" and states(cleaning)["Ready"] == "True/Passed"
    cleaned = tr.cleaned_up(cleaning, now=at(50))
    assert cleaned.phase is status.Phase.PASSED and cleaned.inventory == status.Inventory()
    assert cleaned.run is not None and cleaned.run.stage is status.Stage.CLEANED_UP
    assert (
        states(cleaned)["Installed"] == "False/CleanedUp"
        and states(cleaned)["Reconciling"] == "False/CleanedUp"
    )
    assert cleaned.install == done.install  # the scoreboard still shows what was tried


def test_transitions_without_a_run_say_so() -> None:
    with pytest.raises(ValueError, match="start_run"):
        tr.namespace_ready(status.TrialStatus(), created=True, now=T0)
