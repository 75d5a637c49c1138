"""Empty a terminating namespace and finalize it, the namespace controller's job without its wait.

The namespace controller waits 5 s after a namespace is deleted before it starts (so that other
API servers of an HA control plane see the deletion), and again half the pods' grace period
when pods remain. On a control plane with one API server that wait protects nothing, so toollab
can delete the content itself, check every namespaced collection is empty, and remove the
`kubernetes` finalizer. Anything it cannot do (discovery, a refusal, several API servers) is
answered with a reason, and the caller leaves the namespace to the controller. One call is
one round: it never sleeps. Talks to the API server only through raw `request`s.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import quote

from toollab import errors
from toollab.cluster.port import Drain

IDENTITY_LABEL = "apiserver.kubernetes.io/identity=kube-apiserver"  # one Lease per kube-apiserver
LIVE_LEASE = 120.0  # seconds: an identity Lease renewed this recently is a running API server
DISCOVERY_TTL = 2.0  # seconds a list of namespaced collections is reused (steps may add CRDs)
AT_ONCE = 4  # collections emptied at once (within the client's connection pool of 5 per CPU)


class Requests(Protocol):
    """The one call this module needs of a cluster."""

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        query: Mapping[str, Any] | None = None,
        what: str = "",
    ) -> Any:
        """A JSON answer of the API server."""


@dataclass(frozen=True)
class Collection:
    """A namespaced resource toollab must empty: group-version path, plural, and whether it
    supports deletecollection (else each item is deleted)."""

    group_path: str
    plural: str
    kind: str
    delete_collection: bool

    def path(self, namespace: str, name: str = "") -> str:
        tail = f"/{quote(name)}" if name else ""
        return f"{self.group_path}/namespaces/{quote(namespace)}/{self.plural}{tail}"


class Drainer:
    """Rounds of emptying and finalizing namespaces on one API server; caches what it learns."""

    def __init__(self, cluster: Requests, *, clock: Any = time.monotonic) -> None:
        self._cluster = cluster
        self._clock = clock
        self._lock = threading.Lock()
        self._single: str | None = None  # "" when one API server runs, else the reason it is refused
        self._collections: tuple[Collection, ...] = ()
        self._fetched = -DISCOVERY_TTL
        self._holding: dict[str, frozenset[Collection]] = {}  # namespace -> collections not yet empty

    def drain(self, namespace: str, *, force: bool = False) -> Drain:
        """One round: delete what is left, list it; finalize the namespace once it is all gone.

        After the first round of a namespace, only the collections that still held objects are
        asked again, and every collection is listed once more before finalizing. `force` skips
        the one-API-server check.
        """
        refused = "" if force else self._one_api_server()
        if refused:
            return Drain(refused=refused)
        try:
            return self._round(namespace)
        except errors.ClusterError as exc:
            self._forget(namespace)
            return Drain(refused=f"toollab cannot empty namespace {namespace} itself: {exc}")

    def _round(self, namespace: str) -> Drain:
        collections = self._namespaced_collections()
        with self._lock:
            holding = self._holding.get(namespace)
        remaining = self._empty(namespace, list(holding) if holding is not None else collections)
        if not remaining and holding is not None:
            remaining = self._empty(namespace, [c for c in collections if c not in holding])
        if remaining:
            with self._lock:
                self._holding[namespace] = frozenset(c for c, _ in remaining)
            return Drain(remaining=tuple(text for _, text in remaining))
        self._forget(namespace)
        return Drain(gone=self._finalize(namespace))

    def _forget(self, namespace: str) -> None:
        with self._lock:
            self._holding.pop(namespace, None)

    def _one_api_server(self) -> str:
        with self._lock:
            if self._single is None:
                self._single = _count_api_servers(self._cluster)
            return self._single

    def _namespaced_collections(self) -> tuple[Collection, ...]:
        with self._lock:
            if self._clock() - self._fetched > DISCOVERY_TTL:
                self._collections = _discover(self._cluster)
                self._fetched = self._clock()
            return self._collections

    def _empty(self, namespace: str, collections: Sequence[Collection]) -> list[tuple[Collection, str]]:
        """Ask every collection to delete its items (a few at once); what is still listed afterwards."""
        with ThreadPoolExecutor(max_workers=AT_ONCE, thread_name_prefix="drain") as pool:
            listed = list(pool.map(lambda c: (c, self._empty_one(c, namespace)), collections))
        return [(collection, _describe(collection, item)) for collection, items in listed for item in items]

    def _empty_one(self, collection: Collection, namespace: str) -> list[dict[str, Any]]:
        """One collection: deletecollection (or each item), then what is still listed."""
        try:
            if collection.delete_collection:
                self._cluster.request(
                    "DELETE", collection.path(namespace), what=f"delete {collection.plural}"
                )
            listed = self._cluster.request(
                "GET", collection.path(namespace), what=f"list {collection.plural}"
            )
        except errors.NotFound:  # no longer served (its CRD was deleted): nothing of it is left
            return []
        items = list(listed.get("items") or [])
        for item in items:
            meta = item.get("metadata") or {}
            if not collection.delete_collection and not meta.get("deletionTimestamp"):
                self._delete_one(collection, namespace, str(meta.get("name", "")))
        return items

    def _delete_one(self, collection: Collection, namespace: str, name: str) -> None:
        with contextlib.suppress(errors.NotFound):
            self._cluster.request(
                "DELETE", collection.path(namespace, name), what=f"{collection.kind} {name}"
            )

    def _finalize(self, namespace: str) -> bool:
        """Remove the `kubernetes` finalizer; True when the namespace is gone (or was)."""
        path = f"/api/v1/namespaces/{quote(namespace)}"
        try:
            live = self._cluster.request("GET", path, what=f"namespace {namespace}")
        except errors.NotFound:
            return True
        if not (live.get("metadata") or {}).get("deletionTimestamp"):
            raise errors.ClusterError(f"namespace {namespace} is not being deleted")
        spec = live.setdefault("spec", {})
        spec["finalizers"] = [f for f in spec.get("finalizers") or [] if f != "kubernetes"]
        try:
            self._cluster.request(
                "PUT", f"{path}/finalize", body=live, what=f"finalize namespace {namespace}"
            )
            self._cluster.request("GET", path, what=f"namespace {namespace}")
        except errors.NotFound:
            return True
        except errors.Conflict:
            return False  # changed meanwhile (the namespace controller's conditions): next round
        return False  # other finalizers (metadata.finalizers): the caller keeps waiting


def _count_api_servers(cluster: Requests) -> str:
    """ "" when exactly one kube-apiserver renews its identity Lease, else why the fast path is off."""
    try:
        leases = cluster.request(
            "GET",
            "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases",
            query={"labelSelector": IDENTITY_LABEL},
            what="API server identity leases",
        )
    except errors.ClusterError as exc:
        return f"cannot count the API servers ({exc})"
    now = datetime.now(UTC)
    live = [lease for lease in leases.get("items") or [] if _renewed_within(lease, now, LIVE_LEASE)]
    if len(live) == 1:
        return ""
    return f"the control plane runs {len(live)} API servers" if live else "no API server identity lease"


def _renewed_within(lease: dict[str, Any], now: datetime, seconds: float) -> bool:
    renewed = str((lease.get("spec") or {}).get("renewTime") or "")
    try:
        when = datetime.fromisoformat(renewed.replace("Z", "+00:00"))
    except ValueError:
        return False
    return (now - when).total_seconds() <= seconds


def _discover(cluster: Requests) -> tuple[Collection, ...]:
    """Every namespaced resource with list and delete, at each group's preferred version."""
    paths = ["/api/v1"]
    for group in cluster.request("GET", "/apis", what="API groups").get("groups") or []:
        preferred = (group.get("preferredVersion") or {}).get("groupVersion")
        if preferred:
            paths.append(f"/apis/{preferred}")
    found: dict[tuple[str, str], Collection] = {}
    for group_path in paths:
        try:
            body = cluster.request("GET", group_path, what=f"API group {group_path}")
        except errors.NotFound:  # removed since /apis answered (a CRD a step deleted)
            continue
        for resource in body.get("resources") or []:
            verbs = set(resource.get("verbs") or [])
            if "/" in resource["name"] or not resource.get("namespaced") or not {"list", "delete"} <= verbs:
                continue
            group = group_path.rsplit("/", 1)[0] if group_path != "/api/v1" else ""
            found.setdefault(
                (group, resource["name"]),
                Collection(group_path, resource["name"], resource["kind"], "deletecollection" in verbs),
            )
    return tuple(found.values())


def _describe(collection: Collection, item: dict[str, Any]) -> str:
    meta = item.get("metadata") or {}
    finalizers = meta.get("finalizers") or []
    note = f" (finalizers: {', '.join(finalizers)})" if finalizers else ""
    return f"{collection.kind} {meta.get('name', '')}{note}"


__all__ = ["Collection", "Drainer"]
