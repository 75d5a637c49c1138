"""`toollab validate FILE...`: check ToolTrial files offline, for users' CI and GitOps repos.

Checks each ToolTrial document against the CRD's OpenAPI schema (shipped as package data)
and the CEL rules as `model.parse` re-expresses them, and compiles the expressions of steps in
the chainsaw dialect (syntax, known functions) and `steps[].cel` over the step's refs. A trial
naming a profile is expanded with the built-in catalog (plus --catalog files), and checked as the
operator would run it. Contacts a cluster only with --cluster (to use its ToolProfiles instead).
Exit 0: all valid; 1: a problem found; 2: a file could not be read.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any

from toollab import cel, errors
from toollab.assertions import dialect as dialects
from toollab.cli import connect, profile_catalog
from toollab.model import fields, parse, profile, schema, step, trial

CRD_RESOURCE = "data/tooltrials.crd.yaml"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """FILE arguments."""
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="YAML files of ToolTrials ('-': standard input)"
    )
    profile_catalog.add_arguments(parser)
    connect.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Validate every file; the worst exit status wins."""
    crd_schema = load_schema()
    try:
        profiles = _profiles(args)
    except errors.InputError as exc:
        print(f"catalog: {exc}", file=sys.stderr)
        return 2
    return max(_validate_file(name, crd_schema, profiles) for name in args.files)


def _profiles(args: argparse.Namespace) -> dict[str, profile.Profile]:
    if getattr(args, "cluster", False):
        cluster = connect.live_cluster(args.kubeconfig, args.context)
        try:
            return profile_catalog.from_cluster(cluster) | profile_catalog.from_paths(args.catalog)
        finally:
            connect.close(cluster)
    return profile_catalog.built_in() | profile_catalog.from_paths(getattr(args, "catalog", []))


def load_schema() -> schema.Schema:
    """The v1alpha1 openAPIV3Schema of the CRD shipped with toollab."""
    import yaml

    text = resources.files("toollab").joinpath(CRD_RESOURCE).read_text(encoding="utf-8")
    crd = yaml.safe_load(text)
    version = next(v for v in crd["spec"]["versions"] if v["name"] == trial.VERSION)
    result: schema.Schema = version["schema"]["openAPIV3Schema"]
    return result


def problems_in(
    document: Mapping[str, Any],
    crd_schema: schema.Schema,
    profiles: Mapping[str, profile.Profile] | None = None,
) -> list[schema.Problem]:
    """Schema problems of one ToolTrial document, plus those of the CEL rules (found by parse);
    a trial naming a profile is checked as expanded with `profiles`."""
    found = schema.validate_resource(document, crd_schema, pattern_text=fields.PATTERN_TEXT)
    try:
        expanded = _expanded(document, profiles or {})
    except errors.SpecError as bad:
        problem = schema.Problem(bad.path, bad.detail)
        return _merge(found, problem) + list(_expression_problems(document)) + list(_cel_problems(document))
    for exc in parse.find_problems(expanded):
        found = _merge(found, schema.Problem(exc.path, exc.detail))
    return found + list(_expression_problems(expanded)) + list(_cel_problems(document))


def _cel_problems(document: Mapping[str, Any]) -> Iterator[schema.Problem]:
    """`steps[].cel` expressions that do not compile, or name something other than the step's refs."""
    spec = document.get("spec")
    steps = spec.get("steps") if isinstance(spec, Mapping) else None
    for i, item in enumerate(steps if isinstance(steps, list) else []):
        if not isinstance(item, Mapping) or not isinstance(item.get("cel"), list):
            continue
        refs = item.get("refs")
        listed = refs if isinstance(refs, list) else []
        names = [str(ref["ref"]) for ref in listed if isinstance(ref, Mapping) and "ref" in ref]
        for j, source in enumerate(item["cel"]):
            if not isinstance(source, str) or not source.strip():
                continue
            try:
                cel.compile_expression(source, variables=names)
            except errors.CelError as exc:
                yield schema.Problem(f"spec.steps[{i}].cel[{j}]", str(exc))


