"""The resolver chainsaw expressions use for lookups: the cluster, the environment and the clock.

Implements `assertions.jp.Resolver` over a `Cluster`; the environment, clock and server-version
source are parameters, so tests pass their own. Cluster errors pass through unchanged (a
transient one fails the round, as any read does).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from toollab import errors
from toollab.cluster import port


class ClusterResolver:
    """Answers `x_k8s_*`, `env` and `time_now` for expressions evaluated against `cluster`."""

    def __init__(
        self,
        cluster: port.Cluster,
        *,
        version: Callable[[], dict[str, Any]] | None = None,
        environ: Mapping[str, str] = os.environ,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._cluster = cluster
        self._version = version
        self._environ = environ
        self._clock = clock

    def get(self, api_version: str, kind: str, *, namespace: str, name: str) -> dict[str, Any] | None:
        info = self._cluster.resource(api_version, kind)
        return self._cluster.get(
            api_version, kind, name=name, namespace=namespace if info.namespaced else None
        )

    def list(self, api_version: str, kind: str, *, namespace: str) -> list[dict[str, Any]]:
        info = self._cluster.resource(api_version, kind)
        return self._cluster.list(
            api_version, kind, namespace=(namespace or None) if info.namespaced else None
        )

    def serves(self, api_version: str, kind: str) -> bool:
        try:
            self._cluster.resource(api_version, kind)
        except errors.UnknownKind:
            return False
        return True

    def server_version(self) -> dict[str, Any]:
        if self._version is None:
            raise errors.EvaluationError("x_k8s_server_version(): the server version is not available here")
        return self._version()

    def env(self, name: str) -> str:
        return self._environ.get(name, "")

    def now(self) -> datetime:
        return self._clock()
