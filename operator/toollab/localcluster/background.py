"""Processes `make demo` leaves running (chart server, operator): start or reuse, find, stop by recorded PID.

Each records `<state>/<name>.pid` and logs to `<state>/<name>.log`. A PID counts as ours only
while its command line still holds the process's marker, so a recycled PID is never signalled.
Standard library only.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from toollab.localcluster import state


class StartError(Exception):
    """A background process could not be started; the message names its log."""


@dataclass(frozen=True)
class Background:
    """A long-running helper: its file name stem in the state folder, and a marker its command line holds."""

    name: str
    marker: str

    def pid_file(self, where: Path) -> Path:
        return where / f"{self.name}.pid"

    def log_file(self, where: Path) -> Path:
        return where / f"{self.name}.log"


CHART_SERVER = Background("chartserver", "toollab.localcluster.chartserver")
MIRROR = Background("mirror", "toollab.localcluster.chartserver\0--directory")  # the real charts
OPERATOR = Background("operator", "toollab.cli.main\0operator\0")


def command_line(pid: int) -> str:
    """The process's NUL-separated command line ('' when it is gone or a zombie)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def start_ticks(pid: int) -> int | None:
    """When the process started, in clock ticks since boot (field 22 of /proc/PID/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[19])
    except (OSError, IndexError, ValueError):
        return None


def running_pid(where: Path, proc: Background) -> int | None:
    """The recorded PID, if that process still runs and is the one we started."""
    try:
        pid = int(proc.pid_file(where).read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if proc.marker in command_line(pid) else None


def start(where: Path, proc: Background, argv: Sequence[str], *, env: Mapping[str, str], cwd: Path) -> int:
    """Start `argv` in its own session (it outlives us and ignores our Ctrl-C); record its PID."""
    where.mkdir(parents=True, exist_ok=True)
    with proc.log_file(where).open("wb") as log:
        child = subprocess.Popen(
            list(argv),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,
        )
    proc.pid_file(where).write_text(f"{child.pid}\n")
    deadline = time.monotonic() + 5.0  # /proc shows an empty command line until exec completes
    while proc.marker not in command_line(child.pid) and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    return child.pid


def stop(where: Path, proc: Background, *, grace: float = 10.0) -> int | None:
    """SIGTERM the recorded process, SIGKILL after `grace` seconds; forget it. Returns the PID stopped."""
    pid = running_pid(where, proc)
    if pid is not None:
        _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while proc.marker in command_line(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if proc.marker in command_line(pid):
            _signal(pid, signal.SIGKILL)
    with contextlib.suppress(FileNotFoundError):
        proc.pid_file(where).unlink()
    return pid


def log_tail(where: Path, proc: Background, lines: int = 8) -> str:
    """The last lines of the process's log, for error messages."""
    try:
        text = proc.log_file(where).read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.rstrip().splitlines()[-lines:])


def serves(url: str) -> bool:
    """True when a chart repository answers at `url`."""
    try:
        with urllib.request.urlopen(f"{url}/index.yaml", timeout=3) as response:  # our own, on 127.0.0.1
            return bool(response.status == 200)
    except OSError:
        return False


def ensure_chart_server(
    where: Path, *, charts: Sequence[Path], log: Callable[[str], None], proc: Background = CHART_SERVER
) -> str:
    """Reuse the recorded chart server if it still serves; else start one for `charts` (with proc
    MIRROR: serve the one folder in `charts` as it is). Returns its URL."""
    url_file = where / f"{proc.name}.url"
    pid = running_pid(where, proc)
    url = url_file.read_text().strip() if url_file.exists() else ""
    what = "chart server" if proc is CHART_SERVER else "chart mirror"
    if pid is not None and url and serves(url):
        log(f"{what}: reusing PID {pid} at {url}")
        return url
    stop(where, proc)
    argv = [sys.executable, "-m", "toollab.localcluster.chartserver"]
    argv += ["--directory"] if proc is MIRROR else []  # right after the module: MIRROR's marker
    argv += [str(c) for c in charts]
    pid = start(where, proc, argv, env=os.environ, cwd=where)
    url = _wait_for_url(where, pid, proc)
    url_file.write_text(url + "\n")
    log(f"{what}: started PID {pid} at {url}, serving {', '.join(str(c.name) for c in charts)}")
    return url


def _wait_for_url(where: Path, pid: int, proc: Background, timeout: float = 120.0) -> str:
    """The URL the chart server prints on its first line, once it serves."""
    deadline = time.monotonic() + timeout
    log_file = proc.log_file(where)
    while time.monotonic() < deadline:
        first = (log_file.read_text(errors="replace").splitlines() or [""])[0]
        if first.startswith("http://") and serves(first):
            return first
        if running_pid(where, proc) != pid:
            raise StartError(f"the chart server exited; see {log_file}\n{log_tail(where, proc)}")
        time.sleep(0.2)
    raise StartError(f"the chart server did not serve within {timeout:.0f}s; see {log_file}")


def ensure_operator(
    where: Path, *, argv: Sequence[str], record: state.RunRecord, kubeconfig: Path, log: Callable[[str], None]
) -> int:
    """Reuse the recorded operator if it runs against this cluster; else start `argv`. Returns its PID."""
    log_file = OPERATOR.log_file(where)
    pid = running_pid(where, OPERATOR)
    if pid is not None and not older_than_cluster(pid, record):
        log(f"operator: reusing PID {pid} (log {log_file})")
        return pid
    stop(where, OPERATOR)  # none, or one left from an earlier cluster
    pid = start(where, OPERATOR, argv, env={**os.environ, "KUBECONFIG": str(kubeconfig)}, cwd=where)
    time.sleep(2.0)  # an operator that cannot start (bad kubeconfig, import error) exits within this
    if running_pid(where, OPERATOR) != pid:
        raise StartError(f"the operator exited at start; see {log_file}\n{log_tail(where, OPERATOR)}")
    log(f"operator: started PID {pid} (log {log_file})")
    return pid


def older_than_cluster(pid: int, record: state.RunRecord) -> bool:
    """True when the process started before this cluster's API server: it holds a dead one's address."""
    try:
        api_pid = int((record.run / "pids" / "kube-apiserver.pid").read_text().strip())
    except (OSError, ValueError):
        return True
    ours, api = start_ticks(pid), start_ticks(api_pid)
    return ours is None or api is None or ours < api


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
