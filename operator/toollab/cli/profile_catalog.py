"""The ToolProfiles `toollab validate` checks trials against: the built-in catalog (package data),
files or folders given with --catalog, or the cluster's with --cluster.

Reads files and, only with --cluster, the API; never writes. A broken profile is an input error.
"""

from __future__ import annotations

import argparse
import pathlib
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

from toollab import errors
from toollab.model import profile, trial

BUILT_IN = "data/catalog"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--catalog PATH (repeatable) and --cluster."""
    parser.add_argument(
        "--catalog",
        action="append",
        default=[],
        metavar="PATH",
        help="ToolProfile YAML file or folder, on top of the built-in catalog (repeatable)",
    )
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="check profile names against the ToolProfiles of the cluster (--kubeconfig, --context)",
    )


def built_in() -> dict[str, profile.Profile]:
    """The catalog shipped with toollab."""
    folder = resources.files("toollab").joinpath(BUILT_IN)
    texts = [
        (f"{BUILT_IN}/{f.name}", f.read_text(encoding="utf-8"))
        for f in folder.iterdir()
        if f.name.endswith(".yaml")
    ]
    return from_texts(texts)


def from_paths(paths: Iterable[str]) -> dict[str, profile.Profile]:
    """The ToolProfiles in these files and folders (*.yaml, *.yml)."""
    texts = []
    for name in paths:
        path = pathlib.Path(name)
        files = sorted([*path.glob("*.yaml"), *path.glob("*.yml")]) if path.is_dir() else [path]
        for file in files:
            try:
                texts.append((str(file), file.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError) as exc:
                raise errors.InputError(
                    f"{file}: cannot read: {getattr(exc, 'strerror', None) or exc}"
                ) from exc
    return from_texts(texts)


def from_bodies(bodies: Iterable[Mapping[str, Any]], *, where: str) -> dict[str, profile.Profile]:
    """Parsed ToolProfile objects; InputError naming `where` for a broken one."""
    found = {}
    for body in bodies:
        if body.get("kind") != profile.KIND or body.get("apiVersion") != trial.API_VERSION:
            continue
        try:
            parsed = profile.parse_profile(body)
        except errors.SpecError as exc:
            raise errors.InputError(f"{where}: ToolProfile {exc.path}: {exc.detail}") from exc
        found[parsed.name] = parsed
    return found


def from_texts(texts: Iterable[tuple[str, str]]) -> dict[str, profile.Profile]:
    """The ToolProfiles in YAML texts, each named by where it came from."""
    import yaml

    found: dict[str, profile.Profile] = {}
    for where, text in texts:
        try:
            documents = [d for d in yaml.safe_load_all(text) if isinstance(d, Mapping)]
        except yaml.YAMLError as exc:
            raise errors.InputError(f"{where}: not valid YAML: {exc}") from exc
        found |= from_bodies(documents, where=where)
    return found


def from_cluster(cluster: Any) -> dict[str, profile.Profile]:
    """The cluster's ToolProfiles."""
    return from_bodies(cluster.list(trial.API_VERSION, profile.KIND, namespace=None), where="the cluster")
