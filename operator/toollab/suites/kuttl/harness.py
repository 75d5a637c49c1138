"""Run a KUTTL suite: suite setup, test cases in parallel (each in its own namespace), cleanup.

Drives `steps.run_step` per step and reports progress, one line per step, through an
injected `emit` sink. Cluster, clocks, sleep and randomness are passed in, so tests use fakes.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from toollab import errors
from toollab.cluster import port
from toollab.reports import suite_results as results
from toollab.suites.kuttl import cleaning, collecting, commands, model, reporting, steps, suite_setup

CLEANUP_TIMEOUT = 60.0  # seconds to wait for created objects and the namespace to go (never hangs)


@dataclass(frozen=True)
class Runtime:
    """Everything a run depends on besides the suite: cluster, time, output and randomness."""

    cluster: port.Cluster
    emit: Callable[[str], None]
    clock: Callable[[], float]
    sleep: Callable[[float], None]
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    kubeconfig: str | None = None
    verbose: bool = False
    cleanup_timeout: float = CLEANUP_TIMEOUT  # at most; a case waits at most the suite timeout
    connect: Callable[[str, str], port.Cluster] | None = None  # (kubeconfig, context): TestStep.kubeconfig
    namespace_deletion: str = "auto"  # who empties test namespaces: see `cleaning.wait`


def run_suite(suite: model.Suite, cases: Sequence[model.TestCase], runtime: Runtime) -> results.SuiteResult:
    """Set the suite up, run its cases (`parallel` at once), tear down; never raises ClusterError."""
    started, t0 = runtime.now(), runtime.clock()
    lock = threading.Lock()
    runtime = _locked(runtime, lock)
    background = commands.Background()
    try:
        failure, own_namespace = suite_setup.set_up(
            suite,
            cluster=runtime.cluster,
            kubeconfig=runtime.kubeconfig,
            background=background,
            clock=runtime.clock,
            sleep=runtime.sleep,
        )
        case_results = () if failure else _run_cases(suite, cases, runtime)
        if own_namespace and not suite.skip_delete:
            pending = cleaning.start([], [(runtime.cluster, own_namespace)])
            problems, failure = cleaning.wait(
                pending,
                timeout=runtime.cleanup_timeout,
                clock=runtime.clock,
                sleep=runtime.sleep,
                mode=runtime.namespace_deletion,
            )
            _emit_problems("suite", [*problems, *([failure] if failure else [])], runtime)
    finally:
        background.stop()
    if failure:
        runtime.emit(f"suite setup failed: {failure}")
    result = results.SuiteResult(suite.name, started, runtime.clock() - t0, case_results, failure)
    runtime.emit(reporting.summary_line(result))
    return result


def _locked(runtime: Runtime, lock: threading.Lock) -> Runtime:
    """The same runtime whose `emit` writes whole blocks at once across threads."""

    def emit(line: str) -> None:
        with lock:
            runtime.emit(line)

    return dataclasses.replace(runtime, emit=emit)


def _run_cases(
    suite: model.Suite, cases: Sequence[model.TestCase], runtime: Runtime
) -> tuple[results.CaseResult, ...]:
    """Cases `parallel` at once; a finished case's namespace deletion is waited for off its slot."""
    workers = max(1, suite.parallel)
    with (
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kuttl-case") as pool,
        ThreadPoolExecutor(max_workers=max(workers, len(cases)), thread_name_prefix="kuttl-clean") as cleaner,
    ):
        futures = [pool.submit(_run_and_clean, case, suite, runtime, cleaner) for case in cases]
        try:
            return tuple(future.result().result() for future in futures)
        except BaseException:  # Ctrl-C: start no new case; running ones finish their bounded cleanup
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _run_and_clean(
    case: model.TestCase, suite: model.Suite, runtime: Runtime, cleaner: ThreadPoolExecutor
) -> Future[results.CaseResult]:
    """Run the steps here; hand the wait for the deletions to `cleaner` (the slot goes to the next case)."""
    ran = run_steps(case, suite=suite, runtime=runtime)
    return cleaner.submit(finish_case, ran, suite=suite, runtime=runtime)


def run_case(case: model.TestCase, *, suite: model.Suite, runtime: Runtime) -> results.CaseResult:
    """Run one test case: namespace, steps in order until one fails, then bounded cleanup."""
    return finish_case(run_steps(case, suite=suite, runtime=runtime), suite=suite, runtime=runtime)


