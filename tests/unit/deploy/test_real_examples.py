"""examples/real/: trials of upstream projects (not run here: they need the internet and real nodes).

What can be checked offline is: they are valid ToolTrials (our parser and the CRD schema agree),
and each checks what its README promises.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from toollab.cli import main
from toollab.model import parse

REAL = Path(__file__).resolve().parents[3] / "examples" / "real"
TRIALS = sorted(REAL.glob("*/tooltrial.yaml"))


def load(name: str) -> dict[str, Any]:
    body: dict[str, Any] = yaml.safe_load((REAL / name / "tooltrial.yaml").read_text())
    return body


def step(body: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [s for s in body["spec"]["steps"] if s["name"] == name]
    return found


def test_the_three_tools_are_there() -> None:
    assert [p.parent.name for p in TRIALS] == ["falco", "linkerd", "litmuschaos"]
    for path in TRIALS:
        assert (path.parent / "README.md").exists()


@pytest.mark.parametrize("path", TRIALS, ids=[p.parent.name for p in TRIALS])
def test_trial_is_valid(path: Path) -> None:
    body = yaml.safe_load(path.read_text())
    assert parse.find_problems(body) == []
    parse.parse_trial(body)
    helm = body["spec"]["tool"]["helm"]
    assert helm["repo"].startswith("https://") and helm["version"]
    assert body["spec"]["serviceAccountName"] == "lab-runner"


def test_crd_schema_accepts_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert main.main(["validate", *map(str, TRIALS)]) == 0, capsys.readouterr()


def test_falco_checks_health_then_a_detection() -> None:
    body = load("falco")
    assert body["spec"]["tool"]["helm"]["values"]["driver"]["kind"] == "modern_ebpf"
    (daemonset,) = step(body, "running")["assert"][:1]
    assert (daemonset["kind"], daemonset["status"]["numberReady"]) == ("DaemonSet", 1)
    assert "/etc/shadow" in " ".join(step(body, "trigger")["run"]["command"])
    assert "Read sensitive file untrusted" in step(body, "detected")["run"]["command"][-1]


def test_litmus_deletes_pods_of_the_target_and_checks_it_recovers() -> None:
    body = load("litmuschaos")
    engine = step(body, "pod-delete")["apply"][0]
    assert engine["kind"] == "ChaosEngine"
    assert engine["spec"]["appinfo"]["appns"] == body["spec"]["target"]["namespace"]
    assert [e["name"] for e in engine["spec"]["experiments"]] == ["pod-delete"]
    result = step(body, "pod-delete")["assert"][1]
    assert result["metadata"]["name"] == f"{engine['metadata']['name']}-pod-delete"
    assert result["status"]["experimentStatus"]["verdict"] == "Pass"
    recovered = step(body, "recovers")["assert"][0]
    assert (recovered["metadata"]["name"], recovered["status"]["readyReplicas"]) == ("nginx", 2)


def test_linkerd_takes_its_certificates_from_a_secret() -> None:
    body = load("linkerd")
    assert body["spec"]["tool"]["helm"]["valuesFrom"] == [
        {"secretRef": {"name": "linkerd-identity", "key": "values.yaml"}}
    ]
    assert "values" not in body["spec"]["tool"]["helm"]
    readme = (REAL / "linkerd" / "README.md").read_text()
    assert "Gateway API" in readme and "linkerd-crds" in readme
    meshed = step(body, "injects")["assert"][0]
    assert meshed["metadata"]["labels"]["linkerd.io/control-plane-ns"] == "linkerd"
