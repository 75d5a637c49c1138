"""Which objects an expected document means: one object by name, or a list by kind and labels.

Pure: no I/O; the caller asks discovery whether the kind is namespaced. Upstream is
kudobuilder/kuttl internal/step/step.go (CheckResource) and internal/kubernetes (Namespaced).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from toollab import errors


@dataclass(frozen=True)
class Lookup:
    """A GET (name set) or a LIST (name None, optional equality label selector)."""

    api_version: str
    kind: str
    name: str | None
    namespace: str | None
    labels: dict[str, str] | None = None

    @property
    def is_named(self) -> bool:
        """True for a GET of one object by name."""
        return self.name is not None

    def subject(self) -> str:
        """`Kind ns/name` for a GET, `Kind ns [app=x]` for a LIST (no apiVersion)."""
        if self.name is not None:
            return (
                f"{self.kind} {self.namespace}/{self.name}" if self.namespace else f"{self.kind} {self.name}"
            )
        where = f" {self.namespace}" if self.namespace else ""
        return f"{self.kind}{where}{selector_suffix(self.labels)}"

    def ref(self) -> str:
        """`apiVersion/Kind ns/name` for a GET, `apiVersion/Kind ns [app=x]` for a LIST."""
        return f"{self.api_version}/{self.subject()}"


def lookup_for(expected: Mapping[str, Any], *, test_namespace: str, namespaced: bool) -> Lookup:
    """How to fetch the objects `expected` describes (§3: namespace injection, label selector)."""
    api_version, kind = kind_of(expected)
    metadata = _metadata(expected)
    name = _string(metadata.get("name"))
    namespace = (_string(metadata.get("namespace")) or test_namespace) if namespaced else None
    labels = None if name else label_selector(metadata.get("labels"))
    return Lookup(api_version=api_version, kind=kind, name=name, namespace=namespace, labels=labels)


def kind_of(expected: Mapping[str, Any]) -> tuple[str, str]:
    """The (apiVersion, kind) of a document; InputError when either is not a non-empty string."""
    api_version, kind = expected.get("apiVersion"), expected.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str) or not api_version or not kind:
        raise errors.InputError("an expected object needs a string apiVersion and kind")
    return api_version, kind


def with_namespace(expected: Mapping[str, Any], lookup: Lookup) -> dict[str, Any]:
    """A copy of `expected` with the looked-up namespace in metadata, compared like any field (§3.5)."""
    result = copy.deepcopy(dict(expected))
    if lookup.namespace is not None:
        metadata = result.get("metadata")
        metadata = dict(metadata) if isinstance(metadata, Mapping) else {}
        metadata["namespace"] = lookup.namespace
        result["metadata"] = metadata
    return result


def label_selector(labels: Any) -> dict[str, str] | None:
    """`metadata.labels` as an equality selector, only when every value is a string (kuttl)."""
    if not isinstance(labels, Mapping) or not labels:
        return None
    if not all(isinstance(value, str) for value in labels.values()):
        return None
    return {str(key): value for key, value in sorted(labels.items())}


def selector_suffix(labels: Mapping[str, str] | None) -> str:
    """` [a=1,b=2]` for a selector, empty for none."""
    if not labels:
        return ""
    return " [" + ",".join(f"{key}={value}" for key, value in sorted(labels.items())) + "]"


def _metadata(expected: Mapping[str, Any]) -> Mapping[str, Any]:
    metadata = expected.get("metadata")
    return metadata if isinstance(metadata, Mapping) else {}


def _string(value: Any) -> str | None:
    """A non-empty string, else None (Kubernetes' accessors read a non-string as empty)."""
    return value if isinstance(value, str) and value else None
