"""Run a KUTTL suite: suite setup, test cases in parallel (each in its own namespace), cleanup.

Drives `steps.run_step` per step and reports progress, one line per step, through an
injected `emit` sink. Cluster, clocks, sleep and randomness are passed in, so tests use fakes.
"""

from __future__ import annotations

import dataclasses
import random
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from toollab import errors
from toollab.cluster import port
from toollab.reports import json_report, junit
from toollab.reports import suite_results as results
from toollab.suites.core import deleting, naming
from toollab.suites.kuttl import commands, loading, model, steps, suite_setup

CLEANUP_TIMEOUT = 60.0  # seconds to wait for created objects and the namespace to go (never hangs)


def namespace_name(rng: random.Random) -> str:
    """A fresh test namespace: `kuttl-<adjective>-<animal>-<4 random [a-z0-9]>` (kuttl >= 0.26)."""
    return naming.pet_name("kuttl", rng, suffix_length=4)


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
    cleanup_timeout: float = CLEANUP_TIMEOUT


def load_cases(
    suite: model.Suite, *, variables: Mapping[str, Any], rng: random.Random
) -> list[model.TestCase]:
    """Every test case of the suite, loaded before anything runs (bad input fails early)."""
    cases = []
    for test_dir, case_dir in loading.find_cases(suite):
        namespace = suite.namespace or namespace_name(rng)
        cases.append(
            loading.load_case(
                case_dir,
                namespace=namespace,
                test_dir=test_dir,
                variables=variables,
                ignore_files=suite.ignore_files,
            )
        )
    return cases


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
            _emit_problems("suite", _clean_up(runtime, (), own_namespace), runtime)
    finally:
        background.stop()
    if failure:
        runtime.emit(f"suite setup failed: {failure}")
    result = results.SuiteResult(suite.name, started, runtime.clock() - t0, case_results, failure)
    runtime.emit(summary_line(result))
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
    with ThreadPoolExecutor(max_workers=max(1, suite.parallel), thread_name_prefix="kuttl-case") as pool:
        futures = [pool.submit(run_case, case, suite=suite, runtime=runtime) for case in cases]
        try:
            return tuple(future.result() for future in futures)
        except BaseException:  # Ctrl-C: start no new case; running ones finish their bounded cleanup
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def run_case(case: model.TestCase, *, suite: model.Suite, runtime: Runtime) -> results.CaseResult:
    """Run one test case: namespace, steps in order until one fails, then cleanup."""
    started, t0 = runtime.now(), runtime.clock()
    setup, own_namespace = _set_up_namespace(case, suite, runtime)
    step_results = [setup]
    created: list[port.ObjectRef] = []
    failed_label = "setup" if setup.status is results.Status.FAILED else ""
    for step in case.steps:
        if failed_label:
            step_results.append(_skipped(step, runtime, after=failed_label))
            continue
        outcome, step_result = _run_step(case, step, suite, runtime)
        created += outcome.created
        step_results.append(step_result)
        failed_label = "" if outcome.passed else step_result.name
    problems = (
        () if suite.skip_delete else _clean_up(runtime, created, case.namespace if own_namespace else "")
    )
    _emit_problems(case.name, problems, runtime)
    result = results.CaseResult(
        case.name, case.test_dir, case.namespace, started, runtime.clock() - t0, tuple(step_results), problems
    )
    runtime.emit(f"{case.name}  {'PASSED' if result.passed else 'FAILED'}  {result.duration:.1f}s")
    return result


def _run_step(
    case: model.TestCase, step: model.Step, suite: model.Suite, runtime: Runtime
) -> tuple[steps.StepRun, results.StepResult]:
    env = steps.StepEnv(
        cluster=runtime.cluster,
        namespace=case.namespace,
        case_dir=case.dir,
        kubeconfig=runtime.kubeconfig,
        suite_timeout=suite.timeout,
        clock=runtime.clock,
        sleep=runtime.sleep,
        verbose=runtime.verbose,
    )
    started, t0 = runtime.now(), runtime.clock()
    outcome = steps.run_step(step, env)
    status = results.Status.PASSED if outcome.passed else results.Status.FAILED
    result = results.StepResult(
        name=f"step {step.label}",
        status=status,
        started=started,
        duration=runtime.clock() - t0,
        assertions=len(step.asserts) + len(step.errors),
        message=outcome.message,
        text=outcome.text,
        attempts=outcome.attempts,
    )
    runtime.emit(
        step_block(
            case.name, result, display=outcome.display, output=outcome.output if runtime.verbose else ()
        )
    )
    return outcome, result


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
        assertions=len(step.asserts) + len(step.errors),
        message=f"not run: {after} failed",
    )


