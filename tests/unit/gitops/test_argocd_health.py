"""The Argo CD health check (gitops/argocd/health.lua), run by a real Lua 5.1 interpreter (lupa).

Argo CD runs health checks with gopher-lua, a Lua 5.1: the script gets the object as the global
`obj` and returns `{status, message}`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from lupa import lua51

GITOPS = Path(__file__).resolve().parents[3] / "gitops" / "argocd"
SCRIPT = (GITOPS / "health.lua").read_text()


def health(obj: dict[str, Any]) -> tuple[str, str]:
    """Run the script as Argo CD does and return (status, message)."""
    lua = lua51.LuaRuntime(unpack_returned_tuples=True)
    lua.globals().obj = lua.table_from(obj, recursive=True)
    result = lua.execute(SCRIPT)
    return str(result["status"]), str(result["message"])


def trial(generation: int = 1, **status: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "apiVersion": "toollab.dev/v1alpha1",
        "kind": "ToolTrial",
        "metadata": {"name": "falco", "namespace": "lab", "generation": generation},
        "spec": {"tool": {"name": "falco"}},
    }
    if status:
        body["status"] = status
    return body


def condition(kind: str, status: str, reason: str, message: str = "", generation: int = 1) -> dict[str, Any]:
    return {
        "type": kind,
        "status": status,
        "reason": reason,
        "message": message,
        "observedGeneration": generation,
    }


RUNNING = [
    condition("Ready", "Unknown", "Progressing", "asserting step running"),
    condition("Reconciling", "True", "Progressing", "asserting step running"),
]
PASSED = [
    condition("Ready", "True", "Passed", "3/3 steps passed"),
    condition("Reconciling", "False", "Passed"),
    condition("Stalled", "False", "Passed"),
]
FAILED = [
    condition("Ready", "False", "AssertionsFailed", "step running: DaemonSet trial-falco/falco: numberReady"),
    condition(
        "Stalled", "True", "AssertionsFailed", "step running: DaemonSet trial-falco/falco: numberReady"
    ),
]
ERRORED = [
    condition("Ready", "False", "InstallFailed", "helm: chart falco-9.9.9 not found"),
    condition("Stalled", "True", "InstallFailed", "helm: chart falco-9.9.9 not found"),
]


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        pytest.param(
            trial(), ("Progressing", "Waiting for the toollab operator to pick up the trial"), id="no-status"
        ),
        pytest.param(
            trial(phase="Verifying", conditions=RUNNING), ("Progressing", ""), id="running-first-run"
        ),
        pytest.param(
            trial(phase="Passed", observedGeneration=1, result="Passed", conditions=PASSED),
            ("Healthy", "3/3 steps passed"),
            id="passed",
        ),
        pytest.param(
            trial(phase="Failed", observedGeneration=1, result="Failed", conditions=FAILED),
            ("Degraded", "step running: DaemonSet trial-falco/falco: numberReady"),
            id="failed",
        ),
        pytest.param(
            trial(phase="Error", observedGeneration=1, result="Error", conditions=ERRORED),
            ("Degraded", "helm: chart falco-9.9.9 not found"),
            id="error",
        ),
        pytest.param(
            trial(generation=2, phase="Passed", observedGeneration=1, result="Passed", conditions=PASSED),
            ("Progressing", "Running the trial for the latest spec (phase Passed)"),
            id="passed-but-old-generation",
        ),
        pytest.param(
            trial(
                generation=3, phase="Installing", observedGeneration=2, result="Failed", conditions=RUNNING
            ),
            ("Progressing", "Running the trial for the latest spec (phase Installing)"),
            id="rerun-after-failure",
        ),
        pytest.param(
            trial(phase="CleaningUp", observedGeneration=1, result="Passed", conditions=PASSED),
            ("Healthy", "3/3 steps passed"),
            id="post-run-cleanup-keeps-verdict",
        ),
        pytest.param(
            trial(phase="Error", observedGeneration=1, result="Error"),
            ("Degraded", "Trial Error"),
            id="error-without-conditions",
        ),
    ],
)
def test_health(obj: dict[str, Any], expected: tuple[str, str]) -> None:
    status, message = health(obj)
    assert status == expected[0]
    if expected[1]:
        assert message == expected[1]


def test_stalled_wins_even_if_the_phase_lags() -> None:
    obj = trial(phase="Verifying", observedGeneration=1, conditions=FAILED)
    assert health(obj)[0] == "Degraded"


def test_running_reports_what_it_is_doing() -> None:
    assert health(trial(phase="Verifying", observedGeneration=1, conditions=RUNNING)) == (
        "Progressing",
        "asserting step running",
    )


def test_argocd_cm_patch_carries_the_same_script() -> None:
    patch = yaml.safe_load((GITOPS / "argocd-cm-patch.yaml").read_text())
    assert (patch["kind"], patch["metadata"]["name"]) == ("ConfigMap", "argocd-cm")
    assert patch["data"]["resource.customizations.health.toollab.dev_ToolTrial"] == SCRIPT
