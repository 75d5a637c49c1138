"""Parse kuttl.dev configuration objects (TestSuite, TestStep, TestAssert, TestFile) into data.

Pure: takes loaded YAML mappings, returns frozen dataclasses and warnings; SpecError names the
file and field. Fields upstream ignores are accepted with a warning; unsupported ones are rejected.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toollab import errors
from toollab.suites.core import celchecks
from toollab.suites.kuttl import celconfig, fields, model

GROUP = "kuttl.dev"
CONFIG_KINDS = frozenset({"TestSuite", "TestStep", "TestAssert", "TestFile", "TestCase"})
_META = {"apiVersion", "kind", "metadata"}
_COMMAND_FIELDS = {
    "command",
    "script",
    "namespaced",
    "ignoreFailure",
    "background",
    "timeout",
    "skipLogOutput",
}
_SUITE_OUT_OF_SCOPE = (  # toollab runs against the current cluster
    "startKIND",
    "kindConfig",
    "kindContext",
    "kindNodeCache",
    "kindContainers",
    "startControlPlane",
    "attachControlPlaneOutput",
    "skipClusterDelete",
    "controlPlaneArgs",
)
_SUITE_FIELDS = {"testDirs", "timeout", "parallel", "namespace", "skipDelete", "commands", "artifactsDir"}
_SUITE_FIELDS |= {"reportFormat", "reportName", "reportGranularity", "ignoreFiles", "suppress"}
_SUITE_FIELDS |= {"crdDir", "manifestDirs", "config"}
_KUBECONFIG_LOADING = ("", "Eager", "Lazy")


def config_kind(doc: Mapping[str, Any]) -> str | None:
    """The kuttl configuration kind of a document, or None for a cluster object."""
    group = str(doc.get("apiVersion", "")).split("/")[0]
    kind = doc.get("kind")
    return str(kind) if group == GROUP and kind in CONFIG_KINDS else None


@dataclass(frozen=True)
class StepConfig:
    """A TestStep: name override, extra file lists, deletes, commands and another cluster."""

    name: str
    apply: tuple[str, ...]
    assert_: tuple[str, ...]
    error: tuple[str, ...]
    delete: tuple[model.DeleteRef, ...]
    commands: tuple[model.Command, ...]
    warnings: tuple[str, ...]
    kubeconfig: str = ""  # as written; `$VAR`s expanded and made case-relative by the loader
    context: str = ""
    lazy: bool = False  # kubeconfigLoading: Lazy (no test namespace created there up front)


@dataclass(frozen=True)
class AssertConfig:
    """A TestAssert: timeout override, assert commands, CEL checks and failure collectors."""

    timeout: int | None
    commands: tuple[model.Command, ...]
    collectors: tuple[model.Command, ...]
    warnings: tuple[str, ...]
    cel: celchecks.CelChecks | None = None


def parse_test_step(doc: Mapping[str, Any], *, source: str) -> StepConfig:
    """A TestStep document as data; SpecError for bad or unsupported fields."""
    where = f"{source}: TestStep"
    warnings = [f"{where}.{key}: not a TestStep field, ignored" for key in fields.unknown(doc, _STEP_FIELDS)]
    loading = fields.string(doc, "kubeconfigLoading", where)
    if loading not in _KUBECONFIG_LOADING:
        raise errors.SpecError(f"{where}.kubeconfigLoading", f"invalid value {loading!r} (Eager or Lazy)")
    if "timeout" in doc:
        warnings.append(
            f"{where}.timeout: TestStep has no timeout (kuttl ignores it); use TestAssert.timeout"
        )
    if "index" in doc:
        warnings.append(f"{where}.index: ignored, the file name sets the index")
    if "unitTest" in doc:
        warnings.append(f"{where}.unitTest: ignored, as kuttl does")
    commands = _commands(doc, "commands", where)
    for i, command in enumerate(commands):
        if command.background:
            warnings.append(
                f"{where}.commands[{i}].background: only suite commands run in the background;"
                " this one runs in the foreground"
            )
    return StepConfig(
        name=fields.string(fields.mapping(doc, "metadata", where), "name", f"{where}.metadata"),
        apply=fields.str_list(doc, "apply", where),
        assert_=fields.str_list(doc, "assert", where),
        error=fields.str_list(doc, "error", where),
        delete=tuple(
            _delete_ref(ref, f"{where}.delete[{i}]")
            for i, ref in enumerate(fields.items(doc, "delete", where))
        ),
        commands=tuple(_foreground(command) for command in commands),
        warnings=tuple(warnings),
        kubeconfig=fields.string(doc, "kubeconfig", where),
        context=fields.string(doc, "context", where),
        lazy=loading == "Lazy",
    )


_STEP_FIELDS = _META | {"index", "apply", "assert", "error", "delete", "unitTest", "commands", "timeout"}
_STEP_FIELDS |= {"kubeconfig", "kubeconfigLoading", "context"}
_ASSERT_FIELDS = _META | {"timeout", "commands", "collectors", "resourceRefs", "assertAll", "assertAny"}


def parse_test_assert(doc: Mapping[str, Any], *, source: str) -> AssertConfig:
    """A TestAssert document as data; SpecError for bad or unsupported fields."""
    where = f"{source}: TestAssert"
    warnings = [
        f"{where}.{key}: not a TestAssert field, ignored" for key in fields.unknown(doc, _ASSERT_FIELDS)
    ]
    timeout = fields.integer(doc, "timeout", where)
    commands = _commands(doc, "commands", where, allowed={"command", "script", "namespaced", "skipLogOutput"})
    collectors, collector_warnings = _collectors(doc, where)
    return AssertConfig(
        timeout=timeout or None,
        commands=commands,
        collectors=collectors,
        warnings=tuple(warnings + collector_warnings),
        cel=celconfig.parse_cel(doc, where=where),
    )


def _collectors(doc: Mapping[str, Any], where: str) -> tuple[tuple[model.Command, ...], list[str]]:
    commands: list[model.Command] = []
    warnings: list[str] = []
    for i, item in enumerate(fields.items(doc, "collectors", where)):
        path = f"{where}.collectors[{i}]"
        if not isinstance(item, Mapping):
            raise errors.SpecError(path, "must be a mapping")
        kind = fields.string(item, "type", path)
        if kind in ("", "command") and item.get("command"):
            commands.append(model.Command(command=fields.string(item, "command", path)))
        else:
            warnings.append(f"{path}: {kind or 'pod'} collectors are not supported by toollab yet, ignored")
    return tuple(commands), warnings


def parse_test_suite(doc: Mapping[str, Any], *, source: str, base_dir: Path) -> model.Suite:
    """A TestSuite document as a `model.Suite`; SpecError for bad fields."""
    where = f"{source}: TestSuite"
    warnings = [
        f"{where}.{key}: not a TestSuite field, ignored"
        for key in fields.unknown(doc, _META | _SUITE_FIELDS | set(_SUITE_OUT_OF_SCOPE))
    ]
    warnings += [
        f"{where}.{key}: ignored, toollab runs against the current cluster"
        for key in _SUITE_OUT_OF_SCOPE
        if doc.get(key)
    ]
    return model.Suite(
        test_dirs=fields.str_list(doc, "testDirs", where),
        base_dir=base_dir,
        name=fields.string(fields.mapping(doc, "metadata", where), "name", f"{where}.metadata"),
        timeout=fields.integer(doc, "timeout", where) or model.DEFAULT_TIMEOUT,
        parallel=fields.integer(doc, "parallel", where) or model.DEFAULT_PARALLEL,
        namespace=fields.string(doc, "namespace", where),
        skip_delete=fields.boolean(doc, "skipDelete", where),
        commands=_commands(doc, "commands", where),
        artifacts_dir=fields.string(doc, "artifactsDir", where),
        report_format=parse_report_format(
            fields.string(doc, "reportFormat", where), where=f"{where}.reportFormat"
        ),
        report_name=fields.string(doc, "reportName", where) or model.DEFAULT_REPORT_NAME,
        report_granularity=parse_granularity(
            fields.string(doc, "reportGranularity", where), where=f"{where}.reportGranularity"
        ),
        ignore_files=fields.str_list(doc, "ignoreFiles", where) if "ignoreFiles" in doc else ("README*",),
        crd_dir=fields.string(doc, "crdDir", where),
        manifest_dirs=fields.str_list(doc, "manifestDirs", where),
        warnings=tuple(warnings),
    )


def parse_report_format(value: str, *, where: str) -> model.ReportFormat | None:
    """`xml`/`junit` or `json`, case-insensitively; empty: no report."""
    lowered = value.strip().lower()
    if not lowered:
        return None
    if lowered in ("xml", "junit"):
        return model.ReportFormat.XML
    if lowered == "json":
        return model.ReportFormat.JSON
    raise errors.SpecError(where, f"unknown report format {value!r} (expected xml, junit or json)")


def parse_granularity(value: str, *, where: str) -> str:
    """`step` (default) or `test`."""
    if value in ("", "step", "test"):
        return value or "step"
    raise errors.SpecError(where, f"unknown report granularity {value!r} (expected step or test)")


def matches_run_labels(doc: Mapping[str, Any], labels: Mapping[str, str], *, source: str) -> bool:
    """Whether a TestFile's `testRunSelector` selects a run with these labels (empty: all runs)."""
    selector = fields.mapping(doc, "testRunSelector", f"{source}: TestFile")
    match_labels = fields.mapping(selector, "matchLabels", f"{source}: TestFile.testRunSelector")
    if any(labels.get(key) != str(value) for key, value in match_labels.items()):
        return False
    return all(_requirement(req, labels) for req in fields.items(selector, "matchExpressions", source))


