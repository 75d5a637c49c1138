"""The real-tools tier: an operator process as shipped (its ServiceAccount and RBAC from
manifests/, the Deployment's arguments) watching this tier's own `rt*-` namespaces, each holding
the tenant `lab-runner` as tenant-example/ grants it; the built-in catalog applied; and the
upstream charts of the twelve tools served over http on 127.0.0.1.

The charts come from the offline mirror: TOOLLAB_CHART_MIRROR, else `../shared/charts` beside
the repository. Without one the tier skips with that reason, unless TOOLLAB_REQUIRE_CHART_MIRROR
is set (CI sets it), where a missing mirror fails.
"""

from __future__ import annotations

import os
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO
from tests.e2e.conftest import OperatorProcess, tenant
from tests.support import chartserver as test_charts
from tests.support import shipped
from toollab.localcluster import chartserver

CATALOG = REPO / "catalog"
PREFIX = f"rt{secrets.token_hex(2)}-"  # never matched by the e2e operator's `t....-*`


def mirror_path() -> Path:
    """The chart mirror folder (with index.yaml); skips or fails when there is none."""
    configured = os.environ.get("TOOLLAB_CHART_MIRROR")
    path = Path(configured) if configured else REPO.parent / "shared" / "charts"
    if (path / "index.yaml").exists():
        return path
    if os.environ.get("TOOLLAB_REQUIRE_CHART_MIRROR") or os.environ.get("CI"):
        pytest.fail(f"no chart mirror at {path} (TOOLLAB_REQUIRE_CHART_MIRROR is set)", pytrace=False)
    pytest.skip(f"no chart mirror at {path}: set TOOLLAB_CHART_MIRROR to the real charts folder")


@pytest.fixture(scope="session")
def mirror_repo() -> Iterator[str]:
    """The mirror served over http on 127.0.0.1 (its index.yaml holds relative URLs)."""
    with chartserver.serve_directory(mirror_path()) as url:
        yield url


@pytest.fixture(scope="session")
def catalog(kube: Any, crds: list[str]) -> list[str]:
    """The built-in ToolProfiles, applied as `make demo` applies them."""
    names = []
    for path in sorted(CATALOG.glob("*.yaml")):
        body = yaml.safe_load(path.read_text())
        kube.apply(body, namespace=None)
        names.append(body["metadata"]["name"])
    return names


@pytest.fixture(scope="session")
def real_operator(
    kube: Any, kubeconfig: str, crds: list[str], catalog: list[str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OperatorProcess]:
    """`toollab operator` for this tier's namespaces, as shipped; killed at the end."""
    folder = tmp_path_factory.mktemp("real-operator")
    operator_kubeconfig = shipped.operator_kubeconfig(kube, kubeconfig, folder / "kubeconfig")
    shipped.apply_all(kube, shipped.tenant_cluster_roles())
    shipped.wait_aggregated(kube, "toollab-tenant", groups=["apps", "litmuschaos.io"])
    argv = [str(Path(sys.executable).parent / "toollab"), "operator", "--namespace", f"{PREFIX}*"]
    argv += [*shipped.deployment_args(), "--kubeconfig", operator_kubeconfig]
    argv += ["--lease-namespace", shipped.OPERATOR_NAMESPACE, "--allow-http"]
    argv += ["--helm", str(test_charts.helm_path()), "--kube-score", str(test_charts.kube_score_path())]
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOOLLAB_")} | {"KUBECONFIG": kubeconfig}
    process = OperatorProcess(argv, env=env, log=folder / "operator.log")
    try:
        time.sleep(2.0)  # let it take its Lease and start watching
        assert process.alive, process.output()
        yield process
    finally:
        process.kill()


@pytest.fixture
def lab(kube: Any, real_operator: OperatorProcess) -> Iterator[str]:
    """A fresh namespace watched by the tier's operator, with the tenant `lab-runner`."""
    name = f"{PREFIX}{secrets.token_hex(3)}"
    kube.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}, namespace=None)
    with tenant(kube, name):
        yield name
    kube.delete("v1", "Namespace", name=name, namespace=None)


@pytest.fixture
def read_status(kube: Any) -> Callable[[str, str], dict[str, Any]]:
    """A trial's status (empty dict when none yet)."""

    def read(name: str, namespace: str) -> dict[str, Any]:
        body = kube.get("toollab.dev/v1alpha1", "ToolTrial", name=name, namespace=namespace)
        return dict((body or {}).get("status") or {})

    return read
