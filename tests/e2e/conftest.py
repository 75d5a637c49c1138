"""The operator as shipped, running in this process under Kopf's KopfRunner, for the e2e tier.

It acts as the `toollab-operator` ServiceAccount with exactly the RBAC in manifests/ (a token
from the TokenRequest API, never the admin's credentials) and with the Deployment's arguments;
each test's namespace holds a tenant, `lab-runner`, granted as manifests/tenant-example/ grants
one, and trials name it. The admin connection (`kube`) is for the tests' own set-up and checks.

It watches only this session's namespaces (`SESSION_PREFIX*`, what the `namespace` fixture
creates), so a test that needs its own operator process (restarts) uses another prefix and
cannot collide with it, and neither can another test session on the same cluster.
"""

from __future__ import annotations

import contextlib
import gc
import os
import secrets
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests import conftest
from tests.support import chartserver, shipped

TENANT = shipped.TENANT_ACCOUNT


@pytest.fixture(scope="session")
def chart_repo(kubeconfig: str) -> Iterator[str]:
    """Our test charts, packaged and served over http on 127.0.0.1."""
    with chartserver.chart_repo("agent", "operator", "mesh") as url:
        yield url


@pytest.fixture(scope="session")
def operator_kubeconfig(kube: Any, kubeconfig: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A kubeconfig acting as the operator's ServiceAccount, with the shipped RBAC applied from manifests/."""
    path = shipped.operator_kubeconfig(kube, kubeconfig, tmp_path_factory.mktemp("operator") / "kubeconfig")
    shipped.apply_all(kube, shipped.tenant_cluster_roles())
    shipped.wait_aggregated(kube, "toollab-tenant", groups=["apps", "lab.toollab.dev"])
    return path


def operator_args(operator_kubeconfig: str) -> list[str]:
    """`toollab operator` as the Deployment runs it, plus what the tests need: their kubeconfig, helm
    from the tools cache, and http for the test chart servers."""
    helm = ["--helm", str(chartserver.helm_path()), "--kube-score", str(chartserver.kube_score_path())]
    return [*shipped.deployment_args(), "--kubeconfig", operator_kubeconfig, "--allow-http", *helm]


@pytest.fixture(scope="session")
def operator(kubeconfig: str, crds: list[str], operator_kubeconfig: str) -> Iterator[Any]:
    """The ToolTrial operator for this session's namespaces, as shipped (see the module docstring)."""
    import kopf.testing

    # one operator in this process: no Lease (the HA and sharding tests run replicas of their own)
    args = [*operator_args(operator_kubeconfig), "--no-leader-election"]
    os.environ.update(shipped.operator_environment(args))
    kopf_args = [
        "run",
        "--standalone",
        "--namespace",
        f"{conftest.SESSION_PREFIX}*",
        "-m",
        "toollab.handlers",
    ]
    with kopf.testing.KopfRunner(kopf_args, timeout=60) as runner:
        time.sleep(1.0)  # let the watchers start
        yield runner
    exception, exit_code, output = runner.exception, runner.exit_code, runner.output
    del runner
    # Kopf closes its event loop with its HTTP client's connections still open; they are only
    # garbage-collected later, each with a ResourceWarning (an error here). Collect them now.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    assert exception is None, exception
    assert exit_code == 0, output[-2000:]
    # the shipped RBAC was enough for Kopf itself (trials' own Forbidden errors are the tenants')
    assert "APIForbiddenError" not in output, output[output.index("APIForbiddenError") - 1000 :][:3000]


def wait_for(check: Callable[[], Any], *, timeout: float = 60.0, interval: float = 0.2) -> Any:
    """Poll until `check()` is truthy; fail with the last value after `timeout`."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"not reached within {timeout}s; last value: {value!r}")


@pytest.fixture
def trial_status(kube: Any) -> Callable[[str, str], dict[str, Any]]:
    """Read a trial's status (empty dict when none yet)."""

    def read(name: str, namespace: str) -> dict[str, Any]:
        body = kube.get("toollab.dev/v1alpha1", "ToolTrial", name=name, namespace=namespace)
        return dict((body or {}).get("status") or {})

    return read


@contextlib.contextmanager
def tenant(kube: Any, namespace: str, *, cluster_tools: bool = True) -> Iterator[str]:
    """tenant-example's `lab-runner` in `namespace`, granted as that folder grants it (cluster_tools:
    with its opt-in rights for cluster-scoped tools). Before the grants go, the trials still in the
    namespace are deleted, so that their cleanup still has the tenant's rights."""
    objects = shipped.tenant_objects(namespace, cluster_tools=cluster_tools)
    shipped.apply_all(kube, objects)
    try:
        yield TENANT
    finally:
        for name in shipped.leftover_trials(kube, namespace):
            kube.delete("toollab.dev/v1alpha1", "ToolTrial", name=name, namespace=namespace)
        with contextlib.suppress(AssertionError):  # an operator of the test's own may be gone
            wait_for(lambda: not list(shipped.leftover_trials(kube, namespace)), timeout=90)
        shipped.remove(kube, [o for o in objects if o["kind"] == "ClusterRoleBinding"])


@pytest.fixture
def namespace(
    namespace: str, kube: Any, operator_kubeconfig: str, request: pytest.FixtureRequest
) -> Iterator[str]:
    """The test's namespace (tests/conftest.py), holding the tenant `lab-runner` its trials name;
    marked `namespaced_tenant`, without the opt-in rights for cluster-scoped tools."""
    cluster_tools = request.node.get_closest_marker("namespaced_tenant") is None
    with tenant(kube, namespace, cluster_tools=cluster_tools):
        yield namespace


@pytest.fixture
def other_namespace(kube: Any, operator_kubeconfig: str) -> Iterator[str]:
    """A fresh `r-*` namespace with the tenant, outside the session operator's, for an operator of
    the test's own.

    Deleted afterwards; a ToolTrial still in it loses its finalizer first (its operator is gone
    by then), so the namespace never hangs in Terminating.
    """
    name = f"r-{secrets.token_hex(4)}"
    kube.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}, namespace=None)
    with tenant(kube, name):
        yield name
    info = kube.resource("toollab.dev/v1alpha1", "ToolTrial")
    for leftover in kube.list("toollab.dev/v1alpha1", "ToolTrial", namespace=name):
        path = kube.path(info, namespace=name, name=leftover["metadata"]["name"])
        body = {"metadata": {"finalizers": None}}
        kube.request("PATCH", path, body=body, content_type="application/merge-patch+json")
    kube.delete("v1", "Namespace", name=name, namespace=None)


