"""The parts of a ToolTrial's `.status`: steps, install, footprint, run, inventory.

Pure: no I/O. Each part reads its stored form tolerantly (`from_raw`) and writes it back
(`to_raw`); `status.TrialStatus` assembles them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from toollab.model import stored
from toollab.model.parts import PartInfo

Raw = Mapping[str, Any]
E = TypeVar("E", bound=StrEnum)


def read_enum(kind: type[E], value: Any, default: E) -> E:
    """A stored vocabulary value, or `default` when it is not one of ours."""
    try:
        return kind(value)
    except ValueError:
        return default


def write_time(value: datetime | None) -> str | None:
    """A timestamp's stored form; None stays None."""
    return None if value is None else stored.format_time(value)


def compact(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Drop None values: list items carry no nulls (the API server would prune them)."""
    return {key: value for key, value in raw.items() if value is not None}


class StepPhase(StrEnum):
    """`status.steps[].phase`."""

    PENDING = "Pending"  # not reached yet
    RUNNING = "Running"  # attempted, not passing yet
    PASSED = "Passed"  # passed
    FAILED = "Failed"  # did not pass within its timeout (or the run ended while it ran)
    SKIPPED = "Skipped"  # not reached because the run ended earlier


class Stage(StrEnum):
    """`status.run.stage`: the last thing the current run completed (drives the plan)."""

    STARTED = "Started"  # status reset for a new generation
    NAMESPACE_READY = "NamespaceReady"  # the target namespace exists
    INSTALLED = "Installed"  # the tool is installed; steps run
    FINISHED = "Finished"  # a verdict is recorded
    CLEANED_UP = "CleanedUp"  # the post-run cleanup policy has been carried out


@dataclass(frozen=True)
class StepStatus:
    """`status.steps[i]`: one step's progress in the current run."""

    name: str
    phase: StepPhase = StepPhase.PENDING
    attempts: int = 0
    seconds: float = 0.0
    message: str = ""
    started_at: datetime | None = None
    deadline: datetime | None = None
    applied: bool = False  # its apply/delete/run parts were done (once per run)
    simulated: bool = False  # its run Job "completed" on a simulated node: the command never ran

    def to_raw(self) -> dict[str, Any]:
        """The stored form."""
        raw = {
            "name": self.name,
            "phase": str(self.phase),
            "attempts": self.attempts,
            "seconds": self.seconds,
        }
        raw |= {"message": self.message, "applied": self.applied, "simulated": self.simulated or None}
        return compact(
            raw | {"startedAt": write_time(self.started_at), "deadline": write_time(self.deadline)}
        )

    @classmethod
    def from_raw(cls, raw: Raw) -> StepStatus:
        """Read a stored step status."""
        return cls(
            name=stored.as_str(raw.get("name")),
            phase=read_enum(StepPhase, raw.get("phase"), StepPhase.PENDING),
            attempts=stored.as_int(raw.get("attempts")),
            seconds=stored.as_float(raw.get("seconds")) or 0.0,
            message=stored.as_str(raw.get("message")),
            started_at=stored.parse_time(raw.get("startedAt")),
            deadline=stored.parse_time(raw.get("deadline")),
            applied=raw.get("applied") is True,
            simulated=raw.get("simulated") is True,
        )


@dataclass(frozen=True)
class InstallInfo:
    """`status.install`: what was installed and how long it took."""

    method: str  # helm | manifests
    chart: str = ""
    version: str = ""
    app_version: str = ""
    objects: int = 0
    seconds: float = 0.0
    parts: tuple[PartInfo, ...] = ()  # a multi-part install's parts, in install order
    profile: str = ""  # the ToolProfile the install came from
    preset: str = ""  # and its values preset

    def to_raw(self) -> dict[str, Any]:
        """The stored form."""
        raw: dict[str, Any] = {
            "method": self.method,
            "chart": self.chart,
            "version": self.version,
            "appVersion": self.app_version,
            "objects": self.objects,
            "seconds": self.seconds,
        }
        if self.parts:
            raw["parts"] = [part.to_raw() for part in self.parts]
        return raw | ({"profile": self.profile, "preset": self.preset} if self.profile else {})

    @classmethod
    def from_raw(cls, raw: Raw) -> InstallInfo:
        """Read a stored install record."""
        parts = raw.get("parts")
        return cls(
            method=stored.as_str(raw.get("method")),
            chart=stored.as_str(raw.get("chart")),
            version=stored.as_str(raw.get("version")),
            app_version=stored.as_str(raw.get("appVersion")),
            objects=stored.as_int(raw.get("objects")),
            seconds=stored.as_float(raw.get("seconds")) or 0.0,
            parts=tuple(PartInfo.from_raw(p) for p in parts if isinstance(p, Mapping))
            if isinstance(parts, list)
            else (),
            profile=stored.as_str(raw.get("profile")),
            preset=stored.as_str(raw.get("preset")),
        )


@dataclass(frozen=True)
class Footprint:
    """`status.footprint`: what the installed tool costs the cluster."""

    pods: int = 0
    containers: int = 0
    cpu_requests: str = "0"
    memory_requests: str = "0"
    privileged_containers: int = 0
    host_path_volumes: int = 0
    cluster_scoped_objects: int = 0

    def to_raw(self) -> dict[str, Any]:
        """The stored form."""
        return {
            "pods": self.pods,
            "containers": self.containers,
            "cpuRequests": self.cpu_requests,
            "memoryRequests": self.memory_requests,
            "privilegedContainers": self.privileged_containers,
            "hostPathVolumes": self.host_path_volumes,
            "clusterScopedObjects": self.cluster_scoped_objects,
        }

    @classmethod
    def from_raw(cls, raw: Raw) -> Footprint:
        """Read a stored footprint."""
        return cls(
            pods=stored.as_int(raw.get("pods")),
            containers=stored.as_int(raw.get("containers")),
            cpu_requests=stored.as_str(raw.get("cpuRequests"), "0"),
            memory_requests=stored.as_str(raw.get("memoryRequests"), "0"),
            privileged_containers=stored.as_int(raw.get("privilegedContainers")),
            host_path_volumes=stored.as_int(raw.get("hostPathVolumes")),
            cluster_scoped_objects=stored.as_int(raw.get("clusterScopedObjects")),
        )


@dataclass(frozen=True)
class RunInfo:
    """`status.run`: the run of one generation, and how far it got."""

    generation: int
    started_at: datetime
    deadline: datetime
    target_namespace: str
    namespace_created: bool = False
    service_account: str | None = None
    stage: Stage = Stage.STARTED
    scheduled: bool = False  # started by spec.schedule, not by a new generation

    def to_raw(self) -> dict[str, Any]:
        """The stored form (None deletes a key in a merge patch)."""
        return {
            "generation": self.generation,
            "startedAt": stored.format_time(self.started_at),
            "deadline": stored.format_time(self.deadline),
            "targetNamespace": self.target_namespace,
            "namespaceCreated": self.namespace_created,
            "serviceAccount": self.service_account,
            "stage": str(self.stage),
            "scheduled": True if self.scheduled else None,  # None deletes it in the merge patch
        }

    @classmethod
    def from_raw(cls, raw: Raw) -> RunInfo | None:
        """Read a stored run; None when it lacks what a run needs (a new run starts)."""
        started, deadline = stored.parse_time(raw.get("startedAt")), stored.parse_time(raw.get("deadline"))
        generation = stored.as_int(raw.get("generation"), -1)
        if started is None or deadline is None or generation < 0:
            return None
        return cls(
            generation=generation,
            started_at=started,
            deadline=deadline,
            target_namespace=stored.as_str(raw.get("targetNamespace")),
            namespace_created=raw.get("namespaceCreated") is True,
            service_account=stored.as_str(raw.get("serviceAccount")) or None,
            stage=read_enum(Stage, raw.get("stage"), Stage.STARTED),
            scheduled=raw.get("scheduled") is True,
        )


@dataclass(frozen=True)
class InventoryEntry:
    """One object the trial installed; `created` False when it existed before; `uid` the server's
    uid of the object the trial created (cleanup deletes only that very object)."""

    api_version: str
    kind: str
    name: str
    namespace: str | None = None  # None: cluster-scoped
    created: bool = True
    uid: str = ""
    part: str | None = None  # the part of a multi-part install that made it

    @property
    def key(self) -> tuple[str, str, str | None, str]:
        """apiVersion, kind, namespace and name: what makes two entries the same object."""
        return (self.api_version, self.kind, self.namespace, self.name)

    def to_raw(self) -> dict[str, Any]:
        """The stored form."""
        raw = {"apiVersion": self.api_version, "kind": self.kind, "namespace": self.namespace}
        return compact(
            raw | {"name": self.name, "created": self.created, "uid": self.uid or None, "part": self.part}
        )

    @classmethod
    def from_raw(cls, raw: Raw) -> InventoryEntry:
        """Read a stored entry."""
        return cls(
            api_version=stored.as_str(raw.get("apiVersion")),
            kind=stored.as_str(raw.get("kind")),
            name=stored.as_str(raw.get("name")),
            namespace=stored.as_str(raw.get("namespace")) or None,
            created=raw.get("created") is True,
            uid=stored.as_str(raw.get("uid")),
            part=stored.as_str(raw.get("part")) or None,
        )


@dataclass(frozen=True)
class Inventory:
    """`status.inventory`: everything to remove at cleanup, kept across runs."""

    entries: tuple[InventoryEntry, ...] = ()
    release: str | None = None  # the helm release, when helm installed

    def to_raw(self) -> dict[str, Any]:
        """The stored form."""
        return {"entries": [entry.to_raw() for entry in self.entries], "release": self.release}

    @classmethod
    def from_raw(cls, raw: Raw) -> Inventory:
        """Read a stored inventory."""
        entries = raw.get("entries")
        items = entries if isinstance(entries, list) else []
        return cls(
            entries=tuple(InventoryEntry.from_raw(e) for e in items if isinstance(e, Mapping)),
            release=stored.as_str(raw.get("release")) or None,
        )

    def with_entries(self, added: tuple[InventoryEntry, ...]) -> Inventory:
        """This inventory plus `added`, without duplicates (a later entry never forgets `created`)."""
        known = {entry.key: entry for entry in self.entries}
        for entry in added:
            before = known.get(entry.key)
            known[entry.key] = replace(
                entry,
                created=entry.created or (before is not None and before.created),
                uid=entry.uid or (before.uid if before is not None else ""),
            )
        return Inventory(entries=tuple(known.values()), release=self.release)
