"""A Helm repository's index.yaml read for `versionPolicy: latest-N`: the newest released versions.

Pure: takes the parsed index (the caller fetches it). Versions are SemVer 2 as Helm orders them;
pre-releases (1.2.0-rc.1) and versions that are not SemVer are left out, as `helm search repo`
leaves out pre-releases unless asked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from toollab import errors

SEMVER = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")
POLICY = re.compile(r"^latest-([1-9]|1[0-9]|20)$")


def parse_policy(value: object, *, path: str) -> int:
    """`latest-3` -> 3 (1 to 20); SpecError naming `path` otherwise."""
    match = POLICY.match(value) if isinstance(value, str) else None
    if match is None:
        raise errors.SpecError(
            path, f"{value!r} is not a version policy like latest-3 (latest-1 to latest-20)"
        )
    return int(match.group(1))


def version_key(version: str) -> tuple[int, int, int] | None:
    """(major, minor, patch) of a released SemVer version; None for a pre-release or a non-SemVer one."""
    match = SEMVER.match(version.strip())
    if match is None or match.group(4):
        return None
    return int(match.group(1)), int(match.group(2)), int(match.group(3))


def latest_versions(index: Any, *, chart: str, count: int) -> list[str]:
    """The `count` newest released versions of `chart` in a parsed index.yaml, newest first."""
    if not isinstance(index, Mapping) or not isinstance(index.get("entries"), Mapping):
        raise errors.InstallError("the chart repository's index.yaml has no entries")
    releases = index["entries"].get(chart)
    if not isinstance(releases, list) or not releases:
        raise errors.InstallError(f"the chart repository has no chart named {chart}")
    keyed: dict[tuple[int, int, int], str] = {}
    for release in releases:
        version = str(release.get("version", "")) if isinstance(release, Mapping) else ""
        key = version_key(version)
        if key is not None and not (isinstance(release, Mapping) and release.get("deprecated")):
            keyed.setdefault(key, version)
    if not keyed:
        raise errors.InstallError(
            f"the chart repository lists no released (non pre-release) version of {chart}"
        )
    return [keyed[key] for key in sorted(keyed, reverse=True)[:count]]
