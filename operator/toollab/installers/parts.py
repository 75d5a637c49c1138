"""A multi-part install: each part (helm or manifests) in order, removed in reverse order.

Each part installs with its own installer as release `part.name`; its inventory entries carry
the part's name, so the uninstall hands every part exactly what it made. Values a part asks to
generate (a throwaway CA and issuer) are made here, once per install, when the values lack them.
Never reads a ToolProfile: the operator expands profiles into parts before this runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from toollab.installers import base, generate
from toollab.model import parts as model_parts
from toollab.model import profile, records, trial

SingleInstaller = Callable[[trial.HelmSource | trial.ManifestSource], base.Installer]


class PartsInstaller:
    """Installs `spec.tool.parts` in order; removes them in reverse order."""

    def __init__(self, source: trial.PartsSource, *, single: SingleInstaller) -> None:
        self.parts = source.parts
        self._single = single

    def install(self, ctx: base.InstallContext) -> base.InstallResult:
        """Every part in order (each idempotent, so a repeated call converges)."""
        entries: list[records.InventoryEntry] = []
        infos: list[model_parts.PartInfo] = []
        results: list[base.InstallResult] = []
        for part in self.parts:
            result = self._single(with_generated(part)).install(replace(ctx, release=part.name))
            results.append(result)
            entries += [replace(e, part=part.name) for e in result.objects]
            infos.append(part_info(part.name, result))
        main = results[-1]
        return base.InstallResult(
            method=main.method,
            chart=main.chart,
            version=main.version,
            app_version=main.app_version,
            objects=tuple(entries),
            seconds=sum(r.seconds for r in results),
            release=next((r.release for r in results if r.release), None),
            parts=tuple(infos),
        )

    def uninstall(self, ctx: base.InstallContext, inventory: Sequence[records.InventoryEntry]) -> None:
        """Each part in reverse order, with the entries it made (legacy entries go with the last)."""
        names = {part.name for part in self.parts}
        for index, part in enumerate(reversed(self.parts)):
            mine = [e for e in inventory if e.part == part.name or (index == 0 and e.part not in names)]
            self._single(part.source).uninstall(replace(ctx, release=part.name), mine)


def part_info(name: str, result: base.InstallResult) -> model_parts.PartInfo:
    """`status.install.parts[i]` for one installed part."""
    return model_parts.PartInfo(
        name=name,
        method=str(result.method),
        chart=result.chart,
        version=result.version,
        app_version=result.app_version,
        objects=len(result.objects),
        seconds=round(result.seconds, 1),
    )


def with_generated(part: trial.Part) -> trial.HelmSource | trial.ManifestSource:
    """The part's source, with the values it asks to generate filled in where they are absent."""
    source = part.source
    if not part.generated or not isinstance(source, trial.HelmSource):
        return source
    missing = [g for g in part.generated if lookup(source.values, g.path) is None]
    if not missing:
        return source
    made = generate.certificates()
    values = profile.merge(source.values, {})
    for value in missing:
        profile.set_path(values, value.path, made[value.kind])
    return replace(source, values=values)


def lookup(values: object, path: str) -> object:
    """The value at a dotted path, or None."""
    here = values
    for key in path.split("."):
        if not isinstance(here, dict) or key not in here:
            return None
        here = here[key]
    return here
