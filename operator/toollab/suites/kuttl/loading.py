"""Load KUTTL suites and test cases from disk: `kuttl-test.yaml`, test dirs and step files.

Reads files only, never the cluster. Bad input raises InputError or SpecError naming the file.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toollab import errors
from toollab.assertions import documents
from toollab.suites.kuttl import config, files, model, templates

SUITE_FILE = "kuttl-test.yaml"
CHAINSAW_GROUP = "chainsaw.kyverno.io"


def is_suite_dir(path: Path) -> bool:
    """True when `path` is a directory holding a `kuttl-test.yaml`."""
    return (path / SUITE_FILE).is_file()


def load_suite(path: Path | str, *, base_dir: Path | None = None) -> model.Suite:
    """A suite from a TestSuite file, a directory holding one, or a plain test dir.

    Relative testDirs resolve against `base_dir`: by default the directory of the suite file
    (as if kuttl ran there); kuttl itself resolves `--config` paths against the working directory.
    """
    path = Path(path)
    if path.is_dir():
        if not is_suite_dir(path):
            return model.Suite(test_dirs=(str(path),), base_dir=base_dir or Path("."))
        path = path / SUITE_FILE
    elif not path.is_file():
        raise errors.InputError(f"{path}: no such file or directory")
    docs = read_documents(path)
    suites = [doc for doc in docs if config.config_kind(doc) == "TestSuite"]
    if not suites:
        raise errors.SpecError(str(path), "no kuttl.dev/v1beta1 TestSuite object in the file")
    suite = config.parse_test_suite(suites[-1], source=str(path), base_dir=base_dir or path.parent)
    extra = [f"{path}: {doc.get('kind')}: not a TestSuite, ignored" for doc in docs if doc not in suites]
    if len(suites) > 1:
        extra.append(f"{path}: {len(suites)} TestSuite objects, the last one is used (as kuttl)")
    return _with_warnings(suite, extra)


def _with_warnings(suite: model.Suite, extra: list[str]) -> model.Suite:
    return dataclasses.replace(suite, warnings=suite.warnings + tuple(extra)) if extra else suite


def load_case(
    case_dir: Path,
    *,
    namespace: str,
    test_dir: str = "",
    variables: Mapping[str, Any] | None = None,
    ignore_files: Iterable[str] = files.DEFAULT_IGNORE,
    run_labels: Mapping[str, str] | None = None,
) -> model.TestCase:
    """A test case: its step entries grouped by index, each step's files loaded in name order."""
    ignore = tuple(ignore_files)
    names = [entry.name for entry in list_dir(case_dir)]
    grouping = files.group_steps(names, ignore=ignore)
    context = _Context(case_dir, namespace, dict(variables or {}), ignore, dict(run_labels or {}))
    if not grouping.steps:
        raise errors.InputError(
            f"{case_dir}: no step files (KUTTL runs files named like 00-create.yaml, 01-assert.yaml)"
        )
    steps = tuple(_load_step(group, context) for group in grouping.steps)
    return model.TestCase(
        name=case_dir.name,
        dir=case_dir,
        test_dir=test_dir,
        namespace=namespace,
        steps=steps,
        warnings=tuple(context.warnings),
        notes=tuple(f"{case_dir / name}: ignored: {reason}" for name, reason in grouping.skipped),
    )


@dataclass
class _Context:
    case_dir: Path
    namespace: str
    variables: dict[str, Any]
    ignore: tuple[str, ...]
    run_labels: dict[str, str]
    warnings: list[str] = field(default_factory=list)


@dataclass
class _StepParts:
    """What the files of one step add up to (mutable while loading)."""

    file_name: str = ""
    apply: list[Mapping[str, Any]] = field(default_factory=list)
    asserts: list[Mapping[str, Any]] = field(default_factory=list)
    errors: list[Mapping[str, Any]] = field(default_factory=list)
    test_step: config.StepConfig | None = None
    test_assert: config.AssertConfig | None = None
    files: list[str] = field(default_factory=list)


def _load_step(group: files.StepGroup, context: _Context) -> model.Step:
    parts = _StepParts()
    for path, entry in _step_files(group, context):
        _load_file(path, entry, parts, context)
    step, check = parts.test_step, parts.test_assert
    return model.Step(
        index=group.index,
        name=(step.name if step and step.name else parts.file_name),
        apply=tuple(parts.apply),
        asserts=tuple(parts.asserts),
        errors=tuple(parts.errors),
        delete=step.delete if step else (),
        commands=step.commands if step else (),
        assert_commands=check.commands if check else (),
        collectors=check.collectors if check else (),
        timeout=check.timeout if check else None,
        files=tuple(parts.files),
        cel=check.cel if check else None,
        kubeconfig=_kubeconfig(step.kubeconfig, context) if step else "",
        context=step.context if step else "",
        lazy_kubeconfig=step.lazy if step else False,
    )


def _kubeconfig(written: str, context: _Context) -> str:
    """TestStep.kubeconfig with `$VAR`s expanded, relative to the case folder (as kuttl)."""
    if not written:
        return ""
    expanded = Path(templates.expand_env(written, os.environ))
    return str(expanded if expanded.is_absolute() else context.case_dir / expanded)


def _step_files(group: files.StepGroup, context: _Context) -> list[tuple[Path, files.StepEntry]]:
    """The files of a step in kuttl's order; a step directory contributes its files in name order."""
    found: list[tuple[Path, files.StepEntry]] = []
    for entry in group.entries:
        path = context.case_dir / entry.name
        if not path.is_dir():
            found.append((path, entry))
            continue
        for child in sorted(list_dir(path)):
            if files.is_ignored(child.name, context.ignore):
                continue
            parsed = files.parse_step_name(child.name)
            if child.is_dir() or parsed is None:
                why = "a directory" if child.is_dir() else f"not named {files.PATTERN}"
                raise errors.InputError(f"{child}: step directories hold only step files ({why})")
            found.append((child, parsed))
    return found


