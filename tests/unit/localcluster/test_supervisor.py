"""The supervisor restarts a component that exited, from its recorded command, with backoff."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from toollab.localcluster import processes, supervisor

# components are detached on purpose: Popen warns when its object goes while the child runs
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture
def run(tmp_path: Path) -> Iterator[Path]:
    for sub in ("logs", "pids"):
        (tmp_path / sub).mkdir()
    yield tmp_path
    processes.stop(tmp_path, "sleeper", grace=1)


def start_sleeper(run: Path) -> int:
    # the run folder in its command line: `processes.stop` signals only processes of this run
    return processes.start(run, "sleeper", ["sh", "-c", f"sleep 60 # {run}"])


def kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def test_a_dead_component_is_restarted_after_its_backoff_and_logged(run: Path) -> None:
    first = start_sleeper(run)
    watches = [supervisor.Watch("sleeper", started_at=0.0)]
    kill(first)
    supervisor.tick(run, watches, now=100.0)  # noticed: down, restart in 1 s
    assert not processes.is_alive(run, "sleeper")
    supervisor.tick(run, watches, now=100.5)
    assert not processes.is_alive(run, "sleeper")
    supervisor.tick(run, watches, now=101.0)
    second = processes.pid_of(run, "sleeper")
    assert second not in (None, first) and processes.is_alive(run, "sleeper")
    assert watches[0].backoff == 2.0
    log = (run / "logs" / "supervisor.log").read_text()
    assert "sleeper is down; restarting in 1s" in log and "sleeper restarted (pid" in log
    assert second is not None
    kill(second)
    supervisor.tick(run, watches, now=102.0)
    supervisor.tick(run, watches, now=103.0)
    assert not processes.is_alive(run, "sleeper")  # the second exit waits 2 s
    supervisor.tick(run, watches, now=104.0)
    assert processes.is_alive(run, "sleeper")


def test_the_backoff_resets_after_a_steady_minute(run: Path) -> None:
    start_sleeper(run)
    watch = supervisor.Watch("sleeper", backoff=16.0, started_at=time.monotonic() - 61)
    supervisor.tick(run, [watch], now=time.monotonic())
    assert watch.backoff == supervisor.FIRST_BACKOFF
