"""Start and stop the local cluster's processes, by recorded PID only (never by name).

Each component logs to `<run>/logs/<name>.log`, records `<run>/pids/<name>.pid` and its
command in `<run>/cmd/<name>.json` (what the supervisor restarts it from).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path


class ComponentFailed(Exception):
    """A component exited or never became ready; the message is one line naming its log."""


def start(run: Path, name: str, argv: Sequence[str], *, env: Mapping[str, str] | None = None) -> int:
    """Start one component in its own session, detached from the caller's terminal."""
    (run / "cmd").mkdir(exist_ok=True)
    (run / "cmd" / f"{name}.json").write_text(json.dumps({"argv": list(argv), "env": dict(env or {})}))
    log = (run / "logs" / f"{name}.log").open("ab")
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.Popen(
        list(argv),
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=full_env,
        start_new_session=True,
        cwd=run,
    )
    log.close()
    (run / "pids" / f"{name}.pid").write_text(f"{proc.pid}\n")
    return proc.pid


def restart(run: Path, name: str) -> int:
    """Start a component again with the command it was first started with."""
    recorded = json.loads((run / "cmd" / f"{name}.json").read_text())
    return start(run, name, [str(a) for a in recorded["argv"]], env=recorded.get("env") or {})


def pid_of(run: Path, name: str) -> int | None:
    """The recorded PID of a component, if any."""
    path = run / "pids" / f"{name}.pid"
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def belongs_to_run(pid: int, run: Path) -> bool:
    """True when the process is alive and its command line names this run's folder."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return False
    return str(run) in cmdline


def is_alive(run: Path, name: str) -> bool:
    """True when the component's recorded process still runs."""
    pid = pid_of(run, name)
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return _state(pid) != "Z"


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "?"


def log_tail(run: Path, name: str, lines: int = 5) -> str:
    """The last lines of a component's log, for error messages."""
    try:
        text = (run / "logs" / f"{name}.log").read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.rstrip().splitlines()[-lines:])


def stop(run: Path, name: str, *, grace: float = 10.0) -> None:
    """SIGTERM, wait up to `grace` seconds, then SIGKILL; only if the PID is still ours."""
    pid = pid_of(run, name)
    if pid is None or not belongs_to_run(pid, run):
        return
    _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and belongs_to_run(pid, run) and _state(pid) != "Z":
        time.sleep(0.1)
    if belongs_to_run(pid, run) and _state(pid) != "Z":
        _signal(pid, signal.SIGKILL)


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
