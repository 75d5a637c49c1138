"""Chainsaw's `script` and `command` operations: a local process, judged by its exit or by `check`.

The process runs in the test's folder (or `workDir`) with the runner's environment, the
operation's `env` entries (expressions allowed, results must be strings), `NAMESPACE` and
`KUBECONFIG`; it is killed at the exec timeout (5 s by default). `$stdout`, `$stderr` and
`$error` (null, or `exit status N`) are bound for `check` and `outputs`; without a check, a
non-zero exit fails the operation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from toollab import errors
from toollab.suites.chainsaw import context as contexts
from toollab.suites.chainsaw import expectations, model
from toollab.suites.core import processes

OUTPUT_TAIL = 20  # lines of stdout/stderr kept in a failure text
_VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")


def run(operation: model.Operation, context: contexts.Context) -> expectations.Done:
    """Run the process, then judge it."""
    body = operation.body
    env = _environment(body, context)
    argv = _argv(operation, env)
    timeout = context.timeout("exec", operation)
    result = processes.capture(argv, cwd=_workdir(body, context), env=env, timeout=timeout)
    if result.start_error:
        return expectations.Done(failure=f"{argv[0]}: cannot start: {result.start_error}")
    problem = _problem(result, timeout)
    bound = context.bind("stdout", result.stdout).bind("stderr", result.stderr).bind("error", problem or None)
    log = () if body.get("skipLogOutput") else _log(result)
    if body.get("check") is not None:
        failure = expectations.check(body["check"], bound)
    else:
        failure = f"{problem}\n{_tail(result)}".rstrip() if problem else ""
    if failure:
        return expectations.Done(failure=failure, log=log)
    return expectations.Done(
        outputs=expectations.outputs(body.get("outputs") or [], bound, input=None), log=log
    )


def _argv(operation: model.Operation, env: Mapping[str, str]) -> list[str]:
    body = operation.body
    if operation.kind == "script":
        content = body.get("content")
        if not isinstance(content, str):
            raise errors.SpecError(f"{operation.path}.content", "required")
        shell = body.get("shell") or "sh"
        return [str(shell), *[str(a) for a in (body.get("shellArgs") or ["-c"])], content]
    entrypoint = body.get("entrypoint")
    if not isinstance(entrypoint, str) or not entrypoint:
        raise errors.SpecError(f"{operation.path}.entrypoint", "required")
    return [entrypoint, *[_expand(str(arg), env) for arg in body.get("args") or []]]


def _environment(body: Mapping[str, Any], context: contexts.Context) -> dict[str, str]:
    env = dict(context.runtime.environ)
    for number, entry in enumerate(body.get("env") or []):
        if not isinstance(entry, Mapping) or not entry.get("name"):
            raise errors.SpecError(f"env[{number}].name", "required")
        name = context.name_of(entry["name"])
        value = context.evaluate(entry.get("value"), engine=entry.get("compiler"))
        if not isinstance(value, str):
            raise errors.EvaluationError(f"env {name}: value must be a string (got {value!r})")
        env[name] = value
    env.setdefault("NAMESPACE", context.namespace)
    if context.runtime.kubeconfig:
        env["KUBECONFIG"] = context.runtime.kubeconfig
    return env


def _workdir(body: Mapping[str, Any], context: contexts.Context) -> Path:
    workdir = body.get("workDir")
    return context.directory / workdir if isinstance(workdir, str) and workdir else context.directory


def _expand(arg: str, env: Mapping[str, str]) -> str:
    """`$NAME` and `${NAME}` replaced from the operation's environment; others left as written."""
    return _VARIABLE.sub(lambda m: env.get(m.group(1) or m.group(2), m.group(0)), arg)


def _problem(result: processes.Captured, timeout: float) -> str:
    """Go's error text for a finished process: empty on exit 0."""
    if result.timed_out:
        return f"timed out after {timeout:g}s (signal: killed)"
    return "" if result.exit_code == 0 else f"exit status {result.exit_code}"


def _log(result: processes.Captured) -> tuple[str, ...]:
    sections = [("STDOUT", result.stdout.strip()), ("STDERR", result.stderr.strip())]
    return tuple(f"{title}:\n{text}" for title, text in sections if text)


def _tail(result: processes.Captured) -> str:
    lines = [*result.stdout.splitlines(), *result.stderr.splitlines()]
    return "\n".join(lines[-OUTPUT_TAIL:])
