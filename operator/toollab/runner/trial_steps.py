"""One attempt of a ToolTrial step: its apply/delete/run parts once, then one round of checks.

No clock reads and no sleeps of its own: `now` and `pause` come in. Talks to the cluster only
through the `Cluster` protocol (as the trial's identity).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from toollab import errors
from toollab.assertions import dialect as dialects
from toollab.cluster import port
from toollab.installers import objects
from toollab.model import status, step, trial
from toollab.reports import text
from toollab.suites.core import celchecks, checking, deleting, resolving

DELETE_WAIT_SECONDS = 30.0


@dataclass(frozen=True)
class Attempt:
    """What one attempt found: passed, failed for good (a Job failed), or not yet."""

    passed: bool
    final: bool
    message: str


def job_name(tool_trial: trial.ToolTrial, index: int) -> str:
    """A stable, valid name for step `index`'s run Job."""
    base = re.sub(r"[^a-z0-9-]", "-", f"{tool_trial.name}-{index + 1}-{tool_trial.steps[index].name}".lower())
    return base[:63].strip("-")


def build_job(tool_trial: trial.ToolTrial, index: int, run: step.RunSpec) -> dict[str, Any]:
    """The Job for a `run` part: one container, no retries, labelled as the trial's."""
    container: dict[str, Any] = {"name": "run", "image": run.image}
    if run.command:
        container["command"] = list(run.command)
    if run.args:
        container["args"] = list(run.args)
    if run.env:
        container["env"] = [{"name": e.name, "value": e.value} for e in run.env]
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": job_name(tool_trial, index), "labels": dict(tool_trial.labels)},
        "spec": {
            "backoffLimit": 0,
            "template": {
                "metadata": {"labels": dict(tool_trial.labels)},
                "spec": {"restartPolicy": "Never", "containers": [container]},
            },
        },
    }


def perform_parts(
    cluster: port.Cluster, tool_trial: trial.ToolTrial, index: int, *, pause: Callable[[float], None]
) -> tuple[status.InventoryEntry, ...]:
    """apply, delete, run (in that order), once; returns inventory entries for what it created."""
    spec = tool_trial.steps[index]
    namespace = tool_trial.target.namespace
    labels = tool_trial.labels
    created = [apply_object(cluster, obj, namespace=namespace, labels=labels) for obj in spec.apply]
    for selector in spec.delete:
        delete_matching(cluster, selector, namespace=namespace, pause=pause)
    if spec.run is not None:
        job = build_job(tool_trial, index, spec.run)
        created.append(apply_object(cluster, job, namespace=namespace, labels=labels))
    return tuple(created)


def apply_object(
    cluster: port.Cluster, obj: Mapping[str, Any], *, namespace: str, labels: Mapping[str, str]
) -> status.InventoryEntry:
    """Server-side apply one object with the trial's labels; the entry says whether it existed before."""
    ref = port.ObjectRef.of(obj)
    info = cluster.resource(ref.api_version, ref.kind)
    ns = (ref.namespace or namespace) if info.namespaced else None
    existed = cluster.get(ref.api_version, ref.kind, name=ref.name, namespace=ns) is not None
    cluster.apply(objects.with_metadata(obj, labels=labels, namespace=ns), namespace=ns)
    return status.InventoryEntry(ref.api_version, ref.kind, ref.name, ns, created=not existed)


def delete_matching(
    cluster: port.Cluster, selector: Mapping[str, Any], *, namespace: str, pause: Callable[[float], None]
) -> int:
    """Delete the named object, or every object of the kind with the given labels; wait until gone."""
    ref = port.ObjectRef.of(selector)
    info = cluster.resource(ref.api_version, ref.kind)
    ns = (ref.namespace or namespace) if info.namespaced else None
    labels = (selector.get("metadata") or {}).get("labels") or None
    targets = deleting.find(cluster, ref.api_version, ref.kind, name=ref.name, namespace=ns, labels=labels)
    refs = [port.ObjectRef(ref.api_version, ref.kind, t["metadata"]["name"], ns) for t in targets]
    deleting.delete_all(cluster, refs)
    # kuttl: a delete waits until the objects are gone; by uid, so a recovered pod counts as gone
    uids = {r: t["metadata"]["uid"] for r, t in zip(refs, targets, strict=True)}
    left = deleting.wait_gone(
        cluster, refs, timeout=DELETE_WAIT_SECONDS, clock=time.monotonic, sleep=pause, poll=0.2, uids=uids
    )
    if left:
        raise errors.ClusterError(f"{ref.kind} objects still present {DELETE_WAIT_SECONDS:.0f}s after delete")
    return len(targets)


def check(cluster: port.Cluster, tool_trial: trial.ToolTrial, index: int) -> Attempt:
    """One round: the step's assert and errors objects, and its run Job."""
    spec = tool_trial.steps[index]
    namespace = tool_trial.target.namespace
    messages = []
    if spec.has_checks:
        dialect = dialects.Dialect(spec.dialect)
        scope = dialects.Scope.of_namespace(namespace, resolving.ClusterResolver(cluster, environ={}))
        outcome = checking.check_round(
            cluster,
            asserts=spec.asserts,
            errors=spec.errors,
            namespace=namespace,
            dialect=dialect,
            scope=scope,
        )
        if outcome.is_final:  # chainsaw: an expression that cannot be evaluated fails the step at once
            return Attempt(passed=False, final=True, message=text.summarise(outcome))
        if not outcome.passed:
            messages.append(text.summarise(outcome))
    if spec.cel:
        try:
            checks = cel_checks(spec, index)
        except errors.SpecError as exc:  # retrying cannot fix an expression that does not compile
            return Attempt(passed=False, final=True, message=str(exc))
        messages += celchecks.evaluate(cluster, checks, namespace=namespace)
    if spec.run is not None:
        job_state = _job_state(cluster, tool_trial, index)
        if job_state == "Failed":
            return Attempt(
                passed=False, final=True, message=f"Job {namespace}/{job_name(tool_trial, index)} failed"
            )
        if job_state != "Complete":
            messages.append(f"Job {namespace}/{job_name(tool_trial, index)}: not complete yet")
    return Attempt(passed=not messages, final=False, message="\n".join(messages))


def cel_checks(spec: step.Step, index: int) -> celchecks.CelChecks:
    """The step's `cel` compiled over its `refs`; SpecError naming the expression that does not compile."""
    refs = tuple(
        celchecks.ResourceRef(
            r.api_version, r.kind, r.name, r.ref, r.namespace, labels=tuple(sorted(r.labels.items()))
        )
        for r in spec.refs
    )
    return celchecks.compile_cached(refs, spec.cel, where=f"spec.steps[{index}]")


def _job_state(cluster: port.Cluster, tool_trial: trial.ToolTrial, index: int) -> str:
    job = cluster.get(
        "batch/v1", "Job", name=job_name(tool_trial, index), namespace=tool_trial.target.namespace
    )
    for condition in ((job or {}).get("status") or {}).get("conditions") or []:
        if condition.get("status") == "True" and condition.get("type") in ("Complete", "Failed"):
            return str(condition["type"])
    return "Running" if job else "Missing"


__all__ = ["Attempt", "build_job", "cel_checks", "check", "delete_matching", "job_name", "perform_parts"]
