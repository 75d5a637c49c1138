"""The `Cluster` protocol: everything toollab asks of a Kubernetes API server.

Pure declarations: implementations are `KubeCluster` (the real API server) and
`ObjectsCluster` (a fixed set of objects, for offline `toollab assert --actual`).
Methods raise `toollab.errors.ClusterError` subclasses, never a client library's errors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

Object = Mapping[str, Any]


@dataclass(frozen=True)
class ResourceInfo:
    """What discovery knows of a kind: its plural name and whether it is namespaced."""

    api_version: str
    kind: str
    plural: str
    namespaced: bool


class Cluster(Protocol):
    """A Kubernetes API server as toollab uses it."""

    def resource(self, api_version: str, kind: str) -> ResourceInfo:
        """Discovery for one kind; raises UnknownKind when the server does not serve it."""
        ...

    def get(self, api_version: str, kind: str, *, name: str, namespace: str | None) -> dict[str, Any] | None:
        """The object, or None when it does not exist."""
        ...

    def list(
        self,
        api_version: str,
        kind: str,
        *,
        namespace: str | None,
        labels: Mapping[str, str] | None = None,
    ) -> list[dict[str, Any]]:
        """Objects of a kind, in a namespace (None: all or cluster-scoped), matching `labels`."""
        ...

    def apply(self, obj: Object, *, namespace: str | None, field_manager: str = "toollab") -> dict[str, Any]:
        """Server-side apply with forced conflicts; returns the object as stored."""
        ...

    def create_or_merge(self, obj: Object, *, namespace: str | None) -> tuple[dict[str, Any], bool]:
        """KUTTL's apply: create, or JSON-merge-patch if present. Returns (object, created)."""
        ...

    def delete(self, api_version: str, kind: str, *, name: str, namespace: str | None) -> bool:
        """Delete (background propagation); False when it was already gone."""
        ...


@dataclass(frozen=True)
class Drain:
    """One round of emptying a terminating namespace: gone, what remains, or why toollab refused."""

    gone: bool = False
    remaining: tuple[str, ...] = ()
    refused: str = ""  # toollab cannot do it itself: leave the namespace to the namespace controller


@runtime_checkable
class NamespaceDrainer(Protocol):
    """A cluster that can empty and finalize a terminating namespace itself (`KubeCluster`)."""

    def drain_namespace(self, name: str, *, force: bool = False) -> Drain:
        """One round: delete the namespace's content, then finalize it once it is empty."""
        ...


class Feed(Protocol):
    """Watches that wake a polling loop: `wait` sleeps until a change or the time is up."""

    def wait(self, seconds: float) -> None: ...

    def close(self) -> None: ...


@runtime_checkable
class ChangeWatcher(Protocol):
    """A cluster that can watch the collections a check reads (`KubeCluster`)."""

    def watch_changes(self, refs: Sequence[ObjectRef], *, seconds: float) -> Feed:
        """Watches opened now on the collections (or named objects) of `refs`, for `seconds`."""
        ...


@dataclass(frozen=True)
class ObjectRef:
    """apiVersion, kind, namespace and name of one object."""

    api_version: str
    kind: str
    name: str
    namespace: str | None = None

    @classmethod
    def of(cls, obj: Object) -> ObjectRef:
        """The reference of an object body."""
        meta = obj.get("metadata") or {}
        return cls(
            api_version=str(obj.get("apiVersion", "")),
            kind=str(obj.get("kind", "")),
            name=str(meta.get("name", "")),
            namespace=meta.get("namespace"),
        )

    def __str__(self) -> str:
        where = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{self.api_version}/{self.kind} {where}"


__all__ = [
    "ChangeWatcher",
    "Cluster",
    "Drain",
    "Feed",
    "NamespaceDrainer",
    "Object",
    "ObjectRef",
    "ResourceInfo",
]
