"""The operator, running in this process under Kopf's KopfRunner, for the e2e tier.

It watches only namespaces named `t-*` (what the `namespace` fixture creates), so a test that
needs its own operator process (restarts) uses another prefix and cannot collide with it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support import chartserver


@pytest.fixture(scope="session")
def chart_repo(kubeconfig: str) -> Iterator[str]:
    """Our test charts, packaged and served over http on 127.0.0.1."""
    with chartserver.chart_repo("agent", "operator", "mesh") as url:
        yield url


@pytest.fixture(scope="session")
def operator(kubeconfig: str, crds: list[str]) -> Iterator[Any]:
    """The ToolTrial operator for namespaces `t-*`, allowed to fetch over http (the test servers)."""
    import kopf.testing

    os.environ["TOOLLAB_ALLOW_HTTP"] = "1"
    os.environ["TOOLLAB_HELM"] = str(chartserver.helm_path())
    args = ["run", "--standalone", "--namespace", "t-*", "-m", "toollab.handlers"]
    with kopf.testing.KopfRunner(args, timeout=60) as runner:
        time.sleep(1.0)  # let the watchers start
        yield runner
    assert runner.exception is None, runner.exception
    assert runner.exit_code == 0, runner.output[-2000:]


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
