"""Sample ToolTrials for the report tests: passed (falco), failed (litmus) and errored (linkerd)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from toollab.reports import scoreboard

DATA = Path(__file__).resolve().parents[2] / "data" / "reports"
TRIALS_FILE = DATA / "trials.yaml"
GOLDEN = DATA / "golden"


def load_bodies(path: Path = TRIALS_FILE) -> list[dict[str, Any]]:
    """The ToolTrial bodies of a sample file (default: the three of trials.yaml)."""
    return [dict(b) for b in scoreboard.collect_trials(yaml.safe_load_all(path.read_text()))]


def load_rows() -> list[scoreboard.Row]:
    """Scoreboard rows for the three sample trials."""
    return scoreboard.build_rows(load_bodies())


def trial(name: str = "demo", namespace: str = "lab", **status: Any) -> dict[str, Any]:
    """A minimal ToolTrial body with the given status fields (none: no status at all)."""
    body: dict[str, Any] = {
        "apiVersion": "toollab.dev/v1alpha1",
        "kind": "ToolTrial",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"tool": {"name": name, "manifests": {"inline": []}}},
    }
    if status:
        body["status"] = status
    return body
