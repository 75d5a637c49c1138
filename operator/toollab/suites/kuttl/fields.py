"""Typed reads of fields from loaded YAML mappings, for kuttl configuration objects.

Pure: each reader returns the field (or its empty value) or raises SpecError naming the path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toollab import errors


def unknown(doc: Mapping[str, Any], known: set[str]) -> list[str]:
    """The keys of `doc` outside `known`, sorted."""
    return sorted(key for key in doc if key not in known)


def string(doc: Mapping[str, Any], key: str, where: str) -> str:
    """A string field; empty when absent."""
    value = doc.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise errors.SpecError(f"{where}.{key}", f"must be a string, got {value!r}")
    return value


def integer(doc: Mapping[str, Any], key: str, where: str) -> int:
    """An integer field; 0 when absent."""
    value = doc.get(key)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise errors.SpecError(f"{where}.{key}", f"must be an integer, got {value!r}")
    return value


def boolean(doc: Mapping[str, Any], key: str, where: str) -> bool:
    """A boolean field; False when absent."""
    value = doc.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise errors.SpecError(f"{where}.{key}", f"must be true or false, got {value!r}")
    return value


def items(doc: Mapping[str, Any], key: str, where: str) -> list[Any]:
    """A list field; empty when absent."""
    value = doc.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise errors.SpecError(f"{where}.{key}", "must be a list")
    return value


def str_list(doc: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    """A list-of-strings field; empty when absent."""
    values = items(doc, key, where)
    if not all(isinstance(value, str) for value in values):
        raise errors.SpecError(f"{where}.{key}", "must be a list of strings")
    return tuple(values)


def mapping(doc: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    """A mapping field; empty when absent."""
    value = doc.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise errors.SpecError(f"{where}.{key}", "must be a mapping")
    return value


__all__ = ["boolean", "integer", "items", "mapping", "str_list", "string", "unknown"]
