"""Typed readers of a stored body's fields: each returns the value or raises SpecError naming
the field's path; and the patterns (shared with the CRD) that strings are checked against.

Pure: no I/O.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from toollab import errors
from toollab.model import durations

Body = Mapping[str, Any]

DNS_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
DNS_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
STEP_NAME = r"^[A-Za-z0-9]([-_.A-Za-z0-9]*[A-Za-z0-9])?$"
REPO_URL = r"^(https?|oci)://"
MANIFEST_URL = r"^https?://"
# How a value that misses each pattern is described; `schema.validate` uses it too.
PATTERN_TEXT = {
    durations.PATTERN: "a duration like 30s or 5m",
    MANIFEST_URL: "a https:// or http:// URL",
    DNS_LABEL: "a DNS label: lower-case letters, digits and '-', starting and ending alphanumeric",
    DNS_SUBDOMAIN: "a DNS name: lower-case letters, digits, '-' and '.'",
    STEP_NAME: "a step name: letters, digits, '-', '_' and '.', starting and ending alphanumeric",
    REPO_URL: "a https://, http:// or oci:// URL",
}


def join(path: str, key: str) -> str:
    """`path.key` (just `key` at the top)."""
    return f"{path}.{key}" if path else key


def show(value: Any) -> str:
    """A value as a message quotes it: strings in double quotes."""
    return f'"{value}"' if isinstance(value, str) else repr(value)


def is_empty(value: Any) -> bool:
    """Absent, or an empty list or object."""
    return value is None or (isinstance(value, list | dict) and not value)


def as_mapping(value: Any, path: str) -> Body:
    """`value` when it is an object."""
    if not isinstance(value, Mapping):
        raise errors.SpecError(path, f"must be an object, not {show(value)}")
    return value


def required_value(mapping: Body, key: str, path: str) -> Any:
    """`mapping[key]`, which must be present and not null."""
    value = mapping.get(key)
    if value is None:
        raise errors.SpecError(join(path, key), "required")
    return value


def string(
    mapping: Body,
    key: str,
    path: str,
    *,
    required: bool = False,
    pattern: str | None = None,
    max_length: int | None = None,
) -> str:
    """A string field ("" when absent and not required), checked against a pattern and length."""
    value = required_value(mapping, key, path) if required else mapping.get(key)
    if value is None:
        return ""
    where = join(path, key)
    if not isinstance(value, str):
        raise errors.SpecError(where, f"must be a string, not {show(value)}")
    if required and not value:
        raise errors.SpecError(where, "required")
    if max_length is not None and len(value) > max_length:
        raise errors.SpecError(where, f"must be at most {max_length} characters")
    if pattern is not None and not re.match(pattern, value):
        raise errors.SpecError(where, f"{show(value)} is not {PATTERN_TEXT[pattern]}")
    return value


def boolean(mapping: Body, key: str, path: str, default: bool) -> bool:
    """A true/false field, or `default` when absent."""
    value = mapping.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise errors.SpecError(join(path, key), f"must be true or false, not {show(value)}")
    return value


def integer(mapping: Body, key: str, path: str, *, default: Any, minimum: int | None = None) -> Any:
    """An integer field (never a bool), or `default` when absent."""
    value = mapping.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise errors.SpecError(join(path, key), f"must be an integer, not {show(value)}")
    if minimum is not None and value < minimum:
        raise errors.SpecError(join(path, key), f"must be {minimum} or more, not {value}")
    return value


def list_of(mapping: Body, key: str, path: str, *, max_items: int) -> list[Any]:
    """A list field of at most `max_items` items ([] when absent)."""
    value = mapping.get(key)
    if value is None:
        return []
    where = join(path, key)
    if not isinstance(value, list):
        raise errors.SpecError(where, f"must be a list, not {show(value)}")
    if len(value) > max_items:
        raise errors.SpecError(where, f"has {len(value)} items, at most {max_items} allowed")
    return value


def strings(mapping: Body, key: str, path: str, *, max_items: int) -> tuple[str, ...]:
    """A list of strings."""
    items = list_of(mapping, key, path, max_items=max_items)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise errors.SpecError(f"{join(path, key)}[{i}]", f"must be a string, not {show(item)}")
    return tuple(items)


def objects(mapping: Body, key: str, path: str, *, max_items: int) -> tuple[Mapping[str, Any], ...]:
    """A list of partial Kubernetes objects (apiVersion and kind required), deep-copied."""
    items = list_of(mapping, key, path, max_items=max_items)
    for i, item in enumerate(items):
        where = f"{join(path, key)}[{i}]"
        obj = as_mapping(item, where)
        string(obj, "apiVersion", where, required=True)
        string(obj, "kind", where, required=True)
    return tuple(copy.deepcopy(dict(item)) for item in items)
