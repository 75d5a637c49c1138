"""The operator's Helm chart installs on the local cluster (kwok runs its pod), and an operator
with exactly the chart's RBAC and arguments (a token of the chart's ServiceAccount) runs a trial."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.e2e import trials
from tests.e2e.conftest import OperatorProcess, wait_for
from tests.support import shipped

CHART = Path(__file__).resolve().parents[2] / "charts" / "toollab"


@pytest.fixture
def release(kube: Any, kubeconfig: str, crds: list[str], other_namespace: str) -> Iterator[tuple[str, str]]:
    """The chart installed as a fresh release into its own namespace, watching `other_namespace`."""
    name = f"tl-{secrets.token_hex(3)}"
    namespace = f"{name}-system"
    install = ["install", name, str(CHART), "--namespace", namespace, "--create-namespace"]
    values = ["--set", f"watchNamespaces={{{other_namespace}}}", "--set", "allowHttp=true"]
    # the catalog's ToolProfiles are cluster-wide, fixed names: the session's (kubectl-applied) stay
    values += ["--set", "catalog.install=false"]
    trials.run_tool("helm", *install, *values, kubeconfig=kubeconfig)
    try:
        yield name, namespace
    finally:
        for leftover in shipped.leftover_trials(kube, other_namespace):  # while the operator runs
            trials.delete_trial(kube, leftover, other_namespace)
        trials.run_tool("helm", "uninstall", name, "--namespace", namespace, kubeconfig=kubeconfig)
        kube.delete("v1", "Namespace", name=namespace, namespace=None)


def test_the_chart_installs_and_its_rbac_runs_the_operator(
    kube: Any,
    kubeconfig: str,
    release: tuple[str, str],
    other_namespace: str,
    start_operator: Callable[..., OperatorProcess],
    trial_status: Any,
    tmp_path: Path,
) -> None:
    name, namespace = release
    deployment = f"{name}-toollab-operator"

    def available() -> bool:  # kwok runs the operator's pod (its image is never pulled)
        found = kube.get("apps/v1", "Deployment", name=deployment, namespace=namespace) or {}
        wanted = (found.get("spec") or {}).get("replicas")
        return wanted == 2 and (found.get("status") or {}).get("availableReplicas") == wanted  # one acts

    wait_for(available, timeout=60)

    manifest = trials.run_tool(
        "helm", "get", "manifest", name, "--namespace", namespace, kubeconfig=kubeconfig
    )
    (rendered,) = [d for d in yaml.safe_load_all(manifest) if d and d["kind"] == "Deployment"]
    (container,) = rendered["spec"]["template"]["spec"]["containers"]
    # the endpoints' fixed ports stay out (other operators of the session); the Lease goes where the
    # chart's Role grants it, the release namespace (POD_NAMESPACE in the pod)
    args = [
        a for a in container["args"] if not a.startswith(("--liveness", "--namespace", "--metrics-address"))
    ]
    args += ["--lease-namespace", namespace]
    assert f"--namespace={other_namespace}" in container["args"]
    assert f"--tenant-role={name}-toollab-tenant" in args

    token = shipped.token_for(kube, namespace, f"{name}-toollab-operator")
    as_chart = shipped.write_token_kubeconfig(kubeconfig, token, tmp_path / "chart-operator", user=deployment)
    process = start_operator(other_namespace, extra=[*args, "--kubeconfig", as_chart])
    body = trials.web_trial(
        "charted", other_namespace, f"{other_namespace}-charted", cleanup={"policy": "Retain"}
    )
    with trials.created(kube, body):
        status = trials.wait_phase(trial_status, "charted", other_namespace, "Passed", "Failed", "Error")
        assert status["phase"] == "Passed", trials.condition(status, "Ready")
        (grant,) = kube.list(
            "rbac.authorization.k8s.io/v1", "RoleBinding", namespace=f"{other_namespace}-charted"
        )
        assert grant["roleRef"]["name"] == f"{name}-toollab-tenant"
    assert process.alive
    assert "forbidden" not in process.output(chars=200_000).lower()
