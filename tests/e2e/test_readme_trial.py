"""The README's "Writing a trial" example, applied verbatim: it passes in a lab set up as `make demo`
sets one up (the shipped operator, tenant-example's lab-runner), and its printed verdict is true."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tests.e2e import trials

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_trial() -> dict[str, Any]:
    """The first yaml block of the section "## Writing a trial"."""
    text = README.read_text()
    section = text[text.index("## Writing a trial\n") :]
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block, "README: no yaml block under Writing a trial"
    body: dict[str, Any] = yaml.safe_load(block.group(1))
    return body


def test_the_readme_trial_applies_verbatim_and_passes(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    body = readme_trial()
    assert "namespace" not in body["metadata"]  # `kubectl apply -n lab` puts it in the lab
    name = body["metadata"]["name"]
    target = f"trial-{name}"
    if kube.get("v1", "Namespace", name=target, namespace=None) is not None:  # an earlier run's
        kube.delete("v1", "Namespace", name=target, namespace=None)
        trials.wait_gone(kube, "v1", "Namespace", target, None, timeout=90)
    kube.create_or_merge(body, namespace=namespace)
    try:
        status = trials.wait_phase(trial_status, name, namespace, "Passed", "Failed", "Error", timeout=90)
        assert status["phase"] == "Passed", trials.condition(status, "Ready")
        assert status["passedText"] == "3/3" and status["run"]["serviceAccount"] == "lab-runner"
        assert status["run"]["targetNamespace"] == target
        printed = re.search(rf"^{name}\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", README.read_text(), re.MULTILINE)
        assert printed is not None
        tool, version, phase, passed = printed.groups()
        assert (tool, version, phase, passed) == (body["spec"]["tool"]["name"], "1.27", "Passed", "3/3")
    finally:
        trials.delete_trial(kube, name, namespace, timeout=90)
    trials.wait_gone(kube, "v1", "Namespace", target, None, timeout=90)
