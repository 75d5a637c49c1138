"""Which kinds the API server serves, per apiVersion, cached: resource names for REST paths.

Asks through the cluster's raw `request`; never imports the kubernetes client.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Protocol

from toollab import errors
from toollab.cluster.port import ResourceInfo


class Requests(Protocol):
    """The one call discovery needs of a cluster."""

    def request(self, method: str, path: str, *, what: str = "") -> Any:
        """A JSON answer of the API server."""


class Discovery:
    """Kinds served per apiVersion, cached; a miss refreshes that apiVersion at most once a second."""

    def __init__(self) -> None:
        self._kinds: dict[str, dict[str, ResourceInfo]] = {}
        self._fetched: dict[str, float] = {}
        self._lock = threading.Lock()

    def lookup(self, cluster: Requests, api_version: str, kind: str) -> ResourceInfo:
        """The resource for a kind; raises UnknownKind when the server does not serve it."""
        with self._lock:
            info = self._kinds.get(api_version, {}).get(kind)
            if info is None and time.monotonic() - self._fetched.get(api_version, 0.0) > 1.0:
                self._kinds[api_version] = self._fetch(cluster, api_version)
                self._fetched[api_version] = time.monotonic()
                info = self._kinds[api_version].get(kind)
        if info is None:
            raise errors.UnknownKind(f"the server does not serve kind {kind} in {api_version}")
        return info

    @staticmethod
    def _fetch(cluster: Requests, api_version: str) -> dict[str, ResourceInfo]:
        path = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
        try:
            body = cluster.request("GET", path, what=f"API group {api_version}")
        except errors.NotFound:
            return {}
        return {
            r["kind"]: ResourceInfo(
                api_version=api_version,
                kind=r["kind"],
                plural=r["name"],
                namespaced=bool(r.get("namespaced")),
            )
            for r in body.get("resources", [])
            if "/" not in r["name"]
        }
