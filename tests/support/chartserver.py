"""Our charts (examples/charts, shaped like Falco, Litmus, Linkerd) served as a Helm repo on 127.0.0.1."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
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
