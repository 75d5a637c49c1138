"""The demo's chart mirror: a background server of a packaged repository folder, started by one
process (as `make demo` does), then found by its recorded PID and stopped by another (as `make
cluster-down` does)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from toollab.localcluster import background

START = """
import sys
from pathlib import Path
from toollab.localcluster import background
where, repo = Path(sys.argv[1]), Path(sys.argv[2])
background.ensure_chart_server(where, charts=[repo], log=print, proc=background.MIRROR)
"""


def ensure(where: Path, repo: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", START, str(where), str(repo)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def test_the_mirror_is_served_reused_and_stopped_by_its_pid(tmp_path: Path) -> None:
    repo = tmp_path / "charts"
    repo.mkdir()
    (repo / "index.yaml").write_text("apiVersion: v1\nentries: {}\n")
    where = tmp_path / "run"
    first = ensure(where, repo)
    try:
        pid = background.running_pid(where, background.MIRROR)
        assert pid is not None and first.startswith(f"chart mirror: started PID {pid} at http://127.0.0.1:")
        url = (where / "mirror.url").read_text().strip()
        assert background.serves(url)
        assert background.running_pid(where, background.CHART_SERVER) is None  # a pid file of its own
        assert ensure(where, repo) == f"chart mirror: reusing PID {pid} at {url}"
    finally:
        stopped = background.stop(where, background.MIRROR)
    assert stopped == pid and not background.serves(url)
    assert background.running_pid(where, background.MIRROR) is None
