"""Run Chainsaw tests: a namespace each, the steps in order, then cleanup newest first.

As upstream (`pkg/runner`): non-concurrent tests run one by one first, then the others in
parallel; a test gets `chainsaw-<adjective>-<animal>` unless it (or the configuration) names a
namespace, which is used and, if it existed, never deleted; the first failing step ends the
test and later steps are reported skipped; refused tests fail with the reason and touch
nothing. Never raises ClusterError: every problem lands in the test's result.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from toollab import errors
from toollab.cluster import port
from toollab.reports import suite_results as results
from toollab.suites.chainsaw import context as contexts
from toollab.suites.chainsaw import model, stepping
from toollab.suites.core import deleting, naming


def namespace_name(rng: random.Random) -> str:
    """A fresh test namespace, `chainsaw-<adjective>-<animal>` as Chainsaw names them."""
    return naming.pet_name("chainsaw", rng)


def run_tests(
    tests: Sequence[model.Test],
    *,
    config: model.Configuration,
    runtime: contexts.Runtime,
    parallel: int,
    rng: random.Random,
) -> tuple[results.CaseResult, ...]:
    """Every test (each scenario a run of its own), in Chainsaw's order of execution."""
    runs = [(test, i, scenario) for test in tests for i, scenario in _scenarios(test)]
    names = {id(run): namespace_name(rng) for run in runs}
    serial = [r for r in runs if not r[0].concurrent]
    concurrent = [r for r in runs if r[0].concurrent]
    done = {id(r): run_test(*r, config=config, runtime=runtime, fresh=names[id(r)]) for r in serial}
    with ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="chainsaw-test") as pool:
        futures = {
            id(r): pool.submit(run_test, *r, config=config, runtime=runtime, fresh=names[id(r)])
            for r in concurrent
        }
        done.update({key: future.result() for key, future in futures.items()})
    return tuple(done[id(r)] for r in runs)


def _scenarios(test: model.Test) -> list[tuple[int, tuple[model.Binding, ...]]]:
    return [(i + 1, s) for i, s in enumerate(test.scenarios)] or [(0, ())]


def run_test(
    test: model.Test,
    scenario_id: int,
    scenario: tuple[model.Binding, ...],
    *,
    config: model.Configuration,
    runtime: contexts.Runtime,
    fresh: str,
) -> results.CaseResult:
    """One test (one scenario of it): set up, steps, cleanup; its result."""
    started, t0 = runtime.now(), runtime.clock()
    name = test.name if not scenario_id else f"{test.name} (scenario {scenario_id})"
    if test.refused or test.skip:
        return _not_run(test, name, started, runtime)
    namespace = test.namespace or config.namespace or fresh
    context = _context(test, config, runtime, namespace)
    setup, created_namespace = _set_up(test, name, context, scenario_id, scenario)
    step_results: list[results.StepResult] = [setup.result] if setup.result else []
    runs: list[stepping.StepRun] = []
    failed = setup.failed
    for index, step in enumerate(test.steps):
        label = step.name or f"step-{index + 1}"
        if failed:
            step_results.append(_skipped(label, runtime, after=failed))
            continue
        run = stepping.run_step(step, label, setup.context.bind("step", {"id": index + 1}))
        runs.append(run)
        step_results.append(run.result)
        _emit_step(runtime, name, run)
        failed = "" if run.passed else label
    namespace = setup.context.namespace
    cleanup, problems = _clean_up(runs, setup.context, namespace if created_namespace else "", name)
    result = results.CaseResult(
        name,
        test.root or test.directory,
        namespace,
        started,
        runtime.clock() - t0,
        (*step_results, *cleanup),
        tuple(problems),
    )
    runtime.emit(f"{name}  {'PASSED' if result.passed else 'FAILED'}  {result.duration:.1f}s")
    return result


@dataclasses.dataclass(frozen=True)
class _Setup:
    context: contexts.Context
    failed: str = ""
    result: results.StepResult | None = None


def _context(
    test: model.Test, config: model.Configuration, runtime: contexts.Runtime, namespace: str
) -> contexts.Context:
    base = contexts.Context(
        runtime=runtime,
        directory=_path(test.directory),
        namespace=namespace,
        timeouts=config.timeouts,
        bindings={"namespace": namespace, "client": None, "config": None, "values": {}},
        skip_delete=config.skip_delete,
        template=config.template,
        catch=test.catch,
    )
    return base.entering(
        timeouts=test.timeouts, skip_delete=test.skip_delete, template=test.template, engine=test.engine
    )


def _set_up(
    test: model.Test,
    name: str,
    context: contexts.Context,
    scenario_id: int,
    scenario: tuple[model.Binding, ...],
) -> tuple[_Setup, bool]:
    """Create the namespace if needed, then bind `$test`, the scenario's and the test's bindings."""
    runtime = context.runtime
    started, t0 = runtime.now(), runtime.clock()
    created = False
    try:
        body = _namespace_object(test, context)
        if body["metadata"]["name"] != context.namespace:  # the template names the namespace
            namespace = str(body["metadata"]["name"])
            context = dataclasses.replace(context, namespace=namespace).bind("namespace", namespace)
        created = _ensure_namespace(body, context)
        info = {
            "id": 1,
            "scenarioId": scenario_id,
            "metadata": {"name": test.name, "labels": dict(test.labels)},
        }
        context = context.bind("test", info).bind_all(scenario).bind_all(test.bindings)
        if test.cluster and context.evaluate(test.cluster):
            raise errors.EvaluationError(f"refused: {model.CLUSTERS_REFUSAL} (cluster {test.cluster})")
    except errors.ToollabError as exc:
        message = f"setup: {exc}"
        runtime.emit(f"{name}  setup  failed\n    {message}")
        failed = results.StepResult(
            "setup", results.Status.FAILED, started, runtime.clock() - t0, message=message, text=message
        )
        return _Setup(context, "setup", failed), created
    return _Setup(context), created


