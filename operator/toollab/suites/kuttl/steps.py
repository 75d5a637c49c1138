"""One step of a KUTTL test case against the cluster: delete, commands, apply, then poll checks.

kuttl's `Step.Run` (internal/step/step.go): deletes wait until gone; commands and apply errors
fail the step at once; then asserts, TestAssert commands and errors share one deadline that
starts after apply. Sleeps only through the injected `sleep` (see `toollab.suites.core.polling.poll`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toollab import errors
from toollab.assertions import verdict
from toollab.cluster import port
from toollab.reports import text
from toollab.suites.core import celchecks, checking, deleting, polling, wakeups
from toollab.suites.kuttl import commands, model

OUTPUT_TAIL = 20  # lines of a failed command's output kept in the failure text
DELETE_POLL = 0.1  # seconds between checks while waiting for deletions (kuttl: 100 ms)
FIRST_POLL = 0.1  # seconds to the second round of checks; the gap doubles up to kuttl's 1 s
UNSERVED_RETRY = 0.25  # seconds between applies of a kind discovery does not list yet
UNSERVED_WAIT = 5.0  # seconds a kind may take to appear in discovery after its CRD is Established


@dataclass(frozen=True)
class StepEnv:
    """What a step runs against: cluster, namespace, directory, timeouts, time and verbosity."""

    cluster: port.Cluster
    namespace: str
    case_dir: Path
    kubeconfig: str | None
    suite_timeout: int
    clock: Callable[[], float]
    sleep: Callable[[float], None]
    verbose: bool = False


@dataclass(frozen=True)
class StepRun:
    """How a step ended: for a failure the full text (reports) and the console text."""

    passed: bool
    created: tuple[port.ObjectRef, ...] = ()
    message: str = ""
    text: str = ""
    display: str = ""
    attempts: int = 0
    output: tuple[str, ...] = field(default=())


def run_step(step: model.Step, env: StepEnv) -> StepRun:
    """Run one step; the first failing phase ends it."""
    problem = delete_objects(step.delete, env, timeout=step_timeout(step, env))
    if problem:
        return _failed(problem)
    results = commands.run_commands(step.commands, _context(env, timeout=env.suite_timeout))
    failed = [r for r in results if not r.ok]
    if failed:
        return _failed(describe_command(failed[0]), output=_outputs(results))
    created, apply_errors = apply_objects(step.apply, env)
    if apply_errors:
        return _failed("\n".join(apply_errors), created=created, output=_outputs(results))
    timeout = step_timeout(step, env)
    deadline = env.clock() + timeout  # kuttl: the deadline starts after apply
    refs = wakeups.checked_refs([*step.asserts, *step.errors], step.cel, namespace=env.namespace)
    with wakeups.waking(env.cluster, refs, seconds=timeout, sleep=env.sleep) as wait:
        outcome, attempts = polling.poll(
            lambda: check_once(step, env, deadline=deadline),
            timeout=timeout,
            clock=env.clock,
            sleep=wait,
            first_interval=FIRST_POLL,
        )
    if outcome.passed:
        return StepRun(passed=True, created=created, attempts=attempts, output=_outputs(results))
    return _outcome_failure(step, env, outcome, created=created, attempts=attempts)


def step_timeout(step: model.Step, env: StepEnv) -> int:
    """TestAssert.timeout when set, else the suite timeout."""
    return step.timeout or env.suite_timeout


def check_once(step: model.Step, env: StepEnv, *, deadline: float) -> verdict.StepOutcome:
    """One round: the asserts and errors documents, then the TestAssert commands."""
    try:
        outcome = checking.check_round(
            env.cluster, asserts=step.asserts, errors=step.errors, namespace=env.namespace
        )
    except errors.ClusterError as exc:  # a transient or unexpected API error fails only this round
        outcome = verdict.StepOutcome(False, (_failure("cluster", "cluster error", str(exc)),))
    if step.cel is not None:
        outcome = verdict.merge(outcome, _check_cel(step.cel, env))
    if not step.assert_commands:
        return outcome
    remaining = max(1, int(deadline - env.clock()))
    results = commands.run_commands(step.assert_commands, _context(env, timeout=remaining))
    command_failures = tuple(
        _failure(f"command {r.command!r}", "command failed", describe_command(r)) for r in results if not r.ok
    )
    return verdict.merge(outcome, verdict.StepOutcome(not command_failures, command_failures))


def _check_cel(checks: celchecks.CelChecks, env: StepEnv) -> verdict.StepOutcome:
    """The TestAssert's CEL expressions over its resourceRefs, one round."""
    try:
        problems = celchecks.evaluate(env.cluster, checks, namespace=env.namespace)
    except errors.ClusterError as exc:
        problems = [str(exc)]
    failures = tuple(_failure("CEL", "CEL assertion failed", problem) for problem in problems)
    return verdict.StepOutcome(not failures, failures)


