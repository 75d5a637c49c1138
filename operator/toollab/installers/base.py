"""What every installer takes and returns: the install context and the install result.

Pure declarations; no I/O. Sources (`model.trial.HelmSource | ManifestSource`) and the
inventory (`model.records.InventoryEntry`) are the model's own types. The `Installer`
Protocol is what `runner.execute` calls: `install(ctx)`, then at cleanup
`uninstall(ctx, inventory_entries)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from toollab.cluster import port
from toollab.model import parts as model_parts
from toollab.model import records, trial

FIELD_MANAGER = "toollab"
DEFAULT_TIMEOUT_SECONDS = 300.0


class Method(StrEnum):
    """How a tool is installed (`status.install.method`)."""

    HELM = "helm"  # the helm CLI, `upgrade --install`
    MANIFESTS = "manifests"  # server-side apply of plain objects


def service_account_user(namespace: str, name: str) -> str:
    """The user name a ServiceAccount authenticates as (for impersonation)."""
    return f"system:serviceaccount:{namespace}:{name}"


@dataclass(frozen=True)
class InstallContext:
    """One trial as an installer sees it; `cluster` already impersonates `impersonate`."""

    trial_name: str
    trial_uid: str
    trial_namespace: str
    target_namespace: str
    cluster: port.Cluster
    impersonate: str | None = None  # e.g. system:serviceaccount:lab:runner; None: our own identity
    release: str = ""  # helm release name; empty means the trial's name
    tool_version: str = ""  # spec.tool.version: reported as the version of a manifests install
    allow_http: bool = False  # plain http:// repos and URLs (the tests serve on 127.0.0.1)
    kubeconfig: str | None = None  # for helm; None: helm's default (KUBECONFIG, in-cluster)
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS  # bound on one helm command
    namespace_going: bool = False  # the trial's own target namespace is being deleted, with all in it

    @classmethod
    def for_trial(
        cls,
        parsed: trial.ToolTrial,
        *,
        cluster: port.Cluster,
        impersonate: str | None = None,
        allow_http: bool = False,
        kubeconfig: str | None = None,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> InstallContext:
        """The context for a parsed trial."""
        return cls(
            trial_name=parsed.name,
            trial_uid=parsed.uid,
            trial_namespace=parsed.namespace,
            target_namespace=parsed.target.namespace,
            cluster=cluster,
            impersonate=impersonate,
            release=parsed.release_name,
            tool_version=parsed.tool.version or "",
            allow_http=allow_http,
            kubeconfig=kubeconfig,
            timeout_seconds=timeout_seconds,
        )

    @property
    def labels(self) -> dict[str, str]:
        """The trial's labels, for everything installed."""
        return {
            trial.LABEL_TRIAL: self.trial_name,
            trial.LABEL_TRIAL_NAMESPACE: self.trial_namespace,
            trial.LABEL_TRIAL_UID: self.trial_uid,
        }

    @property
    def release_name(self) -> str:
        """The helm release: fixed per trial, so `upgrade --install` is idempotent."""
        return self.release or self.trial_name


@dataclass(frozen=True)
class InstallResult:
    """What an install did: `status.install` plus the inventory for cleanup."""

    method: Method
    chart: str
    version: str
    app_version: str
    objects: tuple[records.InventoryEntry, ...]
    seconds: float
    release: str | None = None  # helm release name; None for manifests
    parts: tuple[model_parts.PartInfo, ...] = ()  # each part of a multi-part install

    @property
    def cluster_scoped_objects(self) -> int:
        """How many installed objects are cluster-scoped (created or not), for the footprint."""
        return sum(1 for entry in self.objects if entry.namespace is None)

    def info(self) -> records.InstallInfo:
        """`status.install`."""
        return records.InstallInfo(
            method=str(self.method),
            chart=self.chart,
            version=self.version,
            app_version=self.app_version,
            objects=len(self.objects),
            seconds=round(self.seconds, 1),
            parts=self.parts,
        )

    def inventory(self, before: records.Inventory | None = None) -> records.Inventory:
        """`status.inventory`: `before` (an earlier attempt's) plus this install's objects."""
        merged = (before or records.Inventory()).with_entries(self.objects)
        return records.Inventory(entries=merged.entries, release=self.release or merged.release)


class Installer(Protocol):
    """Installs one tool for one trial and removes exactly what it installed."""

    def install(self, ctx: InstallContext) -> InstallResult:
        """Install (idempotent: a repeated call converges, never installs twice)."""
        ...

    def uninstall(self, ctx: InstallContext, inventory: Sequence[records.InventoryEntry]) -> None:
        """Remove what `install` recorded; never objects that existed before (created=False)."""
        ...


__all__ = [
    "DEFAULT_TIMEOUT_SECONDS",
    "FIELD_MANAGER",
    "InstallContext",
    "InstallResult",
    "Installer",
    "Method",
    "service_account_user",
]
