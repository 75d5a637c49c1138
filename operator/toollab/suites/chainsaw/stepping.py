"""One Chainsaw step: `try` in order, `catch` when it failed, `finally` always; cleanup is collected.

As upstream (`pkg/runner`): an operation that fails ends the step (and the test) unless it
says `continueOnError`; outputs become bindings for the operations after it in the step; test-
and step-level `catch` run together; the step's created objects and `cleanup` operations are
handed back to run at the end of the test, newest first. Errors never escape: bad input in an
operation (a missing file, a bad expression) fails that operation with its message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from toollab import errors
from toollab.cluster import port
from toollab.reports import suite_results as results
from toollab.suites.chainsaw import checks, collectors, execs, expectations, model, writes
from toollab.suites.chainsaw import context as contexts

WRITES = ("apply", "create", "delete", "patch", "update")
EXECS = ("script", "command")
CHECKS = ("assert", "error")


@dataclass(frozen=True)
class StepRun:
    """How a step went: its report entry, what to clean up at the end, console text."""

    result: results.StepResult
    created: tuple[port.ObjectRef, ...] = ()
    cleanup: tuple[model.Operation, ...] = ()
    context: contexts.Context | None = None  # the step's context, for its cleanup operations
    display: tuple[str, ...] = field(default=())

    @property
    def passed(self) -> bool:
        """True when no operation of the step failed."""
        return self.result.status is not results.Status.FAILED


@dataclass
class _Progress:
    """What a step has gathered so far."""

    operations: list[results.StepResult] = field(default_factory=list)
    created: list[port.ObjectRef] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    display: list[str] = field(default_factory=list)


def run_step(step: model.Step, label: str, context: contexts.Context) -> StepRun:
    """Run the step's blocks in Chainsaw's order; the result carries one entry per operation."""
    runtime = context.runtime
    started, t0 = runtime.now(), runtime.clock()
    progress = _Progress()
    try:
        context = context.entering(
            timeouts=step.timeouts, skip_delete=step.skip_delete, template=step.template, engine=step.engine
        ).bind_all(step.bindings)
    except errors.ToollabError as exc:
        progress.failures.append(f"bindings: {exc}")
    else:
        context = _run_block("try", step.try_, context, progress, stop_on_failure=True)
        if progress.failures:
            _run_block("catch", (*context.catch, *step.catch), context, progress, stop_on_failure=False)
        _run_block("finally", step.finally_, context, progress, stop_on_failure=False)
    status = results.Status.FAILED if progress.failures else results.Status.PASSED
    text = "\n".join(progress.failures)
    result = results.StepResult(
        name=label,
        status=status,
        started=started,
        duration=runtime.clock() - t0,
        assertions=sum(1 for op in step.try_ if op.kind in CHECKS),
        message=results.first_line(text),
        text=text,
        operations=tuple(progress.operations),
    )
    return StepRun(result, tuple(progress.created), step.cleanup, context, tuple(progress.display))


def run_cleanup(
    operations: Sequence[model.Operation], context: contexts.Context
) -> tuple[tuple[results.StepResult, ...], list[str], list[str]]:
    """A step's `cleanup` operations at the end of the test: (report entries, failures, display)."""
    progress = _Progress()
    _run_block("cleanup", operations, context, progress, stop_on_failure=False)
    return tuple(progress.operations), progress.failures, progress.display


def _run_block(
    block: str,
    operations: Sequence[model.Operation],
    context: contexts.Context,
    progress: _Progress,
    *,
    stop_on_failure: bool,
) -> contexts.Context:
    for number, operation in enumerate(operations, start=1):
        context, failed = _run_operation(block, number, operation, context, progress)
        if failed and stop_on_failure and not operation.continue_on_error:
            break
    return context


def _run_operation(
    block: str, number: int, operation: model.Operation, context: contexts.Context, progress: _Progress
) -> tuple[contexts.Context, bool]:
    runtime = context.runtime
    started, t0 = runtime.now(), runtime.clock()
    name = f"{block} {number}: {operation.kind}" + (
        f" ({operation.description})" if operation.description else ""
    )
    done_list, created = _perform(operation, context.bind("operation", {"id": number, "resourceId": 1}))
    progress.created += created
    failure = "\n".join(d.failure for d in done_list if d.failure)
    for done in done_list:
        for key, value in done.outputs.items():
            context = context.bind(key, value)
        progress.display += [
            f"{name}:\n{entry}" for entry in done.log if _shows(block, operation, failure, runtime)
        ]
    if failure:
        progress.failures.append(f"{name}: {failure}")
    progress.operations.append(
        results.StepResult(
            name=name,
            status=results.Status.FAILED if failure else results.Status.PASSED,
            started=started,
            duration=runtime.clock() - t0,
            assertions=1 if operation.kind in CHECKS else 0,
            message=results.first_line(failure),
            text=failure,
        )
    )
    return context, bool(failure)


def _perform(
    operation: model.Operation, context: contexts.Context
) -> tuple[list[expectations.Done], list[port.ObjectRef]]:
    """Run one operation of any kind; bad input becomes its failure, never an exception."""
    try:
        if operation.engine:  # `compiler:` on the operation
            context = context.entering(
                timeouts=model.Timeouts(), skip_delete=None, template=None, engine=operation.engine
            )
        context = context.bind_all(_bindings(operation))
        if operation.kind in model.NOT_BUILT:
            return [expectations.Done(failure=model.NOT_BUILT[operation.kind])], []
        if operation.kind in WRITES:
            written = writes.run(operation, context)
            return [w.done for w in written], [w.created for w in written if w.created is not None]
        if operation.kind in CHECKS:
            return checks.run(operation, context), []
        if operation.kind in EXECS:
            return [execs.run(operation, context)], []
        return [collectors.run(operation, context)], []
    except errors.ToollabError as exc:
        return [expectations.Done(failure=str(exc))], []


def _bindings(operation: model.Operation) -> list[model.Binding]:
    found = []
    for entry in operation.body.get("bindings") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise errors.SpecError(f"{operation.path}.bindings", "each binding needs a name")
        found.append(model.Binding(entry["name"], entry.get("value"), entry.get("compiler")))
    return found


def _shows(block: str, operation: model.Operation, failure: str, runtime: contexts.Runtime) -> bool:
    """Collector output always shows; a script's or command's when it failed or with -v."""
    return block != "try" or operation.kind not in EXECS or bool(failure) or bool(runtime.verbose)
