"""The `ProcessRunner` seam for external commands (helm), and the one real implementation.

The only module in toollab that imports `subprocess`. A failed, missing or timed-out
command becomes `errors.InstallError` here, with the first lines of its stderr; the
environment is never echoed, so secrets passed through it stay out of messages.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from toollab import errors

# How much of a failing command's stderr goes into an error message.
STDERR_LINES = 5
STDERR_CHARS = 600


@dataclass(frozen=True)
class Completed:
    """A command that ran to its end: exit status and decoded output."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        """True when the command exited 0."""
        return self.returncode == 0


class ProcessRunner(Protocol):
    """Runs a command to completion; never raises for a non-zero exit status."""

    def run(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None,
        timeout: float,
        input: str | None = None,
        cwd: str | None = None,
    ) -> Completed:
        """Run `argv` in `cwd`; raise InstallError only when it cannot start or runs past `timeout`."""
        ...


def command_name(argv: Sequence[str]) -> str:
    """A short, secret-free name for a command: program and subcommand, e.g. `helm upgrade`."""
    if not argv:
        return "<empty command>"
    sub = next((arg for arg in argv[1:2] if not arg.startswith("-")), "")
    return f"{Path(argv[0]).name} {sub}".strip()


def first_lines(text: str, *, lines: int = STDERR_LINES, chars: int = STDERR_CHARS) -> str:
    """The first non-blank lines of `text`, trimmed for a status message."""
    kept = [line.rstrip() for line in text.splitlines() if line.strip()][:lines]
    joined = "\n".join(kept)
    return joined if len(joined) <= chars else joined[: chars - 3] + "..."


def failure(argv: Sequence[str], completed: Completed) -> errors.InstallError:
    """The InstallError for a command that exited non-zero (raise it, or inspect it first)."""
    detail = first_lines(completed.stderr) or first_lines(completed.stdout) or "no output"
    return errors.InstallError(f"{command_name(argv)} exited {completed.returncode}: {detail}")


def check(argv: Sequence[str], completed: Completed) -> Completed:
    """`completed` when it succeeded; raise its InstallError otherwise."""
    if not completed.ok:
        raise failure(argv, completed)
    return completed


class SubprocessRunner:
    """A ProcessRunner over `subprocess.run`; no shell, text I/O, output captured."""

    def run(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None,
        timeout: float,
        input: str | None = None,
        cwd: str | None = None,
    ) -> Completed:
        """Run `argv` with exactly `env` (None: inherit ours), in `cwd` (None: ours)."""
        try:
            # argv is a list built by toollab: no shell, so nothing in it is interpreted
            done = subprocess.run(
                list(argv),
                env=None if env is None else dict(env),
                input=input,
                cwd=cwd,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise errors.InstallError(f"{command_name(argv)} did not finish within {timeout:g}s") from exc
        except OSError as exc:
            raise errors.InstallError(f"{command_name(argv)} could not start: {exc.strerror or exc}") from exc
        return Completed(returncode=done.returncode, stdout=done.stdout, stderr=done.stderr)


__all__ = [
    "Completed",
    "ProcessRunner",
    "SubprocessRunner",
    "check",
    "command_name",
    "failure",
    "first_lines",
]
