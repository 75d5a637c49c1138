"""The loaded form of a KUTTL suite: Suite > TestCase > Step, plus commands and delete refs.

Pure data: frozen dataclasses built by `toollab.suites.loading`; no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from toollab.suites.core import celchecks

DEFAULT_TIMEOUT = 30  # seconds per step, as kuttl
DEFAULT_PARALLEL = 8  # test cases at once, as kuttl
DEFAULT_REPORT_NAME = "kuttl-report"  # kuttl's code (its docs say kuttl-test)


class ReportFormat(StrEnum):
    """Report file formats: JUnit XML or the same tree as JSON."""

    XML = "xml"  # <reportName>.xml, JUnit
    JSON = "json"  # <reportName>.json, same tree


@dataclass(frozen=True)
class Command:
    """A kuttl Command (TestSuite/TestStep `commands`) or TestAssertCommand."""

    command: str = ""
    script: str = ""
    namespaced: bool = False
    ignore_failure: bool = False
    background: bool = False
    timeout: int = 0  # 0: the suite timeout; negative: none
    skip_log_output: bool = False

    def __str__(self) -> str:
        return self.command or self.script


@dataclass(frozen=True)
class DeleteRef:
    """A TestStep `delete` entry: by name, else by labels, else every object of the kind."""

    api_version: str
    kind: str
    name: str = ""
    namespace: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """One test step: objects to apply, assert and error on, deletes and commands."""

    __test__ = False  # not a pytest class

    index: int
    name: str
    apply: tuple[Mapping[str, Any], ...] = ()
    asserts: tuple[Mapping[str, Any], ...] = ()
    errors: tuple[Mapping[str, Any], ...] = ()
    delete: tuple[DeleteRef, ...] = ()
    commands: tuple[Command, ...] = ()
    assert_commands: tuple[Command, ...] = ()
    collectors: tuple[Command, ...] = ()
    timeout: int | None = None  # TestAssert.timeout; None: the suite timeout
    files: tuple[str, ...] = ()
    cel: celchecks.CelChecks | None = None  # TestAssert resourceRefs + assertAll/assertAny
    kubeconfig: str = ""  # TestStep.kubeconfig, resolved: this step talks to that cluster
    context: str = ""  # TestStep.context, within that kubeconfig
    lazy_kubeconfig: bool = False  # TestStep.kubeconfigLoading: Lazy

    @property
    def label(self) -> str:
        """`<index>-<name>`, as kuttl names steps in logs; just `<index>` when the step has no name."""
        return f"{self.index}-{self.name}" if self.name else str(self.index)

    @property
    def checks(self) -> int:
        """How many assertions the step makes (objects, errors, CEL expressions)."""
        return len(self.asserts) + len(self.errors) + (self.cel.count if self.cel else 0)


@dataclass(frozen=True)
class TestCase:
    """A test case: a directory of step files, run in its own namespace."""

    __test__ = False  # not a pytest class

    name: str
    dir: Path
    test_dir: str  # the testDirs entry it came from, as written
    namespace: str
    steps: tuple[Step, ...]
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # entries skipped by the file grammar, as kuttl logs them
    load_error: str = ""  # the case could not be loaded: it fails with this, the others run


@dataclass(frozen=True)
class Suite:
    """A kuttl TestSuite (`kuttl-test.yaml`) or the defaults for plain test dirs."""

    test_dirs: tuple[str, ...]
    base_dir: Path = Path(".")  # relative testDirs and artifactsDir resolve here; suite commands run here
    name: str = ""
    timeout: int = DEFAULT_TIMEOUT
    parallel: int = DEFAULT_PARALLEL
    namespace: str = ""  # fixed namespace; empty: a fresh one per test case
    skip_delete: bool = False
    commands: tuple[Command, ...] = ()
    artifacts_dir: str = ""
    report_format: ReportFormat | None = None
    report_name: str = DEFAULT_REPORT_NAME
    report_granularity: str = "step"  # or "test" (toollab.reports.suite_results.Granularity)
    ignore_files: tuple[str, ...] = ("README*",)
    crd_dir: str = ""  # CRDs applied, and waited for, before the tests
    manifest_dirs: tuple[str, ...] = ()  # manifests applied before the tests
    test_names: tuple[str, ...] = ()  # --test: run only the cases of these names
    run_labels: Mapping[str, str] = field(default_factory=dict)  # --test-run-labels, for TestFile selectors
    warnings: tuple[str, ...] = ()

    def resolve(self, path: str) -> Path:
        """A suite-relative path (testDirs, artifactsDir) as a path usable from here."""
        candidate = Path(path)
        return candidate if candidate.is_absolute() else self.base_dir / candidate


__all__ = [
    "DEFAULT_PARALLEL",
    "DEFAULT_REPORT_NAME",
    "DEFAULT_TIMEOUT",
    "Command",
    "DeleteRef",
    "ReportFormat",
    "Step",
    "Suite",
    "TestCase",
]
