"""The CLI's connection to the cluster: open it from the kubeconfig, close it, one-line errors.

Imports the client lazily, so commands that do not connect stay fast to start.
"""

from __future__ import annotations

from typing import Any

from toollab import errors
from toollab.cli import main


def one_line(exc: BaseException) -> str:
    """The first line of an error's message (its type name when empty)."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def live_cluster() -> Any:
    """A KubeCluster from $KUBECONFIG (or the in-cluster config); bad configuration is bad input."""
    from toollab.cluster import kube

    try:
        return kube.KubeCluster.from_kubeconfig()
    except errors.ToollabError as exc:
        raise main.UsageError(one_line(exc)) from exc


def close(cluster: object) -> None:
    """Close a live connection's pools (an in-process caller may run many commands)."""
    close_pools = getattr(cluster, "close", None)
    if callable(close_pools):
        close_pools()
