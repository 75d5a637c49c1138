"""Recover what the inventory missed: objects carrying the trial's uid label, found kind by kind.

A step or an install records what it creates in `.status.inventory`; a kill between a create and
that status write would leave the object unrecorded. Only the trial labels what it creates, and
it never labels an object it did not create (`installers.claims`), so an object with its uid
label is its own. Cleanup sweeps, as the trial's identity, the kinds the spec names (step
objects, the run Job, inline manifests) and the cluster-scoped kinds charts commonly create.
Talks to the cluster only through the `Cluster` protocol; never reads `.status` to decide.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from toollab import errors
from toollab.cluster import port
from toollab.installers import objects, ownership
from toollab.model import status, trial

JOB = ("batch/v1", "Job")


def spec_kinds(tool_trial: trial.ToolTrial) -> dict[tuple[str, str], set[str | None]]:
    """(apiVersion, kind) -> the namespaces the spec puts such objects in (None: the target's)."""
    found: dict[tuple[str, str], set[str | None]] = {}
    written: list[Mapping[str, Any]] = [obj for s in tool_trial.steps for obj in s.apply]
    if isinstance(tool_trial.source, trial.ManifestSource):
        written += list(tool_trial.source.inline)
    for obj in written:
        key = (str(obj.get("apiVersion", "")), str(obj.get("kind", "")))
        found.setdefault(key, set()).add(objects.namespace_of(obj))
    if any(s.run is not None for s in tool_trial.steps):
        found.setdefault(JOB, set()).add(None)
    for kind in ownership.SWEPT_KINDS:
        found.setdefault(kind, set())
    return found


def sweep(
    tool_trial: trial.ToolTrial,
    current: status.TrialStatus,
    *,
    cluster: port.Cluster,
    going: str | None = None,
) -> int:
    """Delete every object of the spec's kinds that carries this trial's uid label, except in the
    namespace `going` (being deleted with all in it); returns how many."""
    target = current.run.target_namespace if current.run else tool_trial.target.namespace
    deleted = 0
    for (api_version, kind), namespaces in spec_kinds(tool_trial).items():
        where = {n or target for n in namespaces} - {going}
        for live in _labelled(cluster, api_version, kind, where, tool_trial.uid):
            ref = port.ObjectRef.of(live)
            try:
                deleted += cluster.delete(api_version, kind, name=ref.name, namespace=ref.namespace)
            except (errors.NotFound, errors.UnknownKind):
                continue
    return deleted


def _labelled(
    cluster: port.Cluster, api_version: str, kind: str, namespaces: Iterable[str | None], uid: str
) -> list[dict[str, Any]]:
    """Objects of the kind with the uid label: cluster-wide for a cluster-scoped kind, else in
    `namespaces`; none where the identity may not list them or the kind is not served."""
    selector = {trial.LABEL_TRIAL_UID: uid}
    try:
        scoped = cluster.resource(api_version, kind).namespaced
        where = [ns for ns in namespaces if ns] if scoped else [None]
        found = [
            obj for ns in where for obj in cluster.list(api_version, kind, namespace=ns, labels=selector)
        ]
    except (errors.Forbidden, errors.UnknownKind, errors.NotFound):
        return []
    return [obj for obj in found if objects.is_owned(obj, uid=uid)]


__all__ = ["spec_kinds", "sweep"]
