"""Every examples/NN-*/ is an e2e test: its trial reaches its expected-status.yaml, then cleans up.

Each trial goes into the test's namespace with the chart repository placeholder replaced by the
test chart server's URL, and its target namespace renamed `<namespace>-NN` (in the expected
status too, where messages and names carry it), so examples never clash with each other or
with `make demo`'s lab.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.e2e.conftest import wait_for
from toollab.assertions import kuttl, selection, verdict
from toollab.reports import text

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
EXAMPLES = sorted(p for p in EXAMPLES_DIR.glob("[0-9][0-9]-*") if p.is_dir())
REPO_PLACEHOLDER = "http://127.0.0.1:8879"
API_VERSION = "toollab.dev/v1alpha1"
VERDICTS = {"Passed", "Failed", "Error"}
VERDICT_TIMEOUT = 180.0  # seconds: helm installs on a busy 2-core machine
SETTLE_TIMEOUT = 30.0  # seconds after the verdict for post-run cleanup to show in status


def original_target(trial: dict[str, Any]) -> str:
    """The example's own target namespace: spec.target.namespace, else `trial-<name>`."""
    target = (trial.get("spec") or {}).get("target") or {}
    return str(target.get("namespace") or f"trial-{trial['metadata']['name']}")


def load_example(folder: Path, *, repo: str, namespace: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The example's trial and expected status, rewritten for `namespace` and the chart server `repo`."""
    trial_text = (folder / "tooltrial.yaml").read_text()
    old_target = original_target(yaml.safe_load(trial_text))
    new_target = f"{namespace}-{folder.name[:2]}"

    def rewrite(source: str) -> dict[str, Any]:
        doc: dict[str, Any] = yaml.safe_load(
            source.replace(REPO_PLACEHOLDER, repo).replace(old_target, new_target)
        )
        doc["metadata"]["namespace"] = namespace
        return doc

    trial = rewrite(trial_text)
    trial["spec"].setdefault("target", {})["namespace"] = new_target
    return trial, rewrite((folder / "expected-status.yaml").read_text())


def failure_text(expected: dict[str, Any], actual: dict[str, Any], namespace: str) -> str:
    """The mismatches as toollab prints them: header, bullets, diff."""
    lookup = selection.lookup_for(expected, test_namespace=namespace, namespaced=True)
    failure = verdict.judge_assert(expected, [actual], lookup=lookup)
    return text.format_outcome(verdict.fold([failure]), verbose=True)


def wait_for_expected(read: Callable[[], dict[str, Any]], expected: dict[str, Any], namespace: str) -> str:
    """'' once the trial matches `expected`; else, after SETTLE_TIMEOUT, why it does not."""
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while True:
        actual = read()
        if not kuttl.match(expected, actual):
            return ""
        if time.monotonic() > deadline:
            status = actual.get("status") or {}
            steps = [(s.get("name"), s.get("phase"), s.get("message")) for s in status.get("steps", [])]
            ready = [c.get("message") for c in status.get("conditions", []) if c.get("type") == "Ready"]
            return f"{failure_text(expected, actual, namespace)}\nReady: {ready}\nsteps: {steps}"
        time.sleep(0.5)


def test_the_examples_are_found() -> None:
    assert len(EXAMPLES) >= 6, [p.name for p in EXAMPLES]
    for folder in EXAMPLES:
        assert {"tooltrial.yaml", "expected-status.yaml", "README.md"} <= {p.name for p in folder.iterdir()}


@pytest.mark.parametrize("folder", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_reaches_its_expected_status_and_cleans_up(
    folder: Path, operator: Any, chart_repo: str, kube: Any, namespace: str, trial_status: Any
) -> None:
    trial, expected = load_example(folder, repo=chart_repo, namespace=namespace)
    name, target = trial["metadata"]["name"], trial["spec"]["target"]["namespace"]

    def read() -> dict[str, Any]:
        return dict(kube.get(API_VERSION, "ToolTrial", name=name, namespace=namespace) or {})

    kube.create_or_merge(trial, namespace=namespace)
    try:
        wait_for(lambda: trial_status(name, namespace).get("phase") in VERDICTS, timeout=VERDICT_TIMEOUT)
        problem = wait_for_expected(read, expected, namespace)
        if problem:
            pytest.fail(f"{folder.name} missed its expected-status.yaml:\n{problem}", pytrace=False)
    finally:
        kube.delete(API_VERSION, "ToolTrial", name=name, namespace=namespace)
        wait_for(lambda: not read(), timeout=90)
        wait_for(lambda: kube.get("v1", "Namespace", name=target, namespace=None) is None, timeout=90)
