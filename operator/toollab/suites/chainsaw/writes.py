"""Chainsaw's write operations: apply, create, patch, update and delete, one resource at a time.

Talks to the cluster through `ChainsawCluster`; sleeps only through the runtime's `sleep`.
`apply` creates or merge-patches and is retried until its timeout (5 s by default); `create`
fails when the object exists; `patch` merges into an existing object; `update` replaces it
with the live resourceVersion; `delete` removes what the reference finds and waits until it is
gone. With `expect`, the matching expectations' checks decide instead of the error, `$error`
bound to it. Objects a write created are handed back for cleanup at the end of the test.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from toollab import errors
from toollab.assertions import selection, templating
from toollab.cluster import port
from toollab.suites.chainsaw import context as contexts
from toollab.suites.chainsaw import expectations, model, resources
from toollab.suites.core import deleting, polling

Write = Callable[[contexts.ChainsawCluster, dict[str, Any]], tuple[bool, str]]


@dataclass(frozen=True)
class Written:
    """One resource's result and the object it created (None if it created nothing)."""

    done: expectations.Done
    created: port.ObjectRef | None = None
    made: bool = False  # this attempt created the object (no retry after that)


def run(operation: model.Operation, context: contexts.Context) -> list[Written]:
    """Every resource of a write operation, each on its own (all run; failures add up)."""
    if operation.kind == "delete":
        return [Written(_delete(operation, context))]
    written = []
    for number, doc in enumerate(resources.load(operation, context), start=1):
        context = context.bind("operation", {**context.bindings.get("operation", {}), "resourceId": number})
        obj = resources.templated(doc, operation, context)
        result = _write(operation, obj, context)
        for name, value in result.done.outputs.items():  # each resource's outputs reach the next ones
            context = context.bind(name, value)
        written.append(result)
    return written


def _write(operation: model.Operation, obj: dict[str, Any], context: contexts.Context) -> Written:
    """One resource, retried until success or the apply timeout (Chainsaw polls every write)."""
    runtime = context.runtime

    def attempt() -> Written:
        try:  # inside the retry: a kind whose CRD was just applied may take a moment to be served
            target = resources.namespaced(obj, context)
        except errors.ClusterError as exc:
            return Written(_judge(operation, obj, exc.detail, context))
        made, problem = _attempt(operation, target, runtime.cluster)
        created = port.ObjectRef.of(target) if made and not context.skip_delete else None
        return Written(_judge(operation, target, problem, context), created, made)

    return polling.retry(
        attempt,
        done=lambda written: written.done.passed or written.made,
        timeout=context.timeout("apply", operation),
        interval=runtime.poll_interval,
        clock=runtime.clock,
        sleep=runtime.sleep,
    )


def _attempt(
    operation: model.Operation, obj: dict[str, Any], cluster: contexts.ChainsawCluster
) -> tuple[bool, str]:
    """(created, error text) of one try of the operation on `obj`."""
    kind, namespace = operation.kind, (obj.get("metadata") or {}).get("namespace")
    try:
        if kind == "create":
            cluster.strict_create(obj, namespace=namespace)
            return True, ""
        if kind == "patch":
            cluster.strict_merge_patch(
                obj, namespace=namespace, subresource=operation.body.get("subresource")
            )
        elif kind == "update":
            cluster.strict_replace(obj, namespace=namespace)
        else:  # apply: create, or merge into what is there
            ref = port.ObjectRef.of(obj)
            if cluster.get(ref.api_version, ref.kind, name=ref.name, namespace=ref.namespace) is None:
                cluster.strict_create(obj, namespace=namespace)
                return True, ""
            cluster.strict_merge_patch(obj, namespace=namespace)
    except errors.ClusterError as exc:
        return False, exc.detail  # `$error` is the API server's message, as Chainsaw's client reports it
    return False, ""


def _judge(
    operation: model.Operation, obj: Any, problem: str, context: contexts.Context
) -> expectations.Done:
    """The write's verdict: its expectations when one applies, else its error; then its outputs."""
    bound = context.bind("error", problem or None)
    applied, failure = expectations.expect(operation.body.get("expect") or [], obj, bound)
    if not applied:
        failure = problem
    if failure:
        return expectations.Done(failure=f"{port.ObjectRef.of(obj)}: {failure}")
    return expectations.Done(
        outputs=expectations.outputs(operation.body.get("outputs") or [], bound, input=obj)
    )


def _delete(operation: model.Operation, context: contexts.Context) -> expectations.Done:
    """Delete what the reference (or resource) finds, then wait until it is gone."""
    cluster = context.runtime.cluster
    failures: list[str] = []
    for target in _delete_targets(operation, context):
        ref = port.ObjectRef.of(target)
        try:
            cluster.delete(ref.api_version, ref.kind, name=ref.name, namespace=ref.namespace)
            problem = ""
        except errors.ClusterError as exc:
            problem = exc.detail
        done = _judge(operation, target, problem, context)
        if not done.passed:
            failures.append(done.failure)
        elif not problem:
            left = deleting.wait_gone(
                cluster,
                [ref],
                timeout=context.timeout("delete", operation),
                clock=context.runtime.clock,
                sleep=context.runtime.sleep,
                poll=context.runtime.poll_interval,
            )
            failures += [
                f"{item}: still present after {context.timeout('delete', operation):g}s" for item in left
            ]
    return expectations.Done(failure="\n".join(failures))


def _delete_targets(operation: model.Operation, context: contexts.Context) -> list[dict[str, Any]]:
    """The objects a delete means: by `ref` (name, or kind with labels), or its file/resource."""
    ref = operation.body.get("ref")
    if isinstance(ref, Mapping):
        wanted = {
            "apiVersion": ref.get("apiVersion"),
            "kind": ref.get("kind"),
            "metadata": _ref_metadata(ref),
        }
    else:
        [wanted, *more] = resources.load(operation, context)
        if more:
            return [t for doc in [wanted, *more] for t in _found(doc, operation, context)]
    return _found(wanted, operation, context)


def _found(
    doc: Mapping[str, Any], operation: model.Operation, context: contexts.Context
) -> list[dict[str, Any]]:
    wanted = resources.namespaced(
        templating.resource_ref(doc, scope=context.scope())
        if operation.body.get("template", context.template)
        else dict(doc),
        context,
    )
    api_version, kind = selection.kind_of(wanted)
    metadata = wanted.get("metadata") or {}
    info = context.runtime.cluster.resource(api_version, kind)
    namespace = metadata.get("namespace") if info.namespaced else None
    return deleting.find(
        context.runtime.cluster,
        api_version,
        kind,
        name=str(metadata.get("name") or ""),
        namespace=namespace or None,
        labels=selection.label_selector(metadata.get("labels")),
    )


def _ref_metadata(ref: Mapping[str, Any]) -> dict[str, Any]:
    metadata: dict[str, Any] = {key: ref[key] for key in ("name", "namespace") if ref.get(key)}
    if isinstance(ref.get("labels"), Mapping):
        metadata["labels"] = dict(ref["labels"])
    return metadata
