"""Kubeconfig files as kubectl finds them, and a copy with a chosen context for child processes.

Reads and writes files only; never contacts an API server. Child processes (helm, kubectl in
KUTTL commands) take a kubeconfig file, so `--context` reaches them as a private copy of the
file whose current context is the chosen one.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from toollab import errors

# Fields holding file paths, which a copy in another folder must keep pointing at.
PATH_FIELDS = {
    "cluster": ("certificate-authority",),
    "user": ("client-certificate", "client-key", "tokenFile"),
}


def kubeconfig_paths(explicit: str | None) -> list[Path]:
    """Where kubectl looks: --kubeconfig, else each $KUBECONFIG entry, else ~/.kube/config."""
    if explicit:
        return [Path(explicit)]
    listed = [Path(p) for p in os.environ.get("KUBECONFIG", "").split(os.pathsep) if p]
    return listed or [Path.home() / ".kube" / "config"]


def first_path(explicit: str | None) -> str | None:
    """The one file a client reads (the first $KUBECONFIG entry), absolute, so that child processes
    running elsewhere (helm in its own folder, test commands in a case's) find it; None when unset."""
    listed = [explicit] if explicit else [p for p in os.environ.get("KUBECONFIG", "").split(os.pathsep) if p]
    return os.path.abspath(listed[0]) if listed else None


def absolute_list(explicit: str | None) -> str | None:
    """--kubeconfig, else $KUBECONFIG (a list kubectl merges itself), with every entry made absolute."""
    if explicit:
        return os.path.abspath(explicit)
    listed = [os.path.abspath(p) for p in os.environ.get("KUBECONFIG", "").split(os.pathsep) if p]
    return os.pathsep.join(listed) or None


def load(path: Path) -> dict[str, Any]:
    """A kubeconfig file as a mapping; InputError when it cannot be read or is not one."""
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise errors.InputError(f"cannot read kubeconfig {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise errors.InputError(f"kubeconfig {path} is not valid YAML") from exc
    if not isinstance(loaded, dict):
        raise errors.InputError(f"kubeconfig {path} is not a kubeconfig (not a mapping)")
    return loaded


def select_context(config: Mapping[str, Any], context: str, *, base: Path) -> dict[str, Any]:
    """`config` with `context` current and relative file paths made absolute against `base`."""
    names = [c.get("name") for c in config.get("contexts") or () if isinstance(c, Mapping)]
    if context not in names:
        known = ", ".join(str(n) for n in names) or "none"
        raise errors.InputError(f"context {context!r} is not in the kubeconfig (contexts: {known})")
    copied = dict(config)
    copied["current-context"] = context
    for section, fields in PATH_FIELDS.items():
        copied[f"{section}s"] = [
            _absolute(entry, section, fields, base) for entry in config.get(f"{section}s") or ()
        ]
    return copied


def check(path: str | None, context: str | None) -> None:
    """InputError when the kubeconfig is not one, or `context` is not in it (naming those there are).

    Without a file there is nothing to check (the in-cluster configuration may apply).
    """
    source = kubeconfig_paths(path)[0]
    if not source.exists():
        return
    config = load(source)
    if context:
        select_context(config, context, base=source.parent)


def _absolute(entry: Any, section: str, fields: tuple[str, ...], base: Path) -> Any:
    if not isinstance(entry, Mapping) or not isinstance(entry.get(section), Mapping):
        return entry
    inner = dict(entry[section])
    for field in fields:
        value = inner.get(field)
        if isinstance(value, str) and value and not os.path.isabs(value):
            inner[field] = str(base / value)
    return {**entry, section: inner}


def for_children(path: str | None, context: str | None, *, folder: Path) -> str | None:
    """The kubeconfig child processes get: `path` itself, or with `context`, a private copy in `folder`."""
    if not context:
        return path
    source = kubeconfig_paths(path)[0]
    selected = select_context(load(source), context, base=source.parent)
    target = folder / "kubeconfig"
    target.touch(mode=0o600)
    target.write_text(yaml.safe_dump(selected, sort_keys=False), encoding="utf-8")
    return str(target)


def for_children_until_exit(path: str | None, context: str | None) -> str | None:
    """`for_children` in a private temporary folder, removed when this process exits."""
    if not context:
        return path
    folder = Path(tempfile.mkdtemp(prefix="toollab-kubeconfig-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return for_children(path, context, folder=folder)


__all__ = [
    "first_path",
    "for_children",
    "for_children_until_exit",
    "kubeconfig_paths",
    "load",
    "select_context",
]