def _expanded(document: Mapping[str, Any], profiles: Mapping[str, profile.Profile]) -> Mapping[str, Any]:
    spec = document.get("spec")
    tool = spec.get("tool") if isinstance(spec, Mapping) else None
    name = tool.get("profile") if isinstance(tool, Mapping) else None
    if not isinstance(name, str):
        return document
    if name not in profiles:
        known = ", ".join(sorted(profiles)) or "none"
        raise errors.SpecError("spec.tool.profile", f'no ToolProfile "{name}" (known: {known})')
    return profile.expand(document, profiles[name])


def _expression_problems(document: Mapping[str, Any]) -> Iterator[schema.Problem]:
    """Chainsaw-dialect assert and errors objects that do not compile."""
    spec = document.get("spec")
    if not isinstance(spec, Mapping) or not isinstance(spec.get("steps"), list):
        return
    default = spec.get("dialect") if spec.get("dialect") in step.DIALECTS else step.DIALECTS[0]
    for i, item in enumerate(spec["steps"]):
        if not isinstance(item, Mapping) or item.get("dialect", default) != dialects.Dialect.CHAINSAW:
            continue
        for part in ("assert", "errors"):
            objects = item.get(part)
            for j, obj in enumerate(objects if isinstance(objects, list) else []):
                try:
                    dialects.check_syntax(obj, dialect=dialects.Dialect.CHAINSAW)
                except errors.EvaluationError as exc:
                    yield schema.Problem(f"spec.steps[{i}].{part}[{j}]", str(exc))


def _merge(found: list[schema.Problem], extra: schema.Problem) -> list[schema.Problem]:
    """parse's wording wins where both report the same field (it reads better than a regex)."""
    same = [i for i, problem in enumerate(found) if problem.path == extra.path]
    if not same:
        return [*found, extra]
    return [extra if i == same[0] else problem for i, problem in enumerate(found)]


def _validate_file(name: str, crd_schema: schema.Schema, profiles: Mapping[str, profile.Profile]) -> int:
    try:
        documents = _read(name)
    except errors.InputError as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return 2
    labels = [name if len(documents) == 1 else f"{name}[doc {i + 1}]" for i in range(len(documents))]
    lines: list[str] = []
    trials = skipped = 0
    for label, document in zip(labels, documents, strict=True):
        if document is None:
            continue
        if not _is_tooltrial(document):
            skipped += 1
            continue
        trials += 1
        lines.extend(_report(label, document, crd_schema, profiles))
    return _summarize(name, lines, trials=trials, skipped=skipped)


def _summarize(name: str, lines: list[str], *, trials: int, skipped: int) -> int:
    for line in lines:
        print(line)
    if lines:
        return 1
    if not trials:
        print(f"{name}: no ToolTrial in this file")
        return 1
    note = f" ({skipped} other document{'s' if skipped != 1 else ''} skipped)" if skipped else ""
    print(f"{name}: ok{note}")
    return 0


def _report(
    label: str, document: Any, crd_schema: schema.Schema, profiles: Mapping[str, profile.Profile]
) -> Iterator[str]:
    if not isinstance(document, Mapping):
        yield f"{label}: not an object"
        return
    if document.get("apiVersion") != trial.API_VERSION or document.get("kind") != trial.KIND:
        yield f"{label}: apiVersion and kind must be {trial.API_VERSION} and {trial.KIND}"
        return
    for problem in problems_in(document, crd_schema, profiles):
        yield f"{label} {problem.path}: {problem.message}" if problem.path else f"{label}: {problem.message}"


def _is_tooltrial(document: Any) -> bool:
    if not isinstance(document, Mapping):
        return True  # reported as "not an object"
    api_version = str(document.get("apiVersion", ""))
    return document.get("kind") == trial.KIND or api_version.startswith(f"{trial.GROUP}/")


def _read(name: str) -> list[Any]:
    import yaml

    try:
        text = sys.stdin.read() if name == "-" else pathlib.Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise errors.InputError(f"cannot read: {getattr(exc, 'strerror', None) or exc}") from exc
    try:
        return list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise errors.InputError(f"not valid YAML{where}: {getattr(exc, 'problem', None) or exc}") from exc
