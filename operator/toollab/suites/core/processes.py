"""Local processes for suite steps (commands, scripts): run one bounded, or keep one in the background.

The one suites module that starts subprocesses (the other is installers/process.py). Each
process leads its own process group, so a timeout or stop kills whatever it started too.
Knows no suite format: argv, working directory and environment come in ready.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

MAX_OUTPUT_CHARS = 20_000  # kept from the end of a process's combined output


@dataclass(frozen=True)
class Finished:
    """How a process ended: its exit code (None: killed at the timeout, or never started)."""

    exit_code: int | None
    output: str  # stdout and stderr interleaved, decoded, the end kept
    timed_out: bool = False
    start_error: str = ""  # why it could not start (no such file, not executable…)


def run(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    timeout: float | None,
    keep_output: bool = True,
) -> Finished:
    """Run `argv` to its end, or kill its group at `timeout` seconds (None: no limit)."""
    try:
        process = subprocess.Popen(  # running the user's command is the point
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError as exc:
        return Finished(None, "", start_error=str(exc.strerror or exc))
    try:
        raw, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(process)
        raw, _ = process.communicate()
        return Finished(None, _decode(raw, keep_output), timed_out=True)
    return Finished(process.returncode, _decode(raw, keep_output))


@dataclass(frozen=True)
class Captured:
    """How a process ended, with stdout and stderr kept apart (Chainsaw checks them separately)."""

    exit_code: int | None
    stdout: str
    stderr: str
    timed_out: bool = False
    start_error: str = ""


def capture(argv: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float | None) -> Captured:
    """Run `argv` to its end (or kill its group at `timeout`), stdout and stderr captured apart."""
    try:
        process = subprocess.Popen(  # running the user's command is the point
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except (OSError, ValueError) as exc:
        return Captured(None, "", "", start_error=str(getattr(exc, "strerror", None) or exc))
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(process)
        out, err = process.communicate()
        return Captured(None, _decode(out, True), _decode(err, True), timed_out=True)
    return Captured(process.returncode, _decode(out, True), _decode(err, True))


def _decode(raw: bytes | None, keep: bool) -> str:
    if not keep or not raw:
        return ""
    return raw.decode("utf-8", errors="replace")[-MAX_OUTPUT_CHARS:]


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill a process and whatever it started (it leads its own process group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()


class Background:
    """Processes started without waiting (output discarded), all killed by `stop`."""

    def __init__(self) -> None:
        self._processes: list[subprocess.Popen[bytes]] = []

    def start(self, argv: Sequence[str], *, cwd: Path, env: Mapping[str, str]) -> str:
        """Start `argv`; an error text when it could not start, else empty."""
        try:
            self._processes.append(
                subprocess.Popen(  # running the user's command is the point
                    list(argv),
                    cwd=cwd,
                    env=dict(env),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
        except (OSError, ValueError, IndexError) as exc:
            return str(exc)
        return ""

    def stop(self) -> None:
        """Kill every background process that is still running, and reap them all."""
        for process in self._processes:
            if process.poll() is None:
                kill_group(process)
            process.wait()
        self._processes.clear()


__all__ = ["MAX_OUTPUT_CHARS", "Background", "Captured", "Finished", "capture", "kill_group", "run"]