def _failure(ref: str, reason: str, message: str) -> verdict.ObjectFailure:
    return verdict.ObjectFailure(ref=ref, reason=reason, message=message)


def apply_objects(
    objects: Sequence[Mapping[str, Any]], env: StepEnv
) -> tuple[tuple[port.ObjectRef, ...], list[str]]:
    """Create each object, or merge-patch it when present; the refs created and any errors.

    A kind not served yet (its CRD, made by this or an earlier step, is Established but not in
    discovery yet) is tried again for up to UNSERVED_WAIT seconds (a typo fails after that)."""
    created: list[port.ObjectRef] = []
    problems: list[str] = []
    deadline = env.clock() + min(UNSERVED_WAIT, env.suite_timeout)
    for obj in objects:
        while True:
            try:
                stored, is_new = env.cluster.create_or_merge(obj, namespace=env.namespace)
            except errors.UnknownKind as exc:
                if env.clock() < deadline:
                    env.sleep(UNSERVED_RETRY)
                    continue
                problems.append(f"applying {port.ObjectRef.of(obj)} failed: {exc}")
            except errors.ClusterError as exc:
                problems.append(f"applying {port.ObjectRef.of(obj)} failed: {exc}")
            else:
                if is_new:
                    created.append(port.ObjectRef.of({**obj, **stored}))
            break
    return tuple(created), problems


def delete_objects(refs: Sequence[model.DeleteRef], env: StepEnv, *, timeout: float) -> str:
    """Delete what a TestStep lists and wait until it is gone; an error text, or empty."""
    try:
        targets = [target for ref in refs for target in _targets(ref, env)]
        deleting.delete_all(env.cluster, targets)
    except errors.ClusterError as exc:
        return f"deleting objects failed: {exc}"
    left = deleting.wait_gone(
        env.cluster,
        targets,
        timeout=timeout,
        clock=env.clock,
        sleep=env.sleep,
        poll=DELETE_POLL,
    )
    return f"timed out after {timeout:g}s waiting for deletion of {', '.join(map(str, left))}" if left else ""


def _targets(ref: model.DeleteRef, env: StepEnv) -> list[port.ObjectRef]:
    """A delete entry as objects: by name, else every object of the kind (matching its labels)."""
    info = env.cluster.resource(ref.api_version, ref.kind)
    namespace = (ref.namespace or env.namespace) if info.namespaced else None
    if ref.name:
        return [port.ObjectRef(ref.api_version, ref.kind, ref.name, namespace)]
    found = deleting.find(
        env.cluster, ref.api_version, ref.kind, name="", namespace=namespace, labels=dict(ref.labels)
    )
    return [
        port.ObjectRef(ref.api_version, ref.kind, port.ObjectRef.of(obj).name, namespace) for obj in found
    ]


def _outcome_failure(
    step: model.Step,
    env: StepEnv,
    outcome: verdict.StepOutcome,
    *,
    created: tuple[port.ObjectRef, ...],
    attempts: int,
) -> StepRun:
    full = text.format_outcome(outcome, verbose=True)
    collected = _collect(step, env)
    return StepRun(
        passed=False,
        created=created,
        message=text.summarise(outcome).splitlines()[0] if outcome.failures else "step failed",
        text=full + collected,
        display=text.format_outcome(outcome, verbose=env.verbose) + (collected if env.verbose else ""),
        attempts=attempts,
    )


def _collect(step: model.Step, env: StepEnv) -> str:
    """Output of the TestAssert command collectors, run once after a failure."""
    lines: list[str] = []
    for result in commands.run_commands(step.collectors, _context(env, timeout=env.suite_timeout)):
        lines.append(f"collector {result.command!r}:" + (f" {result.error}" if result.error else ""))
        lines += [f"  {line}" for line in result.output.splitlines()]
    return "\n" + "\n".join(lines) if lines else ""


def describe_command(result: commands.CommandResult) -> str:
    """A failed command: the error line, then the end of its output, indented."""
    tail = result.output.splitlines()[-OUTPUT_TAIL:]
    return "\n".join([result.error, *(f"    {line}" for line in tail)])


def _failed(
    problem: str, *, created: tuple[port.ObjectRef, ...] = (), output: tuple[str, ...] = ()
) -> StepRun:
    first = problem.splitlines()[0] if problem else "step failed"
    return StepRun(passed=False, created=created, message=first, text=problem, display=problem, output=output)


def _outputs(results: Sequence[commands.CommandResult]) -> tuple[str, ...]:
    return tuple(f"$ {r.command}\n{r.output}".rstrip() for r in results)


def _context(env: StepEnv, *, timeout: int) -> commands.Context:
    return commands.Context(
        namespace=env.namespace, cwd=env.case_dir, kubeconfig=env.kubeconfig, timeout=timeout
    )


__all__ = [
    "StepEnv",
    "StepRun",
    "apply_objects",
    "check_once",
    "delete_objects",
    "describe_command",
    "run_step",
    "step_timeout",
]
