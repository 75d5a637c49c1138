"""`make demo`'s pure parts: which trials count as done, what it prints, how it finds its examples."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from toollab.localcluster import demo, state


def body(
    *, phase: str | None, generation: int = 2, observed: int | None = 2, **status: Any
) -> dict[str, Any]:
    if phase is not None:
        status["phase"] = phase
    if observed is not None:
        status["observedGeneration"] = observed
    return {"metadata": {"name": "agent", "generation": generation}, "status": status}


@pytest.mark.parametrize(
    ("trial", "done"),
    [
        (body(phase="Passed"), True),
        (body(phase="Failed"), True),
        (body(phase="Error"), True),
        (body(phase="Verifying"), False),
        (body(phase="Passed", observed=1), False),  # the verdict of the previous generation
        (body(phase=None, observed=None), False),
        (None, False),
    ],
)
def test_a_trial_is_done_when_its_current_generation_has_a_verdict(trial: Any, done: bool) -> None:
    assert demo.has_verdict(trial) is done


def test_the_verdict_line_shows_name_phase_passed_and_run_time() -> None:
    trial = body(
        phase="Passed",
        passedText="4/4",
        startedAt="2026-01-01T10:00:00Z",
        finishedAt="2026-01-01T10:00:04.5Z",
    )
    line = demo.verdict_line("agent", trial, Path("02-helm-agent"))
    assert line.split() == ["agent", "Passed", "4/4", "run", "4.5s", "(02-helm-agent)"]


def test_the_failing_example_is_marked_as_meant_to_fail() -> None:
    trial = body(phase="Failed", passedText="1/3", startedAt="x", finishedAt="y")
    line = demo.verdict_line("strict-mode", trial, Path("06-failing-assertion"))
    assert "run ?" in line
    assert line.endswith("<- meant to fail")


def test_a_stuck_trial_is_named_with_its_step_and_message() -> None:
    steps = [
        {"name": "running"},
        {"name": "recovers", "message": "DaemonSet x/agent: numberReady: expected 3"},
    ]
    trial = body(phase="Verifying", currentStep=1, steps=steps)
    assert demo._stuck_line("agent", trial) == (
        "  agent: phase Verifying, step 'recovers': DaemonSet x/agent: numberReady: expected 3"
    )
    assert demo._stuck_line("web", None) == "  web: phase not started"


def test_the_demo_runs_every_numbered_example_into_the_lab_namespace() -> None:
    folders = demo.example_folders()
    assert [f.name[:2] for f in folders][:6] == ["01", "02", "03", "04", "05", "06"]
    for folder in folders:
        trial = yaml.safe_load((folder / "tooltrial.yaml").read_text())
        assert trial["metadata"]["namespace"] == demo.NAMESPACE, folder.name
        assert (folder / "expected-status.yaml").is_file(), folder.name
        helm = trial["spec"]["tool"].get("helm")
        if helm:  # the demo and the e2e test replace exactly this string
            assert helm["repo"] == demo.REPO_PLACEHOLDER, folder.name
            assert (demo.ROOT / "examples" / "charts" / helm["chart"]).is_dir(), folder.name
    assert {f.name for f in folders} >= demo.EXPECTED_TO_FAIL


def test_without_a_recorded_cluster_the_demo_says_to_run_make_cluster(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TOOLLAB_STATE", str(tmp_path))
    assert state.state_dir() == tmp_path
    assert demo.main() == 1
    assert capsys.readouterr().err == "demo: error: the local cluster is not running: run `make cluster`\n"


def test_stop_background_with_nothing_recorded_stops_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOOLLAB_STATE", str(tmp_path))
    lines: list[str] = []
    (tmp_path / "operator.pid").write_text(
        f"{os.getpid()}\n"
    )  # a PID that is not an operator: never signalled
    demo.stop_background(log=lines.append)
    assert lines == []
    assert not (tmp_path / "operator.pid").exists()


def test_the_demo_operator_is_the_shipped_one() -> None:
    """Its arguments are the Deployment's, and its kubeconfig authenticates only with the token."""
    from toollab.localcluster import lab

    (deployment,) = yaml.safe_load_all((demo.ROOT / "manifests" / "deployment.yaml").read_text())
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    shipped = [a for a in container["args"] if not a.startswith(("--liveness", "--metrics-address"))]
    assert list(lab.SHIPPED_ARGS) == shipped
    admin = {
        "clusters": [{"name": "local", "cluster": {"server": "https://127.0.0.1:1"}}],
        "users": [{"name": "admin", "user": {"client-key-data": "secret"}}],
        "contexts": [{"name": "local", "context": {"cluster": "local", "user": "admin"}}],
        "current-context": "local",
    }
    config = lab.token_kubeconfig(admin, "t0k3n")
    assert config["users"] == [{"name": "toollab-operator", "user": {"token": "t0k3n"}}]
    assert config["contexts"][0]["context"] == {"cluster": "local", "user": "toollab-operator"}
    assert "secret" not in str(config)