@dataclass(frozen=True)
class Ran:
    """A case whose steps are done and whose deletions are requested, not yet waited for."""

    case: model.TestCase
    started: datetime
    t0: float
    steps: tuple[results.StepResult, ...]
    cleanup: cleaning.Pending


def run_steps(case: model.TestCase, *, suite: model.Suite, runtime: Runtime) -> Ran:
    """Namespace, then the steps in order until one fails; then ask for the deletions."""
    started, t0 = runtime.now(), runtime.clock()
    if case.load_error:
        failed = results.StepResult(
            "load", results.Status.FAILED, started, 0.0, message=case.load_error, text=case.load_error
        )
        runtime.emit(f"{case.name}  load  failed\n    {case.load_error}")
        return Ran(case, started, t0, (failed,), cleaning.Pending())
    setup, namespaces = _set_up_namespace(case, suite, runtime)
    step_results = [setup] if setup.status is results.Status.FAILED else []
    created: list[tuple[port.Cluster, port.ObjectRef]] = []
    failed_label = "setup" if step_results else ""
    for step in case.steps:
        if failed_label:
            step_results.append(_skipped(step, runtime, after=failed_label))
            continue
        outcome, step_result, cluster = _run_step(case, step, suite, runtime)
        created += [(cluster, ref) for ref in outcome.created]
        step_results.append(step_result)
        failed_label = "" if outcome.passed else step_result.name
    pending = cleaning.Pending() if suite.skip_delete else cleaning.start(created, namespaces)
    return Ran(case, started, t0, tuple(step_results), pending)


def finish_case(ran: Ran, *, suite: model.Suite, runtime: Runtime) -> results.CaseResult:
    """Wait for the deletions (at most the suite timeout, as kuttl) and give the case its verdict."""
    timeout = float(min(suite.timeout, runtime.cleanup_timeout))
    problems, failure = cleaning.wait(
        ran.cleanup,
        timeout=timeout,
        clock=runtime.clock,
        sleep=runtime.sleep,
        mode=runtime.namespace_deletion,
        refused=_refusal_note(ran.case.name, runtime),
    )
    _emit_problems(ran.case.name, problems, runtime)
    steps = ran.steps
    if failure:
        runtime.emit(f"{ran.case.name}  cleanup  failed\n    {failure}")
        steps += (_cleanup_failed(failure, runtime),)
    case = ran.case
    result = results.CaseResult(
        case.name, case.test_dir, case.namespace, ran.started, runtime.clock() - ran.t0, steps, problems
    )
    runtime.emit(f"{case.name}  {'PASSED' if result.passed else 'FAILED'}  {result.duration:.1f}s")
    return result


def _refusal_note(case: str, runtime: Runtime) -> Callable[[str], None]:
    """With -v, say why a case's namespace was left to the namespace controller."""

    def note(reason: str) -> None:
        if runtime.verbose:
            runtime.emit(f"{case}  cleanup  namespace left to the namespace controller: {reason}")

    return note


def _cleanup_failed(failure: str, runtime: Runtime) -> results.StepResult:
    return results.StepResult(
        "cleanup", results.Status.FAILED, runtime.now(), 0.0, message=f"cleanup: {failure}", text=failure
    )


def _cluster_for(step: model.Step, runtime: Runtime) -> port.Cluster:
    """The cluster a step talks to: its TestStep.kubeconfig's, else the run's."""
    if not step.kubeconfig:
        return runtime.cluster
    if runtime.connect is None:
        raise errors.InputError(f"step {step.label}: TestStep.kubeconfig needs a way to connect")
    return runtime.connect(step.kubeconfig, step.context)