def _requirement(req: Any, labels: Mapping[str, str]) -> bool:
    key, operator, values = req.get("key"), req.get("operator"), [str(v) for v in req.get("values") or []]
    present = key in labels
    return {
        "In": present and labels.get(key) in values,
        "NotIn": not present or labels.get(key) not in values,
        "Exists": present,
        "DoesNotExist": not present,
    }.get(str(operator), False)


def parse_command(item: Any, *, where: str, allowed: set[str] = _COMMAND_FIELDS) -> model.Command:
    """One kuttl Command mapping; SpecError for a missing or doubled command/script."""
    if not isinstance(item, Mapping):
        raise errors.SpecError(where, "must be a mapping with `command` or `script`")
    command = model.Command(
        command=fields.string(item, "command", where),
        script=fields.string(item, "script", where),
        namespaced=fields.boolean(item, "namespaced", where),
        ignore_failure=fields.boolean(item, "ignoreFailure", where) if "ignoreFailure" in allowed else False,
        background=fields.boolean(item, "background", where) if "background" in allowed else False,
        timeout=fields.integer(item, "timeout", where) if "timeout" in allowed else 0,
        skip_log_output=fields.boolean(item, "skipLogOutput", where),
    )
    if command.command and command.script:
        raise errors.SpecError(where, "command and script can not be set in the same configuration")
    if not command.command and not command.script:
        raise errors.SpecError(where, "command or script must be set")
    if command.script and command.namespaced:
        raise errors.SpecError(where, "script can not use `namespaced`, use $NAMESPACE instead")
    return command