def _namespace_object(test: model.Test, context: contexts.Context) -> dict[str, Any]:
    """The Namespace to create: `namespaceTemplate`, templated, over `{metadata: {name}}` (may rename it)."""
    body: dict[str, Any] = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": context.namespace}}
    if test.namespace_template is None:
        return body
    template = context.entering(
        timeouts=model.Timeouts(), skip_delete=None, template=None, engine=test.namespace_engine
    )
    rendered = template.evaluate(dict(test.namespace_template), input=dict(test.namespace_template))
    metadata = {**body["metadata"], **(rendered.get("metadata") or {})}
    return {**body, **rendered, "apiVersion": "v1", "kind": "Namespace", "metadata": metadata}


def _ensure_namespace(body: dict[str, Any], context: contexts.Context) -> bool:
    """Create the namespace unless it exists (an existing one is used, never deleted); created?"""
    cluster = context.runtime.cluster
    if cluster.get("v1", "Namespace", name=context.namespace, namespace=None) is not None:
        return False
    cluster.strict_create(body, namespace=None)
    return True


def _clean_up(
    runs: Sequence[stepping.StepRun], context: contexts.Context, namespace: str, name: str
) -> tuple[list[results.StepResult], list[str]]:
    """Each step's created objects and cleanup operations, newest step first; then our namespace."""
    runtime = context.runtime
    entries: list[results.StepResult] = []
    problems: list[str] = []
    for run in reversed(runs):
        if not run.created and not run.cleanup:
            continue
        started, t0 = runtime.now(), runtime.clock()
        failures = _delete(run.created, context)
        display: list[str] = []
        if run.cleanup and run.context is not None:
            operations, more, display = stepping.run_cleanup(run.cleanup, run.context)
        else:
            operations, more = (), []
        failures += more
        text = "\n".join(failures)
        entry = results.StepResult(
            f"cleanup ({run.result.name})",
            results.Status.FAILED if failures else results.Status.PASSED,
            started,
            runtime.clock() - t0,
            message=results.first_line(text),
            text=text,
            operations=operations,
        )
        entries.append(entry)
        _emit_step(runtime, name, stepping.StepRun(entry, display=tuple(display)))
    if namespace and not context.skip_delete:
        problems += _delete([port.ObjectRef("v1", "Namespace", namespace, None)], context, namespace=True)
    return entries, problems


def _delete(
    refs: Sequence[port.ObjectRef], context: contexts.Context, *, namespace: bool = False
) -> list[str]:
    """Delete (newest first) and wait until gone, bounded by the cleanup timeout; the leftovers.

    A test namespace (`namespace`) is emptied and finalized by toollab where it may."""
    if not refs or context.skip_delete:
        return []
    runtime, problems = context.runtime, []
    targets = list(reversed(refs))
    for ref in targets:
        try:
            runtime.cluster.delete(ref.api_version, ref.kind, name=ref.name, namespace=ref.namespace)
        except errors.ClusterError as exc:
            problems.append(f"could not delete {ref}: {exc}")
    timeout = context.timeout("cleanup")
    if namespace:
        deleting.drain_namespace(
            runtime.cluster,
            targets[0].name,
            mode=runtime.namespace_deletion,
            deadline=runtime.clock() + timeout,
            clock=runtime.clock,
            sleep=runtime.sleep,
            poll=runtime.poll_interval,
        )
    left = deleting.wait_gone(
        runtime.cluster,
        targets,
        timeout=timeout,
        clock=runtime.clock,
        sleep=runtime.sleep,
        poll=runtime.poll_interval,
    )
    return problems + [f"{ref} still present {timeout:g}s after delete" for ref in left]


def _not_run(test: model.Test, name: str, started: Any, runtime: contexts.Runtime) -> results.CaseResult:
    """A refused test fails with the reasons; a skipped one (`skip: true`) is reported skipped."""
    if test.refused:
        text = "refused: " + "; ".join(test.refused)
        step = results.StepResult("setup", results.Status.FAILED, started, 0.0, message=text, text=text)
        runtime.emit(f"{name}  FAILED  {text}")
    else:
        step = results.StepResult("setup", results.Status.SKIPPED, started, 0.0, message="skip: true")
        runtime.emit(f"{name}  SKIPPED")
    return results.CaseResult(name, test.root or test.directory, "", started, 0.0, (step,))


def _skipped(label: str, runtime: contexts.Runtime, *, after: str) -> results.StepResult:
    return results.StepResult(
        label, results.Status.SKIPPED, runtime.now(), 0.0, message=f"not run: {after} failed"
    )


def _emit_step(runtime: contexts.Runtime, test: str, run: stepping.StepRun) -> None:
    lines = [f"{test}  {run.result.name}  {run.result.status}  {run.result.duration:.1f}s"]
    lines += [f"    {line}" for block in run.display for line in block.splitlines()]
    if run.result.status is results.Status.FAILED:
        lines += [f"    {line}" for line in run.result.text.splitlines()]
    runtime.emit("\n".join(lines))


def _path(directory: str) -> Path:
    return Path(directory)
