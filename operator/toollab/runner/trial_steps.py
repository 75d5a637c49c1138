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
from toollab.installers import claims, objects
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
    cluster: port.Cluster,
    tool_trial: trial.ToolTrial,
    index: int,
    *,
    pause: Callable[[float], None],
    namespace_ours: bool = False,
) -> tuple[status.InventoryEntry, ...]:
    """apply, delete, run (in that order), once; returns inventory entries for what it created.

    When a part fails, the error carries the entries made before it (`created_before(exc)`), so
    that what the step created is recorded even though the step ends in Error.
    """
    spec = tool_trial.steps[index]
    namespace = tool_trial.target.namespace
    labels = tool_trial.labels
    created: list[status.InventoryEntry] = []
    try:
        for obj in spec.apply:  # one by one: what came before a failure is still recorded
            created.append(apply_object(cluster, obj, namespace=namespace, labels=labels))
        for selector in spec.delete:
            allowed = Deletable(tool_trial.uid, namespace if namespace_ours else None)
            delete_matching(cluster, selector, namespace=namespace, pause=pause, allowed=allowed)
        if spec.run is not None:
            job = build_job(tool_trial, index, spec.run)
            created.append(apply_object(cluster, job, namespace=namespace, labels=labels))
    except errors.ToollabError as exc:
        exc.created = (*created_before(exc), *created)
        raise
    return tuple(created)


def created_before(exc: BaseException) -> tuple[status.InventoryEntry, ...]:
    """The inventory entries a failed `perform_parts` had made before it failed."""
    return tuple(e for e in getattr(exc, "created", ()) if isinstance(e, status.InventoryEntry))


@dataclass(frozen=True)
class Deletable:
    """What a step's `delete` may remove: objects with the trial's uid label, and anything in
    the trial's target namespace when the trial created that namespace."""

    uid: str
    own_namespace: str | None

    def check(self, target: Mapping[str, Any], ref: port.ObjectRef) -> None:
        """NotOwned naming the object and its owner, unless the trial may delete it."""
        if objects.is_owned(target, uid=self.uid):
            return
        if self.own_namespace is not None and ref.namespace == self.own_namespace:
            return
        raise errors.NotOwned(
            f"{ref} is not this trial's (owner: {claims.owner_of(target)}); the step may not delete it"
        )


def apply_object(
    cluster: port.Cluster, obj: Mapping[str, Any], *, namespace: str, labels: Mapping[str, str]
) -> status.InventoryEntry:
    """Server-side apply one object with the trial's labels, only when it is absent or the trial's
    own (NotOwned otherwise, the object untouched); the entry records the uid the server gave it."""
    ref = port.ObjectRef.of(obj)
    info = cluster.resource(ref.api_version, ref.kind)
    ns = (ref.namespace or namespace) if info.namespaced else None
    live = cluster.get(ref.api_version, ref.kind, name=ref.name, namespace=ns)
    what = str(port.ObjectRef(ref.api_version, ref.kind, ref.name, ns))
    claims.claim(live, uid=labels[trial.LABEL_TRIAL_UID], what=what)
    body = claims.with_uid_precondition(objects.with_metadata(obj, labels=labels, namespace=ns), live)
    stored = cluster.apply(body, namespace=ns)
    return status.InventoryEntry(ref.api_version, ref.kind, ref.name, ns, uid=claims.uid_of(stored))


def delete_matching(
    cluster: port.Cluster,
    selector: Mapping[str, Any],
    *,
    namespace: str,
    pause: Callable[[float], None],
    allowed: Deletable | None = None,
) -> int:
    """Delete the named object, or every object of the kind with the given labels; wait until gone.
    With `allowed`, nothing is deleted unless every target is the trial's to delete."""
    ref = port.ObjectRef.of(selector)
    info = cluster.resource(ref.api_version, ref.kind)
    ns = (ref.namespace or namespace) if info.namespaced else None
    labels = (selector.get("metadata") or {}).get("labels") or None
    targets = deleting.find(cluster, ref.api_version, ref.kind, name=ref.name, namespace=ns, labels=labels)
    refs = [port.ObjectRef(ref.api_version, ref.kind, t["metadata"]["name"], ns) for t in targets]
    for target, target_ref in zip(targets, refs, strict=True):
        if allowed is not None:
            allowed.check(target, target_ref)
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
