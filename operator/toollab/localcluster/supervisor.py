"""The local cluster's supervisor: restarts any component that exits, with backoff, and logs it.

Run as `python -m toollab.localcluster.supervisor RUN_FOLDER` (`make cluster` starts it last).
Each component's command is recorded by `processes.start` in `<run>/cmd/<name>.json`; a
component found dead is started again from it after 1, 2, 4... up to 30 seconds, and the backoff
resets once it has stayed up for a minute. Every start and exit goes to `<run>/logs/supervisor.log`.
Standard library only.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from toollab.localcluster import processes

NAME = "supervisor"
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 30.0
STEADY_SECONDS = 60.0  # up this long: the next exit starts with the first backoff again
TICK = 0.5


@dataclass
class Watch:
    """One component as the supervisor tracks it."""

    name: str
    backoff: float = FIRST_BACKOFF
    down_since: float | None = None
    started_at: float = 0.0
    restarts: int = 0


def log(run: Path, message: str) -> None:
    """One line with a UTC time stamp in the supervisor's log."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    with (run / "logs" / f"{NAME}.log").open("a") as out:
        out.write(f"{stamp} {message}\n")


def reap() -> None:
    """Collect exited children (the components this supervisor restarted), so none stays a zombie."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def tick(run: Path, watches: list[Watch], now: float) -> None:
    """Restart each dead component whose backoff has passed; note the ones that are up."""
    for watch in watches:
        if processes.is_alive(run, watch.name):
            if watch.started_at and now - watch.started_at >= STEADY_SECONDS:
                watch.backoff = FIRST_BACKOFF
            continue
        if watch.down_since is None:
            watch.down_since = now
            log(run, f"{watch.name} is down; restarting in {watch.backoff:g}s")
            continue
        if now - watch.down_since < watch.backoff:
            continue
        try:
            pid = processes.restart(run, watch.name)
        except (OSError, ValueError) as exc:
            log(run, f"{watch.name}: could not restart: {exc}")
            pid = None
        watch.restarts += 1
        log(run, f"{watch.name} restarted (pid {pid}, restart {watch.restarts})")
        watch.down_since, watch.started_at = None, now
        watch.backoff = min(MAX_BACKOFF, watch.backoff * 2)


def supervise(run: Path, names: list[str]) -> None:
    """Watch `names` until SIGTERM."""
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    watches = [Watch(name, started_at=time.monotonic()) for name in names]
    log(run, f"supervising {', '.join(names)}")
    while not stopping:
        reap()
        tick(run, watches, time.monotonic())
        time.sleep(TICK)
    log(run, "stopped")


def main(argv: list[str]) -> int:
    """`supervisor RUN_FOLDER NAME...`."""
    if len(argv) < 2:
        print("usage: python -m toollab.localcluster.supervisor RUN_FOLDER COMPONENT...", file=sys.stderr)
        return 2
    supervise(Path(argv[0]), argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
