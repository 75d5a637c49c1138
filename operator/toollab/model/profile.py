"""ToolProfile: parse a catalog entry and expand a trial that names it into parts and steps.

Pure: no I/O. `expand(trial_body, profile_body)` returns a new trial body whose spec.tool has
ordered `parts` (preset values and parameters applied) and whose steps are the profile's health
steps followed by the trial's own; `parse.parse_trial` then checks it like any other trial.
Raises SpecError with the trial's field path (unknown preset, unknown or missing parameter).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from toollab import errors
from toollab.model import fields, parts, trial

KIND = "ToolProfile"
PLURAL = "toolprofiles"
DEFAULT_PRESET = "default"
PRESETS = ("default", "kind", "simulated")
ISOLATIONS = ("namespaced", "cluster-singleton")

Body = Mapping[str, Any]


@dataclass(frozen=True)
class Param:
    """One parameter: where its value goes and what happens when the trial leaves it out."""

    name: str
    part: str
    path: str
    required: bool = False
    default: str | None = None
    generate: str | None = None  # one of trial.GENERATED_KINDS


@dataclass(frozen=True)
class Profile:
    """The parts of a ToolProfile the operator acts on (the rest is for people and reports)."""

    name: str
    category: str
    default_version: str
    isolation: str
    repo: str
    parts: tuple[Mapping[str, Any], ...]
    presets: Mapping[str, Mapping[str, Any]]  # preset -> part name -> values
    params: tuple[Param, ...]
    health: tuple[Mapping[str, Any], ...]
    health_dialect: str
    capabilities: tuple[str, ...] = ()

    @property
    def singleton(self) -> bool:
        """Whether two trials of this tool must not run at the same time."""
        return self.isolation == "cluster-singleton"


def parse_profile(body: Body) -> Profile:
    """The ToolProfile in `body`; SpecError (paths from `spec`) when it is not usable."""
    meta = fields.as_mapping(body.get("metadata") or {}, "metadata")
    name = fields.string(meta, "name", "metadata", required=True)
    spec = fields.as_mapping(fields.required_value(body, "spec", ""), "spec")
    install = fields.as_mapping(fields.required_value(spec, "install", "spec"), "spec.install")
    items = fields.list_of(install, "parts", "spec.install", max_items=parts.MAX_PARTS)
    if not items:
        raise errors.SpecError("spec.install.parts", "needs at least one part")
    part_names = [
        fields.string(
            fields.as_mapping(p, "spec.install.parts[]"), "name", "spec.install.parts[]", required=True
        )
        for p in items
    ]
    isolation = fields.string(spec, "isolation", "spec") or "namespaced"
    if isolation not in ISOLATIONS:
        raise errors.SpecError(
            "spec.isolation", f"{fields.show(isolation)} is not one of {', '.join(ISOLATIONS)}"
        )
    health = fields.as_mapping(spec.get("health") or {}, "spec.health")
    requires = fields.as_mapping(spec.get("requires") or {}, "spec.requires")
    return Profile(
        name=name,
        category=fields.string(spec, "category", "spec"),
        default_version=fields.string(spec, "defaultVersion", "spec"),
        isolation=isolation,
        repo=fields.string(install, "repo", "spec.install"),
        parts=tuple(fields.as_mapping(p, f"spec.install.parts[{i}]") for i, p in enumerate(items)),
        presets=_presets(spec, part_names),
        params=tuple(
            _param(p, f"spec.params[{i}]", part_names)
            for i, p in enumerate(fields.list_of(spec, "params", "spec", max_items=32))
        ),
        health=tuple(
            fields.as_mapping(s, f"spec.health.steps[{i}]")
            for i, s in enumerate(fields.list_of(health, "steps", "spec.health", max_items=20))
        ),
        health_dialect=fields.string(health, "dialect", "spec.health") or "kuttl",
        capabilities=fields.strings(requires, "capabilities", "spec.requires", max_items=20),
    )


def _presets(spec: Body, part_names: list[str]) -> dict[str, Mapping[str, Any]]:
    found: dict[str, Mapping[str, Any]] = {DEFAULT_PRESET: {}}
    for i, item in enumerate(fields.list_of(spec, "presets", "spec", max_items=len(PRESETS))):
        path = f"spec.presets[{i}]"
        preset = fields.as_mapping(item, path)
        name = fields.string(preset, "name", path, required=True)
        values = fields.as_mapping(preset.get("values") or {}, f"{path}.values")
        for part in values:
            if part not in part_names:
                raise errors.SpecError(
                    f"{path}.values.{part}", f"names no part (parts: {', '.join(part_names)})"
                )
        found[name] = values
    return found


def _param(value: Any, path: str, part_names: list[str]) -> Param:
    item = fields.as_mapping(value, path)
    part = fields.string(item, "part", path) or part_names[0]
    if part not in part_names:
        raise errors.SpecError(f"{path}.part", f"{fields.show(part)} names no part")
    generate = fields.string(item, "generate", path) or None
    if generate is not None and generate not in trial.GENERATED_KINDS:
        raise errors.SpecError(
            f"{path}.generate", f"{fields.show(generate)} is not one of {', '.join(trial.GENERATED_KINDS)}"
        )
    default = item.get("default")
    return Param(
        name=fields.string(item, "name", path, required=True),
        part=part,
        path=fields.string(item, "path", path, required=True),
        required=fields.boolean(item, "required", path, False),
        default=None if default is None else str(default),
        generate=generate,
    )


def expand(trial_body: Body, profile: Profile) -> dict[str, Any]:
    """A copy of `trial_body` with spec.tool as the profile's parts and the health steps first."""
    body = copy.deepcopy(dict(trial_body))
    spec = dict(fields.as_mapping(body.get("spec") or {}, "spec"))
    tool = fields.as_mapping(spec.get("tool") or {}, "spec.tool")
    if any(tool.get(key) is not None for key in ("helm", "manifests", "parts")):
        raise errors.SpecError(
            "spec.tool", "has two sources: set exactly one of helm, manifests, parts or profile"
        )
    preset = fields.string(tool, "preset", "spec.tool") or DEFAULT_PRESET
    if preset not in profile.presets:
        known = ", ".join(sorted(profile.presets))
        raise errors.SpecError(
            "spec.tool.preset", f'profile "{profile.name}" has no preset "{preset}" (has: {known})'
        )
    given = _given_params(tool, profile)
    version = fields.string(tool, "version", "spec.tool") or profile.default_version
    repo = fields.string(tool, "repo", "spec.tool", pattern=fields.REPO_URL) or profile.repo
    spec["tool"] = {
        "name": fields.string(tool, "name", "spec.tool") or profile.name,
        "version": version,
        "preset": preset,
        parts.RESOLVED_FROM: profile.name,
        "parts": [_expand_part(p, profile, preset, given, version=version, repo=repo) for p in profile.parts],
    }
    trial_dialect = spec.get("dialect", "kuttl")
    health = [_with_dialect(s, profile.health_dialect, trial_dialect) for s in profile.health]
    spec["steps"] = [*health, *(spec.get("steps") or [])]
    body["spec"] = spec
    return body


