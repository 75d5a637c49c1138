"""A ToolTrialSet: one trial template expanded over versions and presets, one ToolTrial per cell.

Pure: parses a stored set, expands its matrix, builds each cell's ToolTrial (with an owner
reference to the set) and sums the cells' statuses. The operator creates, updates and deletes
the cells (`runner.sets`); versions from `versionPolicy` come from `chartindex`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from toollab import errors
from toollab.model import chartindex, fields, parse, profile, trial

KIND = "ToolTrialSet"
PLURAL = "tooltrialsets"
LABEL_SET = "toollab.dev/trial-set"
LABEL_CELL = "toollab.dev/cell"
MAX_CELLS = 20
VERDICTS = ("Passed", "Failed", "Error")

Body = Mapping[str, Any]


@dataclass(frozen=True)
class Preset:
    """A named set of helm values merged over the template's values."""

    name: str
    values: Mapping[str, Any]


@dataclass(frozen=True)
class TrialSet:
    """A parsed ToolTrialSet."""

    name: str
    namespace: str
    uid: str
    generation: int
    template: Mapping[str, Any]  # the ToolTrial spec every cell starts from
    template_labels: Mapping[str, str]
    versions: tuple[str, ...] = ()
    latest: int | None = None  # versionPolicy latest-N
    presets: tuple[Preset, ...] = ()
    parallelism: int = 1  # cells with no verdict yet, at most

    @property
    def chart(self) -> Mapping[str, Any]:
        """The template's spec.tool.helm ({} for manifests)."""
        return (self.template.get("tool") or {}).get("helm") or {}


@dataclass(frozen=True)
class Cell:
    """One point of the matrix: a version (None: the template's), a preset (None: none)."""

    name: str
    version: str | None
    preset: str | None


def parse_trial_set(body: Body) -> TrialSet:
    """The set in `body`; SpecError(path, message) on the first problem (the template included)."""
    meta = fields.as_mapping(body.get("metadata") or {}, "metadata")
    spec = fields.as_mapping(fields.required_value(body, "spec", ""), "spec")
    template = fields.as_mapping(fields.required_value(spec, "template", "spec"), "spec.template")
    template_spec = fields.as_mapping(
        fields.required_value(template, "spec", "spec.template"), "spec.template.spec"
    )
    matrix = fields.as_mapping(spec.get("matrix") or {}, "spec.matrix")
    parsed = TrialSet(
        name=fields.string(meta, "name", "metadata", required=True),
        namespace=fields.string(meta, "namespace", "metadata"),
        uid=fields.string(meta, "uid", "metadata"),
        generation=fields.integer(meta, "generation", "metadata", default=0),
        template=copy.deepcopy(dict(template_spec)),
        template_labels=_labels(template),
        versions=_versions(matrix),
        latest=None if matrix.get("versionPolicy") is None else chartindex.parse_policy(
            matrix.get("versionPolicy"), path="spec.matrix.versionPolicy"
        ),
        presets=_presets(matrix),
        parallelism=fields.integer(spec, "parallelism", "spec", default=1, minimum=1),
    )  # fmt: skip
    _check(parsed)
    return parsed


def _labels(template: Body) -> dict[str, str]:
    meta = template.get("metadata") or {}
    labels = meta.get("labels") if isinstance(meta, Mapping) else None
    return {str(k): str(v) for k, v in (labels or {}).items()} if isinstance(labels, Mapping) else {}


def _versions(matrix: Body) -> tuple[str, ...]:
    items = fields.list_of(matrix, "versions", "spec.matrix", max_items=MAX_CELLS)
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            raise errors.SpecError(f"spec.matrix.versions[{i}]", f"{fields.show(item)} is not a version")
    if len(set(items)) != len(items):
        raise errors.SpecError("spec.matrix.versions", "versions must be unique")
    return tuple(items)


def _presets(matrix: Body) -> tuple[Preset, ...]:
    items = fields.list_of(matrix, "presets", "spec.matrix", max_items=MAX_CELLS)
    presets = []
    for i, item in enumerate(items):
        path = f"spec.matrix.presets[{i}]"
        item = fields.as_mapping(item, path)
        name = fields.string(item, "name", path, required=True, pattern=fields.DNS_LABEL, max_length=20)
        values = fields.as_mapping(item.get("values") or {}, f"{path}.values")
        presets.append(Preset(name=name, values=copy.deepcopy(dict(values))))
    if len({p.name for p in presets}) != len(presets):
        raise errors.SpecError("spec.matrix.presets", "preset names must be unique")
    return tuple(presets)


def _check(parsed: TrialSet) -> None:
    if parsed.versions and parsed.latest is not None:
        raise errors.SpecError("spec.matrix", "set versions or versionPolicy, not both")
    if (parsed.versions or parsed.latest or parsed.presets) and not parsed.chart:
        raise errors.SpecError("spec.matrix", "versions, versionPolicy and presets need a helm source")
    if parsed.latest is not None and str(parsed.chart.get("repo", "")).startswith("oci://"):
        raise errors.SpecError(
            "spec.matrix.versionPolicy",
            "needs a chart repository with an index.yaml; OCI registries have none: list spec.matrix.versions"
            " instead",
        )
    if (parsed.template.get("target") or {}).get("namespace"):
        raise errors.SpecError(
            "spec.template.spec.target.namespace",
            "each cell installs into its own namespace (trial-<cell>): leave it unset",
        )
    cells = len(parsed.versions or [None]) * len(parsed.presets or [None])
    if cells > MAX_CELLS:
        raise errors.SpecError("spec.matrix", f"{cells} cells is more than {MAX_CELLS}")
    sample = parsed.versions or (("0.0.0",) if parsed.latest else ())
    first = expand(parsed, sample)[0]
    try:
        parse.parse_trial(build_trial(parsed, first))
    except errors.SpecError as exc:
        raise errors.SpecError(f"spec.template.{exc.path}", exc.detail) from exc


