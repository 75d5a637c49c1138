"""`--kubeconfig` and `--context` as kubectl takes them: `toollab assert`, `toollab test` and the
kubectl commands a KUTTL step runs all reach the chosen context, whatever the file's current one is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from toollab.cli import main

SUITES = Path(__file__).resolve().parents[1] / "data" / "suites"


@pytest.fixture
def two_contexts(kubeconfig: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """A kubeconfig whose current context points at nothing, and the name of the one that works.

    $KUBECONFIG points at nothing at all, so only the flags can lead to the cluster.
    """
    config = yaml.safe_load(Path(kubeconfig).read_text())
    good = config["current-context"]
    config["clusters"].append({"name": "nowhere", "cluster": {"server": "https://127.0.0.1:1"}})
    user = config["contexts"][0]["context"]["user"]
    config["contexts"].append({"name": "broken", "context": {"cluster": "nowhere", "user": user}})
    config["current-context"] = "broken"
    path = tmp_path / "home" / "config"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(config))
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "absent"))
    return str(path), good


def test_assert_reaches_the_chosen_context(
    two_contexts: tuple[str, str],
    kube: Any,
    namespace: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, good = two_contexts
    kube.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "here"}}, namespace=namespace)
    expected = tmp_path / "expected.yaml"
    expected.write_text(json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "here"}}))
    argv = ["assert", "--namespace", namespace, "--timeout", "5", str(expected)]
    assert main.main([*argv, "--kubeconfig", path, "--context", good]) == 0
    assert capsys.readouterr().out.startswith("passed")
    assert main.main([*argv, "--kubeconfig", path, "--context", "nope"]) == 2
    err = capsys.readouterr().err
    assert (
        err == f"toollab assert: error: context 'nope' is not in the kubeconfig (contexts: {good}, broken)\n"
    )


def test_test_and_its_step_commands_use_the_chosen_context(
    two_contexts: tuple[str, str], kube: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """The basic suite runs `kubectl` in a step: it must reach the same cluster as toollab itself."""
    path, good = two_contexts
    status = main.main(["test", str(SUITES / "basic"), "--kubeconfig", path, "--context", good])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "workloads  step 2-commands  passed" in out
