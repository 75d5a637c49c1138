"""A parsed ToolTrial: frozen dataclasses built by `parse.parse_trial` from a stored body.

Pure data: no I/O, no kopf, no kubernetes. Mappings inside (helm values, objects) are
copies the caller must treat as read-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from toollab.model import schedule as schedules
from toollab.model import step

GROUP = "toollab.dev"
VERSION = "v1alpha1"
API_VERSION = f"{GROUP}/{VERSION}"
KIND = "ToolTrial"
PLURAL = "tooltrials"

LABEL_TRIAL = "toollab.dev/trial"
LABEL_TRIAL_NAMESPACE = "toollab.dev/trial-namespace"
LABEL_TRIAL_UID = "toollab.dev/trial-uid"

DEFAULT_TIMEOUT = "15m"


class RefKind(StrEnum):
    """What a key reference points at."""

    CONFIG_MAP = "ConfigMap"  # `configMapRef`
    SECRET = "Secret"  # `secretRef`


class CleanupPolicy(StrEnum):
    """`spec.cleanup.policy`: what happens to the installed tool after the verdict."""

    DELETE = "Delete"  # uninstall once the run has a verdict
    RETAIN = "Retain"  # keep everything until the ToolTrial itself is deleted
    DELETE_ON_SUCCESS = "DeleteOnSuccess"  # uninstall only when Passed; keep a failure to inspect


@dataclass(frozen=True)
class KeyRef:
    """One key of a ConfigMap or Secret in the trial's own namespace."""

    kind: RefKind
    name: str
    key: str


@dataclass(frozen=True)
class HelmSource:
    """`spec.tool.helm`: a chart from an https:// (or oci://) repository."""

    repo: str
    chart: str
    version: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    values_from: tuple[KeyRef, ...] = ()


@dataclass(frozen=True)
class ManifestSource:
    """`spec.tool.manifests`: inline objects, URLs of YAML files, a ConfigMap key."""

    inline: tuple[Mapping[str, Any], ...] = ()
    urls: tuple[str, ...] = ()
    config_map_ref: KeyRef | None = None


@dataclass(frozen=True)
class GeneratedValue:
    """A helm value the operator generates at install time when the part's values lack it."""

    path: str  # dotted values path, e.g. identity.issuer.tls.crtPEM
    kind: str  # one of GENERATED_KINDS


# What the operator can generate: one throwaway CA and an issuer it signs, per install.
GENERATED_KINDS = ("ca-certificate", "issuer-certificate", "issuer-key")


@dataclass(frozen=True)
class Part:
    """`spec.tool.parts[i]`: one install of an ordered multi-part install; `name` is its release."""

    name: str
    source: HelmSource | ManifestSource
    generated: tuple[GeneratedValue, ...] = ()


@dataclass(frozen=True)
class PartsSource:
    """`spec.tool.parts`: installed in order, removed in reverse order."""

    parts: tuple[Part, ...]


Source = HelmSource | ManifestSource | PartsSource


@dataclass(frozen=True)
class Tool:
    """`spec.tool`: the project's name and the version the user says it is."""

    name: str
    version: str | None = None
    profile: str | None = None  # spec.tool.profile: the ToolProfile the parts and health came from
    preset: str | None = None  # spec.tool.preset, as resolved


@dataclass(frozen=True)
class Target:
    """`spec.target`: where the tool is installed."""

    namespace: str
    create_namespace: bool = True


@dataclass(frozen=True)
class Cleanup:
    """`spec.cleanup`."""

    policy: CleanupPolicy = CleanupPolicy.DELETE
    ttl_seconds_after_finished: int | None = None

    def wants_uninstall(self, *, passed: bool) -> bool:
        """Whether the installed tool goes once a run has its verdict."""
        if self.policy is CleanupPolicy.DELETE:
            return True
        return self.policy is CleanupPolicy.DELETE_ON_SUCCESS and passed


@dataclass(frozen=True)
class ToolTrial:
    """One trial; namespace, uid and generation are empty/0 for a file not yet stored."""

    name: str
    namespace: str
    uid: str
    generation: int
    tool: Tool
    source: Source
    target: Target
    service_account: str | None
    steps: tuple[step.Step, ...]
    timeout_seconds: float
    cleanup: Cleanup = field(default_factory=Cleanup)
    schedule: schedules.Schedule | None = None  # spec.schedule: run again at these times
    suspend: bool = False  # spec.suspend: no scheduled runs while true
    history_limit: int = schedules.DEFAULT_HISTORY_LIMIT  # spec.historyLimit: runs kept in status.history

    @property
    def is_scheduled(self) -> bool:
        """Whether scheduled runs are on (a schedule, not suspended)."""
        return self.schedule is not None and not self.suspend

    @property
    def labels(self) -> dict[str, str]:
        """The labels on everything this trial creates."""
        return {LABEL_TRIAL: self.name, LABEL_TRIAL_NAMESPACE: self.namespace, LABEL_TRIAL_UID: self.uid}

    @property
    def release_name(self) -> str:
        """The helm release: the trial's name, so `upgrade --install` is idempotent."""
        return self.name
