"""The functions the pure engine cannot compute alone, answered by a `Resolver` the caller provides.

Pure: no I/O here. Chainsaw's `x_k8s_get`, `x_k8s_list`, `x_k8s_exists`, `x_k8s_resource_exists`,
`x_k8s_server_version`, `env`, and the clock of `time_now`, `time_now_utc` and `time_since` go
through the resolver; the runner's resolver reads the cluster, the environment and the clock.
Without one (`OFFLINE`) these functions fail with an evaluation error that says so.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from toollab.assertions.jp import registry, times

signature = registry.signature
FunctionFailure = registry.FunctionFailure
_STRING: registry.Spec = {"types": ["string"]}
_ANY: registry.Spec = {"types": []}


class Resolver(Protocol):
    """What expressions may ask of the world; every failure is a `ToollabError`."""

    def get(self, api_version: str, kind: str, *, namespace: str, name: str) -> dict[str, Any] | None:
        """The object, or None when it does not exist."""
        ...

    def list(self, api_version: str, kind: str, *, namespace: str) -> list[dict[str, Any]]:
        """Every object of the kind, in `namespace` ("" for all namespaces or cluster-scoped kinds)."""
        ...

    def serves(self, api_version: str, kind: str) -> bool:
        """Whether the cluster serves this kind."""
        ...

    def server_version(self) -> dict[str, Any]:
        """The API server's `/version` document."""
        ...

    def env(self, name: str) -> str:
        """An environment variable of the runner ("" when unset)."""
        ...

    def now(self) -> datetime:
        """The current time, with a zone."""
        ...


class Offline:
    """A resolver for offline checks: no cluster, no environment, no clock."""

    def _refuse(self, what: str) -> FunctionFailure:
        return FunctionFailure(what, "needs a live cluster and clock; not available in offline checks")

    def get(self, api_version: str, kind: str, *, namespace: str, name: str) -> dict[str, Any] | None:
        raise self._refuse("x_k8s_get")

    def list(self, api_version: str, kind: str, *, namespace: str) -> list[dict[str, Any]]:
        raise self._refuse("x_k8s_list")

    def serves(self, api_version: str, kind: str) -> bool:
        raise self._refuse("x_k8s_resource_exists")

    def server_version(self) -> dict[str, Any]:
        raise self._refuse("x_k8s_server_version")

    def env(self, name: str) -> str:
        raise self._refuse("env")

    def now(self) -> datetime:
        raise self._refuse("time_now")


OFFLINE = Offline()


class LookupFunctions(times.TimeFunctions):
    """Functions answered by the resolver; the first argument of `x_k8s_*` (`$client`) is not used."""

    resolver: Resolver = OFFLINE

    @signature(_ANY, _STRING, _STRING, _STRING, _STRING)
    def _func_x_k8s_get(self, client: Any, api_version: str, kind: str, namespace: str, name: str) -> Any:
        found = self.resolver.get(api_version, kind, namespace=namespace, name=name)
        if found is None:
            raise FunctionFailure("x_k8s_get", f"{kind} {_where(namespace, name)} not found")
        return found

    @signature(_ANY, _STRING, _STRING, _STRING, _STRING)
    def _func_x_k8s_exists(self, client: Any, api_version: str, kind: str, namespace: str, name: str) -> bool:
        return self.resolver.get(api_version, kind, namespace=namespace, name=name) is not None

    @signature(_ANY, _STRING, _STRING, {"types": ["string"], "optional": True})
    def _func_x_k8s_list(self, client: Any, api_version: str, kind: str, namespace: str = "") -> Any:
        items = self.resolver.list(api_version, kind, namespace=namespace)
        return {"apiVersion": api_version, "kind": f"{kind}List", "metadata": {}, "items": items}

    @signature(_ANY, _STRING, _STRING)
    def _func_x_k8s_resource_exists(self, client: Any, api_version: str, kind: str) -> bool:
        return self.resolver.serves(api_version, kind)

    @signature(_ANY)
    def _func_x_k8s_server_version(self, config: Any) -> Any:
        return self.resolver.server_version()

    @signature(_STRING)
    def _func_env(self, name: str) -> str:
        return self.resolver.env(name)

    @signature()
    def _func_time_now(self) -> str:
        return times.format_time(self.resolver.now())

    @signature()
    def _func_time_now_utc(self) -> str:
        return times.format_time(self.resolver.now().astimezone(UTC))

    @signature(_STRING, _STRING, _STRING)
    def _func_time_since(self, layout: str, start: str, end: str) -> str:
        return self.since(layout, start, end, now=self.resolver.now)


def _where(namespace: str, name: str) -> str:
    return f"{namespace}/{name}" if namespace else name