def _run_step(
    case: model.TestCase, step: model.Step, suite: model.Suite, runtime: Runtime
) -> tuple[steps.StepRun, results.StepResult, port.Cluster]:
    """Run one step against its cluster: the outcome, its result, and that cluster."""
    cluster = runtime.cluster
    started, t0 = runtime.now(), runtime.clock()
    try:
        cluster = _cluster_for(step, runtime)
        outcome = steps.run_step(step, _step_env(case, step, suite, runtime, cluster))
    except errors.ToollabError as exc:  # e.g. a step's own kubeconfig that cannot be read
        outcome = steps.StepRun(passed=False, message=str(exc), text=str(exc), display=str(exc))
    status = results.Status.PASSED if outcome.passed else results.Status.FAILED
    name = f"step {step.label}"
    result = results.StepResult(
        name=name,
        status=status,
        started=started,
        duration=runtime.clock() - t0,
        assertions=step.checks,
        message=f"{name}: {outcome.message}" if outcome.message else "",
        text=outcome.text,
        attempts=outcome.attempts,
    )
    output = outcome.output if runtime.verbose else ()
    runtime.emit(step_block(case.name, result, display=outcome.display, output=output))
    return outcome, result, cluster


def _step_env(
    case: model.TestCase, step: model.Step, suite: model.Suite, runtime: Runtime, cluster: port.Cluster
) -> steps.StepEnv:
    return steps.StepEnv(
        cluster=cluster,
        namespace=case.namespace,
        case_dir=case.dir,
        kubeconfig=step.kubeconfig or runtime.kubeconfig,
        suite_timeout=suite.timeout,
        clock=runtime.clock,
        sleep=runtime.sleep,
        verbose=runtime.verbose,
    )


def step_block(case: str, step: results.StepResult, *, display: str = "", output: Sequence[str] = ()) -> str:
    """The progress line of a step (`case  step 1-create  passed  1.2s`), then failure text indented."""
    lines = [f"{case}  {step.name}  {step.status}  {step.duration:.1f}s"]
    lines += [f"    {line}" for block in output for line in block.splitlines()]
    if step.status is results.Status.FAILED:
        lines += [f"    {line}" for line in (display or step.text).splitlines()]
    return "\n".join(lines)


def _skipped(step: model.Step, runtime: Runtime, *, after: str) -> results.StepResult:
    return results.StepResult(
        name=f"step {step.label}",
        status=results.Status.SKIPPED,
        started=runtime.now(),
        duration=0.0,
        assertions=step.checks,
        message=f"not run: {after} failed",
    )


def _set_up_namespace(
    case: model.TestCase, suite: model.Suite, runtime: Runtime
) -> tuple[results.StepResult, list[tuple[port.Cluster, str]]]:
    """Create the case's fresh namespace in each cluster its steps use (a fixed one is the suite's job)."""
    started, t0 = runtime.now(), runtime.clock()
    if suite.namespace:
        return results.StepResult("setup", results.Status.PASSED, started, 0.0), []
    owned: list[tuple[port.Cluster, str]] = []
    try:
        for cluster in _clusters(case, runtime):
            _, created = cluster.create_or_merge(suite_setup.namespace_object(case.namespace), namespace=None)
            owned += [(cluster, case.namespace)] if created else []
    except errors.ToollabError as exc:
        message = f"failed to create test namespace {case.namespace}: {exc}"
        runtime.emit(f"{case.name}  setup  failed\n    {message}")
        failed = results.StepResult(
            "setup", results.Status.FAILED, started, runtime.clock() - t0, message=message, text=message
        )
        return failed, owned
    if runtime.verbose:
        runtime.emit(f"{case.name}  setup  namespace {case.namespace}")
    return results.StepResult("setup", results.Status.PASSED, started, runtime.clock() - t0), owned


def _clusters(case: model.TestCase, runtime: Runtime) -> list[port.Cluster]:
    """The run's cluster, then each distinct step kubeconfig's (Lazy ones get no namespace up front)."""
    configs = dict.fromkeys(
        (s.kubeconfig, s.context) for s in case.steps if s.kubeconfig and not s.lazy_kubeconfig
    )
    return [runtime.cluster] + [
        _cluster_for(model.Step(0, "", kubeconfig=k, context=c), runtime) for k, c in configs
    ]


def _emit_problems(name: str, problems: Sequence[str], runtime: Runtime) -> None:
    for problem in problems:
        runtime.emit(f"{name}  cleanup: {problem}")


load_cases = collecting.load_cases  # kept here: the CLI and the bench load through the harness
namespace_name = collecting.namespace_name
summary_line = reporting.summary_line
write_report = reporting.write_report

__all__ = [
    "CLEANUP_TIMEOUT",
    "Runtime",
    "finish_case",
    "load_cases",
    "namespace_name",
    "run_case",
    "run_steps",
    "run_suite",
    "step_block",
    "summary_line",
    "write_report",
]
