"""Load Chainsaw tests unmodified: `chainsaw-test.yaml` files, their step templates, and a Configuration.

Reads files, nothing else (no cluster). A malformed file is an InputError naming the file and the
field; what toollab does not build (several clusters, `proxy`, CEL as the default engine) is a
refusal on that test, which then fails with the reason instead of running.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from toollab import errors
from toollab.assertions import documents
from toollab.assertions.jp import units
from toollab.suites.chainsaw import model
from toollab.suites.core import discovery

Body = Mapping[str, Any]
_CLUSTERS = model.CLUSTERS_REFUSAL


def find_test_files(root: Path) -> list[Path]:
    """Every chainsaw-test.yaml (or .yml) under `root`, `root` included, one per folder, in path order."""
    folders = sorted({root, *(p for p in root.rglob("*") if p.is_dir())})
    return [file for folder in folders if (file := discovery.chainsaw_test_file(folder)) is not None]


def load_tests(path: Path) -> list[model.Test]:
    """The Test documents of one file; InputError for anything else in it or a malformed field."""
    text = _read(path)
    tests = []
    for number, doc in enumerate(documents.load_documents(text, source=str(path)), start=1):
        if not _is_kind(doc, "Test"):
            raise errors.InputError(f"{path}: document {number}: not a Chainsaw Test ({_kind(doc)})")
        try:
            tests.append(parse_test(doc, directory=path.parent, file=path))
        except errors.SpecError as exc:
            raise errors.InputError(f"{path}: document {number}: {exc}") from exc
    return tests


def load_configuration(path: Path) -> model.Configuration:
    """A Chainsaw Configuration (v1alpha1 or v1alpha2); InputError when the file holds none."""
    docs = documents.load_documents(_read(path), source=str(path))
    if len(docs) != 1 or not _is_kind(docs[0], "Configuration"):
        raise errors.InputError(f"{path}: not a Chainsaw Configuration")
    spec = _mapping(docs[0].get("spec") or {}, "spec")
    try:
        if str(docs[0]["apiVersion"]).endswith("v1alpha1"):
            return _configuration_v1alpha1(spec)
        return _configuration_v1alpha2(spec)
    except errors.SpecError as exc:
        raise errors.InputError(f"{path}: {exc}") from exc


def is_chainsaw_document(doc: Body) -> bool:
    """Whether a document belongs to Chainsaw's API group."""
    return str(doc.get("apiVersion", "")).split("/")[0] == model.API_GROUP


def parse_test(doc: Body, *, directory: Path, file: Path) -> model.Test:
    """One Test document as data; SpecError naming the field when malformed."""
    meta = _mapping(doc.get("metadata") or {}, "metadata")
    spec = _mapping(doc.get("spec"), "spec")
    steps = _list(spec, "steps", "spec")
    test = model.Test(
        name=str(meta.get("name") or directory.name),
        directory=str(directory),
        file=str(file),
        steps=tuple(_step(item, f"spec.steps[{i}]", directory) for i, item in enumerate(steps)),
        description=str(spec.get("description") or ""),
        namespace=_string(spec, "namespace", "spec"),
        namespace_template=_optional_mapping(spec.get("namespaceTemplate"), "spec.namespaceTemplate"),
        timeouts=_timeouts(spec.get("timeouts"), "spec.timeouts"),
        bindings=_bindings(spec, "bindings", "spec"),
        catch=_operations(spec, "catch", "spec", model.COLLECTOR_OPERATIONS),
        scenarios=tuple(
            _bindings(_mapping(s, f"spec.scenarios[{i}]"), "bindings", f"spec.scenarios[{i}]")
            for i, s in enumerate(_list(spec, "scenarios", "spec"))
        ),
        skip=spec.get("skip") is True,
        skip_delete=_flag(spec, "skipDelete", "spec"),
        concurrent=spec.get("concurrent") is not False,
        template=_flag(spec, "template", "spec"),
        labels={str(k): str(v) for k, v in _mapping(meta.get("labels") or {}, "metadata.labels").items()},
        engine=_engine(spec, "compiler", "spec"),
        namespace_engine=_engine(spec, "namespaceTemplateCompiler", "spec"),
        cluster=str(spec["cluster"]) if _is_expression(spec.get("cluster")) else "",
    )
    for reason in _refusals(spec):
        test = model.with_refusal(test, reason)
    return test