class OperatorProcess:
    """`toollab operator` in a process group of its own (so its helm children die with it)."""

    def __init__(self, argv: list[str], *, env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("ab") as sink:
            self.popen = subprocess.Popen(
                argv, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
            )

    def kill(self) -> None:
        """SIGKILL the whole process group (the operator and any helm it started); idempotent."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    @property
    def alive(self) -> bool:
        """True while the operator process runs."""
        return self.popen.poll() is None

    def output(self, chars: int = 3000) -> str:
        """The end of the operator's log."""
        return self.log.read_text(errors="replace")[-chars:]


@pytest.fixture
def start_operator(
    kubeconfig: str, operator_kubeconfig: str, tmp_path: Path
) -> Iterator[Callable[..., OperatorProcess]]:
    """Start `toollab operator --namespace NS` as a subprocess, as shipped (the Deployment's
    arguments, the operator's ServiceAccount); every one started is killed at the end.

    The environment is this process's without TOOLLAB_* (the session operator's settings) and
    with the admin's KUBECONFIG, so only the flags given here apply. Each one logs to
    `operator-N.log` in the test's tmp_path.
    """
    started: list[OperatorProcess] = []
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOOLLAB_")}
    env["KUBECONFIG"] = kubeconfig  # what --kubeconfig must override

    def start(
        namespace: str, *, helm: str | None = None, allow_http: bool = True, extra: Sequence[str] = ()
    ) -> OperatorProcess:
        """`extra` arguments come last, so they override the defaults (e.g. another --kubeconfig)."""
        argv = [str(Path(sys.executable).parent / "toollab"), "operator", "--namespace", namespace]
        argv += [*shipped.deployment_args(), "--kubeconfig", operator_kubeconfig]
        # the Lease where the shipped Role allows it (POD_NAMESPACE in a pod)
        argv += ["--lease-namespace", shipped.OPERATOR_NAMESPACE]
        argv += ["--helm", helm or str(chartserver.helm_path())]
        argv += ["--allow-http"] if allow_http else []
        argv += list(extra)
        process = OperatorProcess(argv, env=env, log=tmp_path / f"operator-{len(started)}.log")
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            process.kill()
