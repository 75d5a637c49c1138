"""Our charts (examples/charts, shaped like Falco, Litmus, Linkerd) served as a Helm repo on 127.0.0.1."""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from toollab.localcluster import chartserver, pins

CHARTS = Path(__file__).resolve().parents[2] / "examples" / "charts"
NAMES = ("agent", "operator", "mesh")


def helm_path() -> Path:
    """The pinned helm binary that `make tools` builds."""
    return pins.bin_dir() / "helm"


@contextlib.contextmanager
def chart_repo(*names: str) -> Iterator[str]:
    """Serve the named test charts (all by default); yields the repository URL (http://127.0.0.1:PORT)."""
    with chartserver.serve_charts([CHARTS / name for name in names or NAMES], helm=helm_path()) as url:
        yield url


def kube_score_path() -> Path:
    """The pinned kube-score binary that `make tools` builds (the scorecard's workload checker)."""
    return pins.bin_dir() / "kube-score"


@contextlib.contextmanager
def chart_versions_repo(name: str, versions: Sequence[str]) -> Iterator[str]:
    """One of our charts served under several versions (copies with Chart.yaml's version changed)."""
    with tempfile.TemporaryDirectory(prefix="toollab-versions-") as tmp:
        folders = []
        for version in versions:
            folder = Path(tmp) / version / name
            shutil.copytree(CHARTS / name, folder)
            chart_yaml = folder / "Chart.yaml"
            text = re.sub(r"(?m)^version: .*$", f"version: {version}", chart_yaml.read_text())
            chart_yaml.write_text(text)
            folders.append(folder)
        with chartserver.serve_charts(folders, helm=helm_path()) as url:
            yield url
