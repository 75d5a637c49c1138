"""`toollab operator`'s start-up checks, before Kopf runs: each failure is one line naming what to do.

A kubeconfig, an API server that answers and accepts the credentials, the ToolTrial CRD, and the
rights to watch ToolTrials and write their status where the operator watches. Kopf itself would
retry each of these forever with a traceback; `cmd_operator` exits 2 with the line instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from toollab import errors
from toollab.cli import connect
from toollab.cluster import reviews
from toollab.model import trial

RBAC_HINT = "apply manifests/rbac.yaml (ClusterRole toollab-operator) or install the chart's RBAC"
# (verb, resource, subresource): what Kopf and the status writes need in every watched namespace
NEEDED = (("list", "tooltrials", ""), ("watch", "tooltrials", ""), ("patch", "tooltrials", "status"))


class StartupError(Exception):
    """The operator cannot start; the message is one line saying what to do."""


def check(
    cluster: Any,
    *,
    namespaces: Sequence[str],
    api_version: str = trial.API_VERSION,
    kind: str = trial.KIND,
) -> str:
    """Raise StartupError when the operator could not work; returns the identity it runs as."""
    try:
        cluster.server_version()
    except errors.ClusterError as exc:
        raise StartupError(_unreachable(cluster.host, exc)) from exc
    try:
        cluster.resource(api_version, kind)
    except errors.UnknownKind as exc:
        raise StartupError(
            f"the {kind} CRD is not installed in this cluster: kubectl apply -f crds/ "
            "(the chart and manifests/ include it)"
        ) from exc
    user = reviews.whoami(cluster) or "this identity"
    scopes: list[str | None] = [n for n in namespaces if not _is_pattern(n)] or [None]
    if any(_is_pattern(n) for n in namespaces):
        _require(cluster, user, "list", "namespaces", None, group="", subresource="")
    group = api_version.split("/")[0]
    for namespace in scopes:
        for verb, resource, subresource in NEEDED:
            _require(cluster, user, verb, resource, namespace, group=group, subresource=subresource)
    return user


def _require(
    cluster: Any, user: str, verb: str, resource: str, namespace: str | None, *, group: str, subresource: str
) -> None:
    if reviews.allowed(cluster, verb, resource, group=group, namespace=namespace, subresource=subresource):
        return
    what = f"{resource}/{subresource}" if subresource else resource
    where = f"in namespace {namespace}" if namespace else "cluster-wide"
    raise StartupError(f"{user} may not {verb} {what} {where}: {RBAC_HINT}")


def _unreachable(host: str, exc: errors.ClusterError) -> str:
    if exc.status == 401:
        return (
            f"the API server at {host} refused the credentials (401 Unauthorized): "
            "check the kubeconfig's user or token"
        )
    cause = re.search(r"\[Errno -?\d+\] ([^\"')]+)", str(exc))  # the socket's own words, without urllib3's
    return f"cannot reach the API server at {host}: {cause.group(1) if cause else connect.one_line(exc)}"


def _is_pattern(namespace: str) -> bool:
    """Kopf's namespace patterns: globs (`lab-*`) and negations (`!kube-system`)."""
    return any(ch in namespace for ch in "*?[!")


__all__ = ["NEEDED", "StartupError", "check"]