def _commands(
    doc: Mapping[str, Any], key: str, where: str, *, allowed: set[str] = _COMMAND_FIELDS
) -> tuple[model.Command, ...]:
    items = fields.items(doc, key, where)
    return tuple(
        parse_command(item, where=f"{where}.{key}[{i}]", allowed=allowed) for i, item in enumerate(items)
    )


def _foreground(command: model.Command) -> model.Command:
    return dataclasses.replace(command, background=False)


def _delete_ref(ref: Any, where: str) -> model.DeleteRef:
    if not isinstance(ref, Mapping):
        raise errors.SpecError(where, "must be a mapping with apiVersion and kind")
    api_version, kind = fields.string(ref, "apiVersion", where), fields.string(ref, "kind", where)
    if not api_version or not kind:
        raise errors.SpecError(where, "apiVersion and kind are required")
    labels = fields.mapping(ref, "labels", where)
    return model.DeleteRef(
        api_version=api_version,
        kind=kind,
        name=fields.string(ref, "name", where),
        namespace=fields.string(ref, "namespace", where),
        labels={str(k): str(v) for k, v in labels.items()},
    )


__all__ = [
    "CONFIG_KINDS",
    "GROUP",
    "AssertConfig",
    "StepConfig",
    "config_kind",
    "matches_run_labels",
    "parse_command",
    "parse_granularity",
    "parse_report_format",
    "parse_test_assert",
    "parse_test_step",
    "parse_test_suite",
]
