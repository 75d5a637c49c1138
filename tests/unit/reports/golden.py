"""Golden files for report output: compare, or rewrite them with TOOLLAB_UPDATE_GOLDEN=1."""

from __future__ import annotations

import os

from tests.unit.reports import trial_samples


def assert_golden(name: str, actual: str) -> None:
    """`actual` equals tests/data/reports/golden/<name>; regenerate deliberately, then review the diff."""
    path = trial_samples.GOLDEN / name
    if os.environ.get("TOOLLAB_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    hint = "if the change is intended, rerun with TOOLLAB_UPDATE_GOLDEN=1 and review the diff"
    assert actual == expected, f"{name} differs from its golden file; {hint}"
