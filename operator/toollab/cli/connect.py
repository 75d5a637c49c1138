"""The CLI's connection to the cluster: `--kubeconfig` and `--context`, open, close, one-line errors.

Imports the client lazily, so commands that do not connect stay fast to start.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from toollab import errors
from toollab.cli import main
from toollab.cluster import kubeconfig as kubeconfigs


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`--kubeconfig PATH` and `--context NAME`, as kubectl spells them."""
    parser.add_argument(
        "--kubeconfig", metavar="PATH", help="kubeconfig to use (default: $KUBECONFIG, ~/.kube/config)"
    )
    parser.add_argument(
        "--context", metavar="NAME", help="kubeconfig context to use (default: the current one)"
    )


def one_line(exc: BaseException) -> str:
    """The first line of an error's message (its type name when empty)."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def missing_kubeconfig(path: str | None) -> str | None:
    """Why no cluster can be reached (no kubeconfig file, not in a pod); None when one can be tried."""
    paths = kubeconfigs.kubeconfig_paths(path)
    if any(p.exists() for p in paths) or "KUBERNETES_SERVICE_HOST" in os.environ:
        return None
    return f"no kubeconfig at {', '.join(str(p) for p in paths)}"


def open_cluster(path: str | None = None, context: str | None = None) -> Any:
    """A KubeCluster from the kubeconfig (or the in-cluster config); raises ToollabError."""
    from toollab.cluster import kube

    problem = missing_kubeconfig(path)
    if problem:
        raise errors.InputError(f"{problem}: pass --kubeconfig or set KUBECONFIG")
    kubeconfigs.check(path, context)
    return kube.KubeCluster.from_kubeconfig(kubeconfigs.first_path(path), context=context)


def live_cluster(path: str | None = None, context: str | None = None) -> Any:
    """`open_cluster`, with bad configuration reported as bad input (exit 2, one line)."""
    try:
        return open_cluster(path, context)
    except errors.ToollabError as exc:
        raise main.UsageError(one_line(exc)) from exc


def child_kubeconfig(path: str | None, context: str | None) -> str | None:
    """The kubeconfig for child processes (kubectl in test steps): with --context, a private copy
    whose current context is that one, removed at exit."""
    if not context:
        return kubeconfigs.absolute_list(path)  # kubectl merges a list itself
    try:
        return kubeconfigs.for_children_until_exit(kubeconfigs.first_path(path), context)
    except errors.ToollabError as exc:
        raise main.UsageError(one_line(exc)) from exc


def close(cluster: object) -> None:
    """Close a live connection's pools (an in-process caller may run many commands)."""
    close_pools = getattr(cluster, "close", None)
    if callable(close_pools):
        close_pools()