def _set_up_namespace(
    case: model.TestCase, suite: model.Suite, runtime: Runtime
) -> tuple[results.StepResult, bool]:
    """The case's `setup`: create its fresh namespace (a fixed suite namespace is the suite's job)."""
    started, t0 = runtime.now(), runtime.clock()
    if suite.namespace:
        return results.StepResult("setup", results.Status.PASSED, started, 0.0), False
    try:
        _, created = runtime.cluster.create_or_merge(
            suite_setup.namespace_object(case.namespace), namespace=None
        )
    except errors.ClusterError as exc:
        message = f"failed to create test namespace {case.namespace}: {exc}"
        runtime.emit(f"{case.name}  setup  failed\n    {message}")
        return results.StepResult(
            "setup", results.Status.FAILED, started, runtime.clock() - t0, message=message, text=message
        ), False
    if runtime.verbose:
        runtime.emit(f"{case.name}  setup  namespace {case.namespace}")
    return results.StepResult("setup", results.Status.PASSED, started, runtime.clock() - t0), created


def _clean_up(runtime: Runtime, created: Sequence[port.ObjectRef], namespace: str) -> tuple[str, ...]:
    """Delete created objects (newest first), then our namespace; wait, bounded; report leftovers."""
    problems: list[str] = []
    targets = [*reversed(created), *([suite_setup.namespace_ref(namespace)] if namespace else [])]
    for ref in targets:
        try:
            runtime.cluster.delete(ref.api_version, ref.kind, name=ref.name, namespace=ref.namespace)
        except errors.ClusterError as exc:
            problems.append(f"could not delete {ref}: {exc}")
    left = deleting.wait_gone(
        runtime.cluster,
        targets,
        timeout=runtime.cleanup_timeout,
        clock=runtime.clock,
        sleep=runtime.sleep,
        poll=steps.DELETE_POLL,
    )
    problems += [
        suite_setup.describe_leftover(runtime.cluster, ref, waited=runtime.cleanup_timeout) for ref in left
    ]
    return tuple(problems)


def _emit_problems(name: str, problems: Sequence[str], runtime: Runtime) -> None:
    for problem in problems:
        runtime.emit(f"{name}  cleanup: {problem}")


def summary_line(result: results.SuiteResult) -> str:
    """`2 passed, 1 failed in 12.3s` (and the failed cases)."""
    failed = [case.name for case in result.cases if not case.passed]
    passed = len(result.cases) - len(failed)
    line = f"{passed} passed, {len(failed)} failed in {result.duration:.1f}s"
    return line + (f" (failed: {', '.join(failed)})" if failed else "")


def write_report(result: results.SuiteResult, suite: model.Suite) -> Path | None:
    """Write `<artifactsDir>/<reportName>.{xml,json}` when a report format is set; its path."""
    if suite.report_format is None:
        return None
    granularity = results.Granularity(suite.report_granularity)
    if suite.report_format is model.ReportFormat.XML:
        body, suffix = junit.render_junit(result, granularity=granularity), "xml"
    else:
        body, suffix = json_report.render_json(result, granularity=granularity), "json"
    directory = suite.resolve(suite.artifacts_dir) if suite.artifacts_dir else Path(".")
    path = directory / f"{suite.report_name}.{suffix}"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    except OSError as exc:
        raise errors.InputError(f"{path}: cannot write the report: {exc}") from exc
    return path


__all__ = [
    "CLEANUP_TIMEOUT",
    "Runtime",
    "load_cases",
    "namespace_name",
    "run_case",
    "run_suite",
    "step_block",
    "summary_line",
    "write_report",
]