def _refusals(spec: Body) -> list[str]:
    """Why a test cannot run in toollab, from its own fields (never from the resources it writes).

    A test-level `cluster` that is an expression is judged when the test runs (it may name the
    default cluster, "", as Chainsaw's own scenario example does).
    """
    reasons: list[str] = []
    levels: list[Any] = [{k: v for k, v in spec.items() if not (k == "cluster" and _is_expression(v))}]
    for step in spec.get("steps") or []:
        if isinstance(step, Mapping):
            levels.append(step)
            levels += [op for block in ("try", "catch", "finally", "cleanup") for op in step.get(block) or []]
    levels += list(spec.get("catch") or [])
    for level in levels:
        if not isinstance(level, Mapping):
            continue
        bodies = [
            level,
            *(v for k, v in level.items() if k in model.TRY_OPERATIONS and isinstance(v, Mapping)),
        ]
        found = [_CLUSTERS for body in bodies if body.get("cluster") or body.get("clusters")]
        found += [reason for key, reason in model.NOT_BUILT.items() if key in level]
        reasons += [reason for reason in found if reason not in reasons]
    return reasons


def _is_expression(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("(") and value.endswith(")")


def _step(value: Any, path: str, directory: Path) -> model.Step:
    item = _mapping(value, path)
    if "use" in item:
        item = _with_template(item, path, directory)
    return model.Step(
        name=str(item.get("name") or ""),
        try_=_operations(item, "try", path, model.TRY_OPERATIONS),
        catch=_operations(item, "catch", path, model.COLLECTOR_OPERATIONS),
        finally_=_operations(item, "finally", path, model.COLLECTOR_OPERATIONS),
        cleanup=_operations(item, "cleanup", path, model.COLLECTOR_OPERATIONS),
        bindings=_bindings(item, "bindings", path),
        timeouts=_timeouts(item.get("timeouts"), f"{path}.timeouts"),
        skip_delete=_flag(item, "skipDelete", path),
        template=_flag(item, "template", path),
        engine=_engine(item, "compiler", path),
    )


def _with_template(item: Body, path: str, directory: Path) -> Body:
    """A step that `use`s a StepTemplate: the template's bindings and blocks appended to its own."""
    use = _mapping(item["use"], f"{path}.use")
    file = directory / _string(use, "template", f"{path}.use", required=True)
    docs = documents.load_documents(_read(file), source=str(file))
    if len(docs) != 1 or not _is_kind(docs[0], "StepTemplate"):
        raise errors.SpecError(f"{path}.use.template", f"{file.name} must hold exactly one StepTemplate")
    template = _mapping(docs[0].get("spec") or {}, f"{file.name}: spec")
    with_bindings = _mapping(use.get("with") or {}, f"{path}.use.with").get("bindings") or []
    merged = {k: v for k, v in item.items() if k != "use"}
    merged["bindings"] = [*(item.get("bindings") or []), *(template.get("bindings") or []), *with_bindings]
    for block in ("try", "catch", "finally", "cleanup"):
        merged[block] = [*(item.get(block) or []), *(template.get(block) or [])]
    return merged


def _operations(item: Body, key: str, path: str, allowed: tuple[str, ...]) -> tuple[model.Operation, ...]:
    return tuple(_operation(op, f"{path}.{key}[{i}]", allowed) for i, op in enumerate(_list(item, key, path)))


def _operation(value: Any, path: str, allowed: tuple[str, ...]) -> model.Operation:
    entry = _mapping(value, path)
    kinds = [key for key in entry if key in model.TRY_OPERATIONS]
    if len(kinds) != 1:
        raise errors.SpecError(
            path, f"needs exactly one operation of {', '.join(allowed)} (found {len(kinds)})"
        )
    kind = kinds[0]
    if kind not in allowed:
        raise errors.SpecError(f"{path}.{kind}", f"not allowed here (only {', '.join(allowed)})")
    body = dict(_mapping(entry[kind], f"{path}.{kind}"))
    for key in ("timeout", "duration"):
        if key in body:
            body[key] = _seconds(body[key], f"{path}.{kind}.{key}")
    return model.Operation(
        kind=kind,
        body=body,
        path=f"{path}.{kind}",
        description=str(entry.get("description") or ""),
        continue_on_error=entry.get("continueOnError") is True,
        engine=_engine(entry, "compiler", path),
    )


def _bindings(item: Body, key: str, path: str) -> tuple[model.Binding, ...]:
    found = []
    for i, value in enumerate(_list(item, key, path)):
        binding = _mapping(value, f"{path}.{key}[{i}]")
        name = _string(binding, "name", f"{path}.{key}[{i}]", required=True)
        where = f"{path}.{key}[{i}]"
        found.append(
            model.Binding(name=name, value=binding.get("value"), engine=_engine(binding, "compiler", where))
        )
    return tuple(found)


def _timeouts(value: Any, path: str) -> model.Timeouts:
    spec = _mapping(value or {}, path)
    keys = {"apply": "apply", "assert": "assert_", "cleanup": "cleanup", "delete": "delete", "error": "error"}
    parsed = {field: _seconds(spec[key], f"{path}.{key}") for key, field in keys.items() if key in spec}
    if "exec" in spec:
        parsed["exec"] = _seconds(spec["exec"], f"{path}.exec")
    return model.Timeouts(**parsed)


def _configuration_v1alpha1(spec: Body) -> model.Configuration:
    return model.Configuration(
        timeouts=_timeouts(spec.get("timeouts"), "spec.timeouts").over(model.DEFAULT_TIMEOUTS),
        namespace=_string(spec, "namespace", "spec"),
        skip_delete=spec.get("skipDelete") is True,
        fail_fast=spec.get("failFast") is True,
        template=spec.get("template") is not False,
        parallel=spec.get("parallel") if isinstance(spec.get("parallel"), int) else None,
    )


def _configuration_v1alpha2(spec: Body) -> model.Configuration:
    def part(key: str) -> Body:
        return _mapping(spec.get(key) or {}, f"spec.{key}")

    parallel = part("execution").get("parallel")
    return model.Configuration(
        timeouts=_timeouts(spec.get("timeouts"), "spec.timeouts").over(model.DEFAULT_TIMEOUTS),
        namespace=_string(part("namespace"), "name", "spec.namespace"),
        skip_delete=part("cleanup").get("skipDelete") is True,
        fail_fast=part("execution").get("failFast") is True,
        template=part("templating").get("enabled") is not False,
        parallel=parallel if isinstance(parallel, int) else None,
    )


def _engine(item: Body, key: str, path: str) -> str | None:
    """`compiler:` (jp or cel), or None when unset."""
    value = item.get(key)
    if value is not None and value not in ("jp", "cel"):
        raise errors.SpecError(f"{path}.{key}", f"{value!r} is not one of jp, cel")
    return value


def _seconds(value: Any, path: str) -> float:
    parsed = units.parse_duration(value) if isinstance(value, str) else None
    if parsed is None or parsed.nanos < 0:
        raise errors.SpecError(path, f"{value!r} is not a duration like 30s or 1m30s")
    return parsed.nanos / 1e9


def _is_kind(doc: Body, kind: str) -> bool:
    return is_chainsaw_document(doc) and doc.get("kind") == kind


def _kind(doc: Body) -> str:
    return f"{doc.get('apiVersion')} {doc.get('kind')}"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise errors.InputError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from exc


def _mapping(value: Any, path: str) -> Body:
    if not isinstance(value, Mapping):
        raise errors.SpecError(path, "must be an object")
    return value


def _optional_mapping(value: Any, path: str) -> Body | None:
    return None if value is None else _mapping(value, path)


def _list(item: Body, key: str, path: str) -> list[Any]:
    value = item.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise errors.SpecError(f"{path}.{key}", "must be a list")
    return value


def _string(item: Body, key: str, path: str, *, required: bool = False) -> str:
    value = item.get(key)
    if value is None or value == "":
        if required:
            raise errors.SpecError(f"{path}.{key}", "required")
        return ""
    if not isinstance(value, str):
        raise errors.SpecError(f"{path}.{key}", "must be a string")
    return value


def _flag(item: Body, key: str, path: str) -> bool | None:
    value = item.get(key)
    if value is not None and not isinstance(value, bool):
        raise errors.SpecError(f"{path}.{key}", "must be true or false")
    return value
