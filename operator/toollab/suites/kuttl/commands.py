"""Run kuttl commands (TestSuite, TestStep and TestAssert `commands`) as local processes.

Processes start through `suites.core.processes`. Commands run in the test dir with NAMESPACE,
KUBECONFIG and `<cwd>/bin` first on PATH, as in kuttl; `command` is `$VAR`-expanded and split
like a shell, `script` runs under `sh -c`.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from toollab.suites.core import processes
from toollab.suites.kuttl import model, templates


@dataclass(frozen=True)
class CommandResult:
    """How one command ended: `error` is empty when it counts as passed."""

    command: str
    exit_code: int | None
    output: str
    error: str = ""

    @property
    def ok(self) -> bool:
        """True when the command passed (or its failure was ignored)."""
        return not self.error


@dataclass(frozen=True)
class Context:
    """Where and how commands run: namespace, working directory, kubeconfig, default timeout."""

    namespace: str
    cwd: Path
    kubeconfig: str | None = None
    timeout: int = model.DEFAULT_TIMEOUT  # seconds; 0 or less: none


def command_env(
    *, namespace: str, kubeconfig: str | None, base: Mapping[str, str], here: Path
) -> dict[str, str]:
    """The environment of a command: the runner's, plus NAMESPACE, KUBECONFIG and `<here>/bin` on PATH."""
    env = dict(base)
    env["NAMESPACE"] = namespace
    if kubeconfig:
        env["KUBECONFIG"] = kubeconfig
    env["PATH"] = f"{here}/bin/:{base.get('PATH', '')}"
    return env


def build_argv(command: model.Command, *, namespace: str, env: Mapping[str, str]) -> list[str]:
    """The argv of a command: `sh -c SCRIPT`, or the expanded, split command (+ `--namespace NS`)."""
    if command.script:
        return ["sh", "-c", command.script]
    argv = shlex.split(templates.expand_env(command.command, env))
    if command.namespaced and not _has_namespace_flag(argv):
        argv += ["--namespace", namespace]
    return argv


def _has_namespace_flag(argv: list[str]) -> bool:
    return any(a in ("-n", "--namespace") or a.startswith(("--namespace=", "-n=")) for a in argv[1:])


def effective_timeout(command: model.Command, default: int) -> int | None:
    """Seconds to wait: the command's own, else `default`; None when there is no limit."""
    if command.timeout < 0:
        return None  # kuttl: a negative command timeout means none
    seconds = command.timeout or default
    return seconds if seconds > 0 else None


def run_command(command: model.Command, context: Context) -> CommandResult:
    """Run one command in the foreground and wait for it (bounded by its timeout)."""
    env = command_env(
        namespace=context.namespace, kubeconfig=context.kubeconfig, base=os.environ, here=Path.cwd()
    )
    try:
        argv = build_argv(command, namespace=context.namespace, env=env)
    except ValueError as exc:
        return CommandResult(str(command), None, "", f"command {str(command)!r}: cannot parse: {exc}")
    if not argv:
        return CommandResult(str(command), None, "", f"command {str(command)!r} is empty")
    timeout = effective_timeout(command, context.timeout)
    done = processes.run(
        argv, cwd=context.cwd, env=env, timeout=timeout, keep_output=not command.skip_log_output
    )
    return _result(command, done, timeout)


def _result(command: model.Command, done: processes.Finished, timeout: int | None) -> CommandResult:
    name = str(command)
    if done.start_error:
        return CommandResult(name, None, "", f"command {name!r} could not start: {done.start_error}")
    if done.timed_out:
        return CommandResult(name, None, done.output, f"command {name!r} exceeded {timeout} sec timeout")
    if done.exit_code == 0 or command.ignore_failure:
        return CommandResult(name, done.exit_code, done.output)
    return CommandResult(
        name, done.exit_code, done.output, f"command {name!r} failed, exit status {done.exit_code}"
    )


def run_commands(commands: Iterable[model.Command], context: Context) -> list[CommandResult]:
    """Run commands in order; stop after the first failure (kuttl skips the rest)."""
    results: list[CommandResult] = []
    for command in commands:
        results.append(run_command(command, context))
        if not results[-1].ok:
            break
    return results


class Background:
    """Suite commands with `background: true`: started before the tests, killed after them."""

    def __init__(self) -> None:
        self._processes = processes.Background()

    def start(self, command: model.Command, context: Context) -> CommandResult:
        """Start a command without waiting; its output is discarded."""
        env = command_env(
            namespace=context.namespace, kubeconfig=context.kubeconfig, base=os.environ, here=Path.cwd()
        )
        try:
            problem = self._processes.start(
                build_argv(command, namespace=context.namespace, env=env), cwd=context.cwd, env=env
            )
        except ValueError as exc:
            problem = str(exc)
        if problem:
            return CommandResult(
                str(command), None, "", f"command {str(command)!r} could not start: {problem}"
            )
        return CommandResult(str(command), None, "")

    def stop(self) -> None:
        """Kill every background command that is still running."""
        self._processes.stop()


__all__ = [
    "Background",
    "CommandResult",
    "Context",
    "build_argv",
    "command_env",
    "effective_timeout",
    "run_command",
    "run_commands",
]
