"""Fakes for the KUTTL runner's unit tests: a writable in-memory cluster and a manual clock."""

from __future__ import annotations

import builtins
import copy
from collections.abc import Mapping
from typing import Any

from toollab import errors
from toollab.cluster import objects, port


class FakeClock:
    """Monotonic time that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(seconds, 0.001)


class FakeCluster:
    """A writable cluster over built-in kinds: create, JSON-merge, delete (namespaces cascade).

    `log` records writes in order; names in `sticky` survive deletion (like finalizers would).
    """

    def __init__(self, *, sticky: set[str] | None = None, unknown: set[str] | None = None) -> None:
        self.store: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        self.log: list[str] = []
        self.sticky = sticky or set()
        self.unknown = unknown or set()

    def resource(self, api_version: str, kind: str) -> port.ResourceInfo:
        info = objects.BUILTIN_KINDS.get((api_version, kind))
        if info is None or kind in self.unknown:
            raise errors.UnknownKind(f"the server does not serve kind {kind} in {api_version}")
        return info

    def _key(
        self, api_version: str, kind: str, name: str, namespace: str | None
    ) -> tuple[str, str, str, str]:
        info = self.resource(api_version, kind)
        return (api_version, kind, (namespace or "") if info.namespaced else "", name)

    def get(self, api_version: str, kind: str, *, name: str, namespace: str | None) -> dict[str, Any] | None:
        found = self.store.get(self._key(api_version, kind, name, namespace))
        return copy.deepcopy(found)

    def list(
        self, api_version: str, kind: str, *, namespace: str | None, labels: Mapping[str, str] | None = None
    ) -> list[dict[str, Any]]:
        self.resource(api_version, kind)
        return [
            copy.deepcopy(obj)
            for (av, k, ns, _), obj in sorted(self.store.items())
            if (av, k) == (api_version, kind)
            and (namespace is None or ns in ("", namespace))
            and all(
                (obj["metadata"].get("labels") or {}).get(key) == value
                for key, value in (labels or {}).items()
            )
        ]

    def apply(
        self, obj: port.Object, *, namespace: str | None, field_manager: str = "toollab"
    ) -> dict[str, Any]:
        return self.create_or_merge(obj, namespace=namespace)[0]

    def create_or_merge(self, obj: port.Object, *, namespace: str | None) -> tuple[dict[str, Any], bool]:
        ref = port.ObjectRef.of(obj)
        info = self.resource(ref.api_version, ref.kind)
        ns = (ref.namespace or namespace) if info.namespaced else None
        key = self._key(ref.api_version, ref.kind, ref.name, ns)
        body = copy.deepcopy(dict(obj))
        body["metadata"] = {**body.get("metadata", {}), **({"namespace": ns} if ns else {})}
        if key in self.store:
            self.store[key] = merge_patch(self.store[key], body)
            self.log.append(f"merge {ref.kind} {ref.name}")
            return copy.deepcopy(self.store[key]), False
        self.store[key] = body
        self.log.append(f"create {ref.kind} {ref.name}")
        return copy.deepcopy(body), True

    def delete(self, api_version: str, kind: str, *, name: str, namespace: str | None) -> bool:
        key = self._key(api_version, kind, name, namespace)
        self.log.append(f"delete {kind} {name}")
        if key not in self.store:
            return False
        if name not in self.sticky:
            del self.store[key]
            if kind == "Namespace":
                for other in [k for k in self.store if k[2] == name]:
                    del self.store[other]
        return True

    def names(self, kind: str) -> builtins.list[str]:
        return sorted(key[3] for key in self.store if key[1] == kind)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, Mapping):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result
