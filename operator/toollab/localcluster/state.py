"""Where a local cluster run is recorded: `<state>/cluster-dir` and `<state>/kubeconfig`.

The state folder defaults to `.run/` in the current directory (the repository when run from
`make`); TOOLLAB_STATE overrides it. Pure path logic and small file reads.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path


def state_dir() -> Path:
    """The folder holding the record of the current run."""
    return Path(os.environ.get("TOOLLAB_STATE") or Path.cwd() / ".run")


@dataclass(frozen=True)
class RunRecord:
    """One started cluster: its folder and API port."""

    run: Path
    api_port: int

    @property
    def pki(self) -> Path:
        return self.run / "pki"

    @property
    def kubeconfig(self) -> Path:
        return self.run / "kubeconfig"


def read_record(state: Path) -> RunRecord | None:
    """The recorded run, or None when there is none or it is unreadable."""
    try:
        data = json.loads((state / "cluster.json").read_text())
        return RunRecord(run=Path(data["run"]), api_port=int(data["apiPort"]))
    except (OSError, ValueError, KeyError):
        return None


def write_record(state: Path, record: RunRecord) -> None:
    """Record the run and link its kubeconfig as `<state>/kubeconfig`."""
    state.mkdir(parents=True, exist_ok=True)
    (state / "cluster.json").write_text(
        json.dumps({"run": str(record.run), "apiPort": record.api_port}) + "\n"
    )
    link = state / "kubeconfig"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(record.kubeconfig)


def clear_record(state: Path) -> None:
    """Forget the recorded run."""
    for name in ("cluster.json", "kubeconfig"):
        path = state / name
        if path.is_symlink() or path.exists():
            path.unlink()
