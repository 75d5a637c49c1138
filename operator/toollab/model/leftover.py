"""`status.leftovers[]`: one object a trial created that its post-run cleanup left in the cluster.

Pure: no I/O (runner.leftovers does the audit).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from toollab.model import stored


@dataclass(frozen=True)
class Leftover:
    """A cluster-scoped object still there (not being deleted) after the cleanup."""

    api_version: str
    kind: str
    name: str

    def to_raw(self) -> dict[str, Any]:
        """The stored form."""
        return {"apiVersion": self.api_version, "kind": self.kind, "name": self.name}

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any]) -> Leftover:
        """Read a stored leftover."""
        return cls(
            api_version=stored.as_str(raw.get("apiVersion")),
            kind=stored.as_str(raw.get("kind")),
            name=stored.as_str(raw.get("name")),
        )
