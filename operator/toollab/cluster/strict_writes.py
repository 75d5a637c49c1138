"""Writes as Chainsaw makes them: create only, update, merge patch (of a subresource too); logs and version.

A mixin of `KubeCluster`, over its raw REST calls; no kubernetes client here. Every write asks
for strict field validation, so a field the schema does not know is an error, not a warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from toollab.cluster.port import Object, ObjectRef, ResourceInfo

MERGE_PATCH = "application/merge-patch+json"
STRICT = {"fieldValidation": "Strict"}  # unknown or duplicate fields are errors, not warnings


class _Rest(Protocol):
    """What the mixin needs of its KubeCluster."""

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        query: Mapping[str, Any] | None = None,
        content_type: str = ...,
        what: str = "",
        text: bool = False,
    ) -> Any: ...

    def path(
        self,
        info: ResourceInfo,
        *,
        namespace: str | None,
        name: str | None = None,
        subresource: str | None = None,
    ) -> str: ...

    def resource(self, api_version: str, kind: str) -> ResourceInfo: ...

    def _target(self, obj: Object, namespace: str | None) -> tuple[ResourceInfo, str | None, str]: ...


class StrictWrites:
    """Chainsaw's writes and reads beyond the `Cluster` protocol."""

    def strict_create(self: _Rest, obj: Object, *, namespace: str | None) -> dict[str, Any]:
        """Create only: Conflict when the object already exists."""
        info, ns, _ = self._target(obj, namespace)
        body = with_namespace(obj, ns if info.namespaced else None)
        result: dict[str, Any] = self.request(
            "POST", self.path(info, namespace=ns), body=body, query=STRICT, what=str(ObjectRef.of(body))
        )
        return result

    def strict_replace(self: _Rest, obj: Object, *, namespace: str | None) -> dict[str, Any]:
        """Update (PUT) with the live resourceVersion: fields left out are dropped; NotFound when absent."""
        info, ns, name = self._target(obj, namespace)
        body = with_namespace(obj, ns if info.namespaced else None)
        what = str(ObjectRef.of(body))
        live = self.request("GET", self.path(info, namespace=ns, name=name), what=what)
        body["metadata"] = {**body["metadata"], "resourceVersion": live["metadata"]["resourceVersion"]}
        result: dict[str, Any] = self.request(
            "PUT", self.path(info, namespace=ns, name=name), body=body, query=STRICT, what=what
        )
        return result

    def strict_merge_patch(
        self: _Rest, obj: Object, *, namespace: str | None, subresource: str | None = None
    ) -> dict[str, Any]:
        """A JSON merge patch of an existing object (or its `status`…); NotFound when it is absent."""
        info, ns, name = self._target(obj, namespace)
        body = with_namespace(obj, ns if info.namespaced else None)
        result: dict[str, Any] = self.request(
            "PATCH",
            self.path(info, namespace=ns, name=name, subresource=subresource),
            body=body,
            content_type=MERGE_PATCH,
            query=STRICT,
            what=str(ObjectRef.of(body)),
        )
        return result

    def pod_logs(self: _Rest, *, name: str, namespace: str, container: str | None, tail: int | None) -> str:
        """A pod's log (one container, or the default one), the last `tail` lines when set."""
        info = self.resource("v1", "Pod")
        query: dict[str, Any] = {"container": container} if container else {}
        if tail is not None:
            query["tailLines"] = tail
        log: str = self.request(
            "GET",
            self.path(info, namespace=namespace, name=name, subresource="log"),
            query=query or None,
            what=f"logs of Pod {namespace}/{name}",
            text=True,
        )
        return log

    def version(self: _Rest) -> dict[str, Any]:
        """The server's /version document."""
        result: dict[str, Any] = self.request("GET", "/version")
        return result

    def server_version(self: _Rest) -> str:
        """The server's gitVersion, e.g. v1.36.3."""
        return str(self.request("GET", "/version").get("gitVersion", ""))


def with_namespace(obj: Object, namespace: str | None) -> dict[str, Any]:
    """A copy of obj whose metadata.namespace is `namespace` (dropped when None)."""
    body = dict(obj)
    meta = dict(body.get("metadata") or {})
    if namespace:
        meta["namespace"] = namespace
    else:
        meta.pop("namespace", None)
    body["metadata"] = meta
    return body
