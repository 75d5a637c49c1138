"""Resolve `spec.tool.profile` at run time: read the ToolProfile, expand the trial body with it.

Reads ToolProfiles as the operator (they are cluster-wide catalog entries, not the tenant's).
Keeps the last profile read per name, so the pure planning view (`outlook`) can expand a trial
without I/O. Never installs anything; `model.profile` does the expansion itself.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from toollab import errors
from toollab.cluster import port
from toollab.model import profile, trial

_KNOWN: dict[str, profile.Profile] = {}
_LOCK = threading.Lock()


def profile_name(body: Mapping[str, Any]) -> str | None:
    """The ToolProfile a trial body names, or None."""
    tool = (body.get("spec") or {}).get("tool") if isinstance(body.get("spec"), Mapping) else None
    name = tool.get("profile") if isinstance(tool, Mapping) else None
    return name if isinstance(name, str) and name else None


def read_profile(cluster: port.Cluster, name: str) -> profile.Profile:
    """The ToolProfile `name`, parsed; SpecError (at spec.tool.profile) when missing or unusable."""
    body = cluster.get(trial.API_VERSION, profile.KIND, name=name, namespace=None)
    if body is None:
        raise errors.SpecError("spec.tool.profile", f'no ToolProfile "{name}" (see kubectl get toolprofiles)')
    try:
        parsed = profile.parse_profile(body)
    except errors.SpecError as exc:
        raise errors.SpecError("spec.tool.profile", f'ToolProfile "{name}" is not usable: {exc}') from exc
    with _LOCK:
        _KNOWN[name] = parsed
    return parsed


def resolve(body: Mapping[str, Any], *, cluster: port.Cluster) -> Mapping[str, Any]:
    """`body` with its profile expanded (read now); `body` itself when it names none."""
    name = profile_name(body)
    if name is None:
        return body
    return profile.expand(body, read_profile(cluster, name))


def known(name: str) -> profile.Profile | None:
    """The profile last read under `name` (no I/O)."""
    with _LOCK:
        return _KNOWN.get(name)


def resolve_known(body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """`body` expanded with the profile last read; None when that profile was never read."""
    name = profile_name(body)
    if name is None:
        return body
    found = known(name)
    return None if found is None else profile.expand(body, found)