def expand(parsed: TrialSet, versions: Sequence[str]) -> list[Cell]:
    """The cells: every version (or the template's) with every preset (or none), in order."""
    every_version: list[str | None] = list(versions) or [None]
    every_preset: list[str | None] = [p.name for p in parsed.presets] or [None]
    return [
        Cell(name=cell_name(parsed.name, version, preset), version=version, preset=preset)
        for version in every_version
        for preset in every_preset
    ]


def cell_name(set_name: str, version: str | None, preset: str | None) -> str:
    """`<set>-<version>-<preset>` made a DNS label: "agents-1-2-0-ha"."""
    parts = [set_name, *(p for p in (version, preset) if p)]
    name = re.sub(r"[^a-z0-9-]+", "-", "-".join(parts).lower()).strip("-")
    return name[:57].rstrip("-")  # trial-<name> must stay a valid namespace name (63)


def build_trial(parsed: TrialSet, cell: Cell) -> dict[str, Any]:
    """The cell's ToolTrial: the template, with its version and preset, owned by the set."""
    spec = copy.deepcopy(dict(parsed.template))
    tool = dict(spec.get("tool") or {})
    if cell.version is not None:
        tool["helm"] = {**tool.get("helm", {}), "version": cell.version}
    preset = next((p for p in parsed.presets if p.name == cell.preset), None)
    if preset is not None:
        helm = dict(tool.get("helm") or {})
        helm["values"] = profile.merge(helm.get("values") or {}, preset.values)
        tool["helm"] = helm
    spec["tool"] = tool
    labels = {**parsed.template_labels, LABEL_SET: parsed.name, LABEL_CELL: cell.name}
    owner = {
        "apiVersion": trial.API_VERSION, "kind": KIND, "name": parsed.name, "uid": parsed.uid,
        "controller": True, "blockOwnerDeletion": True,
    }  # fmt: skip
    return {
        "apiVersion": trial.API_VERSION,
        "kind": trial.KIND,
        "metadata": {
            "name": cell.name,
            "namespace": parsed.namespace,
            "labels": labels,
            "ownerReferences": [owner],
        },
        "spec": spec,
    }


def is_owned_by(body: Body, parsed: TrialSet) -> bool:
    """Whether a ToolTrial is one of this set's cells (by controller owner reference)."""
    refs = (body.get("metadata") or {}).get("ownerReferences") or []
    return any(isinstance(r, Mapping) and r.get("uid") == parsed.uid and r.get("kind") == KIND for r in refs)


def outcome_of(body: Body | None) -> str:
    """Passed, Failed or Error once a cell has its verdict for its current spec; else Running/Pending."""
    if body is None:
        return "Pending"
    status = body.get("status") or {}
    generation = (body.get("metadata") or {}).get("generation")
    result = status.get("result")
    if (
        result in VERDICTS
        and status.get("observedGeneration") == generation
        and status.get("phase") != "Pending"
    ):
        return str(result)
    return "Running" if status.get("phase") else "Pending"


def summarize(cells: Sequence[Cell], bodies: Mapping[str, Body]) -> dict[str, Any]:
    """The set's status figures: counts per outcome, "2/3 passed", and one line per cell."""
    outcomes = [outcome_of(bodies.get(cell.name)) for cell in cells]
    counts = {word: outcomes.count(word) for word in ("Passed", "Failed", "Error", "Running", "Pending")}
    phase = _phase(counts, total=len(cells))
    return {
        "phase": phase,
        "total": len(cells),
        "passed": counts["Passed"],
        "failed": counts["Failed"],
        "errors": counts["Error"],
        "running": counts["Running"] + counts["Pending"],
        "summary": f"{counts['Passed']}/{len(cells)} passed",
        "cells": [
            _cell_row(cell, bodies.get(cell.name), outcome)
            for cell, outcome in zip(cells, outcomes, strict=True)
        ],
    }


def _phase(counts: Mapping[str, int], *, total: int) -> str:
    if counts["Running"] or counts["Pending"]:
        return "Running"
    if counts["Passed"] == total:
        return "Passed"
    return "Failed" if counts["Failed"] else "Error"


def _cell_row(cell: Cell, body: Body | None, outcome: str) -> dict[str, Any]:
    status = (body or {}).get("status") or {}
    row = {"name": cell.name, "outcome": outcome, "version": cell.version, "preset": cell.preset}
    row |= {"passedText": status.get("passedText"), "timeToReadySeconds": status.get("timeToReadySeconds")}
    return {key: value for key, value in row.items() if value is not None}


def unfinished(cells: Iterable[Cell], bodies: Mapping[str, Body]) -> int:
    """How many existing cells have no verdict yet (the parallelism limit counts these)."""
    return sum(1 for cell in cells if cell.name in bodies and outcome_of(bodies[cell.name]) not in VERDICTS)
