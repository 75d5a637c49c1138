"""One verification step of a ToolTrial: objects to apply, assert, forbid, delete, a Job to run.

Pure data: no I/O. Object lists hold the user's partial objects as given (read-only Mappings).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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

    @property
    def has_actions(self) -> bool:
        """Whether the step changes anything (apply, delete or run), done once per run."""
        return bool(self.apply or self.delete or self.run)

    @property
    def has_checks(self) -> bool:
        """Whether the step waits for assert or errors objects."""
        return bool(self.asserts or self.errors)
