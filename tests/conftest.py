"""Shared fixtures: tier markers by folder, and the local cluster for the cluster and e2e tiers.

The cluster fixtures reuse a running `make cluster` or start one; they never skip. When the
cluster cannot be had, they fail with the reason and what to run.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
# Namespaces of this test session start with this prefix, so that two sessions on one cluster
# (two developers, or a demo and a test run) never watch or clean up each other's objects.
SESSION_PREFIX = f"t{secrets.token_hex(2)}-"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests by tier folder: tests/cluster -> cluster, tests/e2e -> e2e, tests/realtools ->
    realtools (both also cluster)."""
    for item in items:
        parts = Path(str(item.fspath)).relative_to(REPO).parts
        if parts[:2] == ("tests", "cluster"):
            item.add_marker(pytest.mark.cluster)
        if parts[:2] == ("tests", "e2e"):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.cluster)
        if parts[:2] == ("tests", "realtools"):
            item.add_marker(pytest.mark.realtools)
            item.add_marker(pytest.mark.cluster)


@pytest.fixture(scope="session")
def kubeconfig() -> str:
    """The local cluster's kubeconfig path: reuses a healthy cluster or starts one."""
    from toollab.localcluster import pins, start, state

    os.environ.setdefault("TOOLLAB_STATE", str(REPO / ".run"))
    missing = [c for c in start.COMPONENTS if not (pins.bin_dir() / c).exists()]
    if missing:
        pytest.fail(f"local cluster tools missing ({', '.join(missing)}): run `make tools`", pytrace=False)
    try:
        record = start.up(log=lambda line: print(line))
    except Exception as exc:  # noqa: BLE001  # any failure to start is reported, never skipped
        pytest.fail(f"local cluster could not start: {exc}; start it with `make cluster`", pytrace=False)
    path = str(state.state_dir() / "kubeconfig")
    os.environ["KUBECONFIG"] = path
    tool_path = f"{REPO / '.venv' / 'bin'}:{pins.bin_dir()}"
    if tool_path not in os.environ.get("PATH", ""):
        os.environ["PATH"] = f"{tool_path}:{os.environ.get('PATH', '')}"
    assert record.kubeconfig.exists()
    return path


@pytest.fixture(scope="session")
def kube(kubeconfig: str) -> Iterator[Any]:
    """A KubeCluster acting as the local cluster's admin."""
    from toollab.cluster import kube as kube_module

    cluster = kube_module.KubeCluster.from_kubeconfig(kubeconfig)
    yield cluster
    cluster.close()


@pytest.fixture(scope="session")
def crds(kube: Any) -> list[str]:
    """The ToolTrial CRD applied once per session and Established."""
    import yaml

    names = []
    for path in sorted((REPO / "crds").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                kube.apply(doc, namespace=None)
                names.append(doc["metadata"]["name"])
    for name in names:
        _wait_established(kube, name)
    return names


def _wait_established(kube: Any, name: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        crd = kube.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", name=name, namespace=None)
        conditions = ((crd or {}).get("status") or {}).get("conditions") or []
        if any(c["type"] == "Established" and c["status"] == "True" for c in conditions):
            return
        time.sleep(0.2)
    pytest.fail(f"CRD {name} not Established after {timeout:.0f}s")


@pytest.fixture
def namespace(kube: Any) -> Iterator[str]:
    """A fresh namespace for one test (default ServiceAccount ready), deleted afterwards."""
    name = f"{SESSION_PREFIX}{secrets.token_hex(4)}"
    kube.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}, namespace=None)
    deadline = time.monotonic() + 30
    while kube.get("v1", "ServiceAccount", name="default", namespace=name) is None:
        if time.monotonic() > deadline:
            pytest.fail(f"namespace {name}: default ServiceAccount never appeared")
        time.sleep(0.1)
    yield name
    kube.delete("v1", "Namespace", name=name, namespace=None)
