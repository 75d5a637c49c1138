"""`spec.tool.parts`: an ordered multi-part install (each part one helm chart or manifests).

Pure parsing; no I/O. `parse.parse_trial` hands in its own helm and manifests parsers so each
part is checked exactly like `spec.tool.helm` / `spec.tool.manifests`, with the part's path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from toollab import errors
from toollab.model import fields, stored, trial

MAX_PARTS = 10
# Key the profile expansion adds to spec.tool (in memory only): the ToolProfile the parts came from.
RESOLVED_FROM = "resolvedFromProfile"
# A part's name is its helm release name: a DNS label, at most 53 characters (helm's limit).
MAX_PART_NAME = 53
PATH_PATTERN = r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$"

Body = Mapping[str, Any]
Raw = Mapping[str, Any]
HelmParser = Callable[[Body, str], trial.HelmSource]
ManifestsParser = Callable[[Body, str], trial.ManifestSource]


def parse_parts(tool: Body, path: str, *, helm: HelmParser, manifests: ManifestsParser) -> trial.PartsSource:
    """The parts of `tool` (spec.tool); SpecError on the first problem."""
    items = fields.list_of(tool, "parts", path, max_items=MAX_PARTS)
    if not items:
        raise errors.SpecError(f"{path}.parts", "needs at least one part")
    parsed = tuple(_part(item, f"{path}.parts[{i}]", helm, manifests) for i, item in enumerate(items))
    seen: set[str] = set()
    for i, part in enumerate(parsed):
        if part.name in seen:
            raise errors.SpecError(
                f"{path}.parts[{i}].name", f'part names must be unique: "{part.name}" repeats'
            )
        seen.add(part.name)
    return trial.PartsSource(parts=parsed)


def _part(value: Any, path: str, helm: HelmParser, manifests: ManifestsParser) -> trial.Part:
    item = fields.as_mapping(value, path)
    name = fields.string(
        item, "name", path, required=True, pattern=fields.DNS_LABEL, max_length=MAX_PART_NAME
    )
    given = [key for key in ("helm", "manifests") if item.get(key) is not None]
    if len(given) != 1:
        raise errors.SpecError(path, f'part "{name}": set exactly one of helm or manifests')
    generated = tuple(
        _generated(entry, f"{path}.generate[{i}]")
        for i, entry in enumerate(fields.list_of(item, "generate", path, max_items=16))
    )
    if given[0] == "helm":
        source: trial.HelmSource | trial.ManifestSource = helm(
            fields.as_mapping(item["helm"], f"{path}.helm"), f"{path}.helm"
        )
    else:
        if generated:
            raise errors.SpecError(f"{path}.generate", "only a helm part has values to generate")
        source = manifests(fields.as_mapping(item["manifests"], f"{path}.manifests"), f"{path}.manifests")
    return trial.Part(name=name, source=source, generated=generated)


def _generated(value: Any, path: str) -> trial.GeneratedValue:
    item = fields.as_mapping(value, path)
    values_path = fields.string(item, "path", path, required=True, max_length=253)
    if not re.match(PATH_PATTERN, values_path):
        raise errors.SpecError(f"{path}.path", f"{fields.show(values_path)} is not a dotted values path")
    kind = fields.string(item, "kind", path, required=True)
    if kind not in trial.GENERATED_KINDS:
        raise errors.SpecError(
            f"{path}.kind", f"{fields.show(kind)} is not one of {', '.join(trial.GENERATED_KINDS)}"
        )
    return trial.GeneratedValue(path=values_path, kind=kind)


@dataclass(frozen=True)
class PartInfo:
    """`status.install.parts[i]`: one part of a multi-part install."""

    name: str
    method: str
    chart: str = ""
    version: str = ""
    app_version: str = ""
    objects: int = 0
    seconds: float = 0.0

    def to_raw(self) -> dict[str, Any]:
        """The stored form."""
        raw = {"name": self.name, "method": self.method, "chart": self.chart, "version": self.version}
        return raw | {"appVersion": self.app_version, "objects": self.objects, "seconds": self.seconds}

    @classmethod
    def from_raw(cls, raw: Raw) -> PartInfo:
        """Read a stored part record."""
        return cls(
            name=stored.as_str(raw.get("name")),
            method=stored.as_str(raw.get("method")),
            chart=stored.as_str(raw.get("chart")),
            version=stored.as_str(raw.get("version")),
            app_version=stored.as_str(raw.get("appVersion")),
            objects=stored.as_int(raw.get("objects")),
            seconds=stored.as_float(raw.get("seconds")) or 0.0,
        )
