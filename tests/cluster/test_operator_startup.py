"""`toollab operator` that cannot work says why in one line and exits 2, at once, without a traceback:
no kubeconfig, an unreadable one, an API server that does not answer, refused credentials, an
identity without the rights to watch ToolTrials, and (checked through the same function) no CRD."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support import shipped
from toollab.cli import preflight
from toollab.cluster import kube as kube_module

QUICK_SECONDS = 20.0


def start(*args: str, env_kubeconfig: str) -> tuple[int, str, float]:
    """Run `toollab operator ARGS` to its end; (exit status, stderr, seconds)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TOOLLAB_", "KUBERNETES_"))}
    env["KUBECONFIG"] = env_kubeconfig
    argv = [str(Path(sys.executable).parent / "toollab"), "operator", *args]
    began = time.monotonic()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)
    return done.returncode, done.stderr, time.monotonic() - began


def assert_one_line(code: int, err: str, took: float, *, says: str) -> None:
    assert code == 2, err
    assert took < QUICK_SECONDS
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("toollab operator: error: "), err
    assert says in err, err


def with_user(kubeconfig: str, tmp_path: Path, **user: str) -> str:
    """The admin's kubeconfig authenticating with `user` (e.g. a token) instead."""
    config = json.loads(Path(kubeconfig).read_text())
    config["users"] = [{"name": "someone", "user": user}]
    for context in config["contexts"]:
        context["context"]["user"] = "someone"
    path = tmp_path / "kubeconfig"
    path.write_text(json.dumps(config))
    return str(path)


def test_no_kubeconfig(tmp_path: Path) -> None:
    code, err, took = start(env_kubeconfig=str(tmp_path / "none"))
    assert_one_line(code, err, took, says=f"no kubeconfig at {tmp_path / 'none'}: pass --kubeconfig")


def test_a_kubeconfig_that_is_not_one(tmp_path: Path) -> None:
    (tmp_path / "config").write_text("clusters: [\n")
    code, err, took = start("--kubeconfig", str(tmp_path / "config"), env_kubeconfig="")
    assert_one_line(code, err, took, says=f"kubeconfig {tmp_path / 'config'} is not valid YAML")


def test_an_api_server_that_does_not_answer(kubeconfig: str, tmp_path: Path) -> None:
    config = json.loads(Path(kubeconfig).read_text())
    config["clusters"][0]["cluster"]["server"] = "https://127.0.0.1:1"
    (tmp_path / "dead").write_text(json.dumps(config))
    code, err, took = start(env_kubeconfig=str(tmp_path / "dead"))
    assert_one_line(
        code, err, took, says="cannot reach the API server at https://127.0.0.1:1: Connection refused"
    )


def test_credentials_the_api_server_refuses(kubeconfig: str, tmp_path: Path) -> None:
    code, err, took = start(env_kubeconfig=with_user(kubeconfig, tmp_path, token="not-a-token"))
    assert_one_line(code, err, took, says="refused the credentials (401 Unauthorized)")


@pytest.mark.usefixtures("crds")
def test_an_identity_that_may_not_watch_tooltrials(
    kube: Any, kubeconfig: str, namespace: str, tmp_path: Path
) -> None:
    kube.apply(
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "nobody"}}, namespace=namespace
    )
    token = shipped.token_for(kube, namespace, "nobody", seconds=600)
    user = f"system:serviceaccount:{namespace}:nobody"
    code, err, took = start(env_kubeconfig=with_user(kubeconfig, tmp_path, token=token))
    assert_one_line(
        code, err, took, says=f"{user} may not list tooltrials cluster-wide: apply manifests/rbac.yaml"
    )
    code, err, took = start("-n", "lab-*", env_kubeconfig=with_user(kubeconfig, tmp_path, token=token))
    assert_one_line(code, err, took, says=f"{user} may not list namespaces cluster-wide")
    code, err, took = start("-n", namespace, env_kubeconfig=with_user(kubeconfig, tmp_path, token=token))
    assert_one_line(code, err, took, says=f"may not list tooltrials in namespace {namespace}")


@pytest.mark.usefixtures("crds")
def test_the_shipped_identity_passes_the_checks(kube: Any, kubeconfig: str, tmp_path: Path) -> None:
    path = shipped.operator_kubeconfig(kube, kubeconfig, tmp_path / "operator")
    cluster = kube_module.KubeCluster.from_kubeconfig(path)
    try:
        user = preflight.check(cluster, namespaces=[])
        assert user == "system:serviceaccount:toollab-system:toollab-operator"
        assert preflight.check(cluster, namespaces=["lab-*", "lab"]) == user
    finally:
        cluster.close()


def test_a_cluster_without_the_crd(kube: Any) -> None:
    """The same check for a kind this API server does not serve (the shared cluster keeps its CRD)."""
    with pytest.raises(preflight.StartupError) as caught:
        preflight.check(kube, namespaces=[], api_version="absent.toollab.dev/v1", kind="Absent")
    assert str(caught.value) == (
        "the Absent CRD is not installed in this cluster: "
        "kubectl apply -f crds/ (the chart and manifests/ include it)"
    )
