"""One verification step of a ToolTrial: objects to apply, assert, forbid, delete, a Job to run.

Pure data: no I/O. Object lists hold the user's partial objects as given (read-only Mappings).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Object = Mapping[str, Any]

# kuttl: a step's default timeout
DEFAULT_STEP_TIMEOUT = "30s"
# how a step's assert and errors objects are read (spec.dialect, steps[].dialect); the first is the default
DIALECTS = ("kuttl", "chainsaw")


@dataclass(frozen=True)
class EnvVar:
    """One environment variable of a run step's container."""

    name: str
    value: str = ""


@dataclass(frozen=True)
class RunSpec:
    """`steps[].run`: a Job in the target namespace that must complete."""

    image: str
    command: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    env: tuple[EnvVar, ...] = ()


@dataclass(frozen=True)
class CelRef:
    """`steps[].refs[]`: an object (by name) or a list of objects (by labels) bound to `ref` for `cel`."""

    ref: str
    api_version: str
    kind: str
    name: str = ""
    namespace: str = ""  # empty: the target namespace (cluster-scoped kinds: none)
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """One ordered step; the parts run in order apply, delete, run, then assert + errors."""

    name: str
    timeout_seconds: float
    apply: tuple[Object, ...] = ()
    asserts: tuple[Object, ...] = ()  # `assert` in YAML
    errors: tuple[Object, ...] = ()
    delete: tuple[Object, ...] = ()
    run: RunSpec | None = None
    dialect: str = DIALECTS[0]  # kuttl subset rules, or chainsaw assertion trees
    refs: tuple[CelRef, ...] = ()  # what the `cel` expressions see
    cel: tuple[str, ...] = ()  # CEL expressions that must all be true, like assert

    @property
    def has_actions(self) -> bool:
        """Whether the step changes anything (apply, delete or run), done once per run."""
        return bool(self.apply or self.delete or self.run)

    @property
    def has_checks(self) -> bool:
        """Whether the step waits for assert or errors objects, or CEL expressions."""
        return bool(self.asserts or self.errors or self.cel)
