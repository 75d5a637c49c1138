"""The operator, running in this process under Kopf's KopfRunner, for the e2e tier.

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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import conftest
from tests.support import chartserver


@pytest.fixture(scope="session")
def chart_repo(kubeconfig: str) -> Iterator[str]:
    """Our test charts, packaged and served over http on 127.0.0.1."""
    with chartserver.chart_repo("agent", "operator", "mesh") as url:
        yield url


@pytest.fixture(scope="session")
def operator(kubeconfig: str, crds: list[str]) -> Iterator[Any]:
    """The ToolTrial operator for this session's namespaces, allowed to fetch over http (the test servers)."""
    import kopf.testing

    os.environ["TOOLLAB_ALLOW_HTTP"] = "1"
    os.environ["TOOLLAB_HELM"] = str(chartserver.helm_path())
    args = ["run", "--standalone", "--namespace", f"{conftest.SESSION_PREFIX}*", "-m", "toollab.handlers"]
    with kopf.testing.KopfRunner(args, timeout=60) as runner:
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


@pytest.fixture
def other_namespace(kube: Any) -> Iterator[str]:
    """A fresh `r-*` namespace, outside the session operator's, for an operator of the test's own.

    Deleted afterwards; a ToolTrial still in it loses its finalizer first (its operator is gone
    by then), so the namespace never hangs in Terminating.
    """
    name = f"r-{secrets.token_hex(4)}"
    kube.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}, namespace=None)
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
def start_operator(kubeconfig: str, tmp_path: Path) -> Iterator[Callable[..., OperatorProcess]]:
    """Start `toollab operator --namespace NS` as a subprocess; every one started is killed at the end.

    The environment is this process's without TOOLLAB_* (the session operator's settings), so
    only the flags given here apply. Each one logs to `operator-N.log` in the test's tmp_path.
    """
    started: list[OperatorProcess] = []
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOOLLAB_")}
    env["KUBECONFIG"] = kubeconfig

    def start(namespace: str, *, helm: str | None = None, allow_http: bool = True) -> OperatorProcess:
        argv = [str(Path(sys.executable).parent / "toollab"), "operator", "--namespace", namespace]
        argv += ["--helm", helm or str(chartserver.helm_path())]
        argv += ["--allow-http"] if allow_http else []
        process = OperatorProcess(argv, env=env, log=tmp_path / f"operator-{len(started)}.log")
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            process.kill()