def _load_file(path: Path, entry: files.StepEntry, parts: _StepParts, context: _Context) -> None:
    text = read_text(path)
    if entry.is_template:
        text = templates.render_template(
            text, namespace=context.namespace, variables=context.variables, source=str(path)
        )
    docs = documents.load_documents(text, source=str(path))
    if not _selected(docs, path, context):
        return
    parts.files.append(str(path))
    if entry.type is files.EntryType.APPLY and not parts.file_name:
        parts.file_name = entry.step_name  # kuttl: the first apply file names the step
    extras: list[tuple[str, Mapping[str, Any]]] = []
    for doc in docs:
        extras += _place(doc, entry, parts, context, source=str(path))
    for target, obj in extras:
        getattr(parts, target).append(obj)


def _selected(docs: list[dict[str, Any]], path: Path, context: _Context) -> bool:
    """False when the file's TestFile `testRunSelector` does not select this run."""
    test_files = [doc for doc in docs if config.config_kind(doc) == "TestFile"]
    if len(test_files) > 1:
        raise errors.SpecError(str(path), "more than one TestFile object in the file")
    return not test_files or config.matches_run_labels(test_files[0], context.run_labels, source=str(path))


_TARGET = {
    files.EntryType.APPLY: "apply",
    files.EntryType.ASSERT: "asserts",
    files.EntryType.ERRORS: "errors",
}


def _place(
    doc: Mapping[str, Any], entry: files.StepEntry, parts: _StepParts, context: _Context, *, source: str
) -> list[tuple[str, Mapping[str, Any]]]:
    """File one document of a step file; returns objects a TestStep adds after the file's own."""
    kind = config.config_kind(doc)
    if str(doc.get("apiVersion", "")).startswith(CHAINSAW_GROUP + "/"):
        raise errors.SpecError(
            source,
            f"a Chainsaw {doc.get('kind') or 'document'}, not a KUTTL step: name the file chainsaw-test.yaml"
            " to run it as a Chainsaw test",
        )
    if kind is None and not doc.get("kind"):
        context.warnings.append(f"{source}: a document without a kind, ignored")
    elif kind is None:
        getattr(parts, _TARGET[entry.type]).append(doc)
    elif kind == "TestStep":
        return _place_test_step(doc, entry, parts, context, source=source)
    elif kind == "TestAssert":
        _place_test_assert(doc, entry, parts, context, source=source)
    elif kind != "TestFile":
        raise errors.SpecError(source, f"a {kind} does not belong in a step file")
    return []


def _place_test_step(
    doc: Mapping[str, Any], entry: files.StepEntry, parts: _StepParts, context: _Context, *, source: str
) -> list[tuple[str, Mapping[str, Any]]]:
    if entry.type is not files.EntryType.APPLY:
        raise errors.SpecError(source, f"a TestStep belongs in an apply file, not in an {entry.type} file")
    if parts.test_step is not None:
        raise errors.SpecError(source, "more than 1 TestStep in one step")
    parts.test_step = config.parse_test_step(doc, source=source)
    context.warnings += parts.test_step.warnings
    listed = (
        ("apply", parts.test_step.apply),
        ("asserts", parts.test_step.assert_),
        ("errors", parts.test_step.error),
    )
    return [(target, obj) for target, paths in listed for p in paths for obj in _objects_from(p, context)]


def _place_test_assert(
    doc: Mapping[str, Any], entry: files.StepEntry, parts: _StepParts, context: _Context, *, source: str
) -> None:
    if entry.type is not files.EntryType.ASSERT:
        # kuttl would send it to the cluster as an object; it only means something in assert files
        raise errors.SpecError(source, f"a TestAssert belongs in an assert file, not in an {entry.type} file")
    if parts.test_assert is not None:
        context.warnings.append(f"{source}: several TestAsserts in one step; the last one is used (as kuttl)")
    parts.test_assert = config.parse_test_assert(doc, source=source)
    context.warnings += parts.test_assert.warnings


def _objects_from(listed: str, context: _Context) -> list[dict[str, Any]]:
    """Objects of a TestStep apply/assert/error entry: `$VAR`-expanded, a file or a dir of *.yaml."""
    expanded = templates.expand_env(listed, os.environ)
    if "://" in expanded:
        raise errors.InputError(f"{expanded}: URLs in TestStep file lists are not supported by toollab")
    path = Path(expanded) if Path(expanded).is_absolute() else context.case_dir / expanded
    if path.is_dir():
        paths = sorted(p for p in path.glob("*.yaml") if p.is_file())
    elif path.is_file():
        paths = [path]
    else:
        raise errors.InputError(f"{path}: listed in a TestStep, but no such file or directory")
    return [
        doc for p in paths for doc in documents.load_documents(read_text(p), source=str(p)) if doc.get("kind")
    ]


def read_documents(path: Path) -> list[dict[str, Any]]:
    """The YAML documents of a file, loaded as Kubernetes loads them."""
    return documents.load_documents(read_text(path), source=str(path))


def read_text(path: Path) -> str:
    """A file's text; InputError when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise errors.InputError(f"{path}: cannot read: {exc}") from exc


def list_dir(path: Path) -> list[Path]:
    try:
        return sorted(path.iterdir())
    except OSError as exc:
        raise errors.InputError(f"{path}: cannot list: {exc}") from exc


__all__ = [
    "SUITE_FILE",
    "is_suite_dir",
    "list_dir",
    "load_case",
    "load_suite",
    "read_documents",
    "read_text",
]