def _given_params(tool: Body, profile: Profile) -> dict[str, str]:
    given = fields.as_mapping(tool.get("params") or {}, "spec.tool.params")
    known = {p.name for p in profile.params}
    for key, value in given.items():
        if key not in known:
            names = ", ".join(sorted(known)) or "none"
            raise errors.SpecError(
                f"spec.tool.params.{key}", f'profile "{profile.name}" has no parameter "{key}" (has: {names})'
            )
        if not isinstance(value, str):
            raise errors.SpecError(f"spec.tool.params.{key}", f"must be a string, not {fields.show(value)}")
    return {str(k): str(v) for k, v in given.items()}


def _expand_part(
    part: Mapping[str, Any],
    profile: Profile,
    preset: str,
    given: Mapping[str, str],
    *,
    version: str,
    repo: str,
) -> dict[str, Any]:
    name = str(part.get("name"))
    if part.get("manifests") is not None:
        return {"name": name, "manifests": copy.deepcopy(dict(part["manifests"]))}
    values = merge(part.get("values") or {}, profile.presets[preset].get(name) or {})
    generate = []
    for param in (p for p in profile.params if p.part == name):
        if param.name in given:
            set_path(values, param.path, given[param.name])
        elif param.default is not None:
            set_path(values, param.path, param.default)
        elif param.generate is not None:
            generate.append({"path": param.path, "kind": param.generate})
        elif param.required:
            raise errors.SpecError(
                f"spec.tool.params.{param.name}", f'profile "{profile.name}" needs this parameter'
            )
    helm = {
        "repo": part.get("repo") or repo,
        "chart": part.get("chart"),
        "version": part.get("version") or version,
    }
    return {"name": name, "helm": helm | {"values": values}, "generate": generate}


def _with_dialect(step: Mapping[str, Any], dialect: str, trial_dialect: Any) -> dict[str, Any]:
    copied = copy.deepcopy(dict(step))
    if dialect != trial_dialect and "dialect" not in copied:
        copied["dialect"] = dialect
    return copied


def merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Helm-style deep merge: mappings merge key by key, anything else in `over` replaces."""
    merged = copy.deepcopy(dict(base))
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def set_path(values: dict[str, Any], path: str, value: Any) -> None:
    """Set `value` at the dotted `path`, making the mappings on the way."""
    *heads, last = path.split(".")
    here = values
    for key in heads:
        nxt = here.get(key)
        if not isinstance(nxt, dict):
            nxt = here[key] = {}
        here = nxt
    here[last] = value
