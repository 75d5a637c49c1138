"""The regression metrics follow the events a pass posts: set on Regressed, cleared on a pass."""

from __future__ import annotations

from prometheus_client import REGISTRY

from toollab.handlers import metrics
from toollab.runner.deps import Event

LABELS = {"namespace": "lab", "name": "unit-metrics"}


def regressed() -> float | None:
    return REGISTRY.get_sample_value("toollab_trial_regressed", LABELS)


def regressions() -> float | None:
    return REGISTRY.get_sample_value("toollab_regressions_total", LABELS)


def test_a_regression_sets_the_gauge_until_the_trial_passes_again() -> None:
    metrics.observe(
        "lab", "unit-metrics", [Event("Warning", "AssertionsFailed", "m"), Event("Warning", "Regressed", "m")]
    )
    assert regressed() == 1 and regressions() == 1
    metrics.observe("lab", "unit-metrics", [Event("Normal", "Scored", "m")])
    assert regressed() == 1  # other events leave it alone
    metrics.observe("lab", "unit-metrics", [Event("Normal", "TrialPassed", "3/3 steps passed")])
    assert regressed() == 0 and regressions() == 1


def test_a_deleted_trial_leaves_no_series() -> None:
    metrics.observe("lab", "unit-metrics", [Event("Warning", "Regressed", "m")])
    metrics.forget("lab", "unit-metrics")
    assert regressed() is None and regressions() is None
    metrics.forget("lab", "unit-metrics")  # twice is fine
