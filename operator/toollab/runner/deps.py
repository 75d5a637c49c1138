"""What the operator's runner needs from outside: clusters per identity, flags, a pause.

Pure declarations and one constructor; the Kopf shell builds it once per operator.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from toollab.cluster import port
from toollab.installers import base, process


class OperatorCluster(port.Cluster, Protocol):
    """The operator's own connection: the Cluster protocol, status writes and impersonation."""

    def patch_status(
        self, api_version: str, kind: str, *, name: str, namespace: str | None, status: Mapping[str, Any]
    ) -> dict[str, Any]:
        """A merge patch of the status subresource."""
        ...

    def patch(
        self, api_version: str, kind: str, *, name: str, namespace: str | None, patch: Mapping[str, Any]
    ) -> dict[str, Any]:
        """A merge patch of the object (metadata.resourceVersion in it makes it conditional)."""
        ...

    def replace(self, obj: port.Object, *, namespace: str | None) -> dict[str, Any]:
        """PUT the whole object (Conflict when its resourceVersion is stale)."""
        ...

    def create(self, obj: port.Object, *, namespace: str | None) -> dict[str, Any]:
        """A plain create (only the `create` verb); raises Conflict when it exists."""
        ...

    def impersonating(self, user: str | None) -> OperatorCluster:
        """The same server, acting as `user` (None: as the operator)."""
        ...

    def dry_run_apply_warnings(self, obj: Mapping[str, Any], *, namespace: str | None) -> tuple[str, ...]:
        """The API server's warnings for applying `obj`, without applying it."""
        ...

    def server_version(self) -> str:
        """The API server's gitVersion."""
        ...


@dataclass(frozen=True)
class Event:
    """A Kubernetes event to post on the trial."""

    type: str  # Normal | Warning
    reason: str
    message: str
    action: str = ""  # what the runner was doing (Install, Finish...), for the operator's log


def _pause(seconds: float) -> None:
    threading.Event().wait(seconds)


def _clock() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


@dataclass(frozen=True)
class Dependencies:
    """The operator's connection, its flags, and how to wait inside a pass."""

    cluster: OperatorCluster
    default_service_account: str | None = None
    allow_http: bool = False
    helm_path: str = "helm"
    kubeconfig: str | None = None
    context: str | None = None  # the kubeconfig context (helm's --kube-context); None: its current one
    tenant_role: str | None = (
        None  # ClusterRole granted to a trial's named ServiceAccount in a created namespace
    )
    pause: Callable[[float], None] = _pause
    clock: Callable[[], datetime.datetime] = _clock  # when an attempt's work ended (step durations)
    lease_namespace: str = "default"  # where the cluster-singleton tools' Leases live (the operator's)
    kube_score: str = "kube-score"  # the scorecard's workload checker (name on PATH, or a path)
    runner: process.ProcessRunner = field(default_factory=process.SubprocessRunner)  # for the checkers

    def user_for(self, namespace: str, service_account: str | None) -> str | None:
        """The identity a trial acts as: its ServiceAccount, or the operator when None."""
        return base.service_account_user(namespace, service_account) if service_account else None

    def cluster_for(self, user: str | None) -> port.Cluster:
        """A connection acting as `user`."""
        return self.cluster.impersonating(user)
