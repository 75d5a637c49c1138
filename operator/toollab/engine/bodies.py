"""A ToolTrial as the watch delivers it: which of two versions is newer, and the few fields the
engine reads. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def is_newer(candidate: Mapping[str, Any], known: Mapping[str, Any]) -> bool:
    """Whether `candidate` is a later version of the object than `known` (resourceVersions compared
    as numbers, as etcd assigns them; versions that are not numbers: newer when different)."""
    new, old = ((b.get("metadata") or {}).get("resourceVersion") for b in (candidate, known))
    try:
        return int(str(new)) > int(str(old))
    except ValueError:
        return new != old


def uid_of(body: Mapping[str, Any]) -> str:
    """The trial's uid ("" when missing)."""
    return str((body.get("metadata") or {}).get("uid") or "")


def namespace_of(body: Mapping[str, Any]) -> str:
    """The trial's namespace."""
    return str((body.get("metadata") or {}).get("namespace") or "")


def created_of(body: Mapping[str, Any]) -> str:
    """Its creationTimestamp (RFC 3339 sorts as text)."""
    return str((body.get("metadata") or {}).get("creationTimestamp") or "")


def where(body: Mapping[str, Any] | None) -> str:
    """namespace/name, for logs."""
    meta = (body or {}).get("metadata") or {}
    return f"{meta.get('namespace')}/{meta.get('name')}"


__all__ = ["created_of", "is_newer", "namespace_of", "uid_of", "where"]
