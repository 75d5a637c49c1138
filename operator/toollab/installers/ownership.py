"""What a helm install owns: objects that existed before it, and the release inventory.

Goes through the `Cluster` port only. Helm tracks the CRDs it installs from `crds/` nowhere,
so these get the trial's labels here, and `sweep_crds` finds them again at cleanup. Everything
else the post-renderer labelled, so `sweep_release_leftovers` finds what outlived the release.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from toollab import errors
from toollab.installers import base, objects
from toollab.model import records, trial

HELM_RELEASE_NAME = "meta.helm.sh/release-name"
HELM_RELEASE_NAMESPACE = "meta.helm.sh/release-namespace"
CRD_KIND = "CustomResourceDefinition"
CRD_API = "apiextensions.k8s.io/v1"

Key = tuple[str, str, str]  # apiVersion, kind, name

# Cluster-scoped kinds charts commonly create, swept by label after `helm uninstall`, with
# the cluster-scoped kinds of the inventory: these outlive the trial's namespace.
SWEPT_KINDS = (
    ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
    ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"),
    ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"),
    ("apiregistration.k8s.io/v1", "APIService"),
    ("scheduling.k8s.io/v1", "PriorityClass"),
    ("storage.k8s.io/v1", "StorageClass"),
    ("networking.k8s.io/v1", "IngressClass"),
)


def key_of(obj: Mapping[str, Any]) -> Key:
    """The identity of a cluster-scoped object."""
    return (str(obj.get("apiVersion", "")), str(obj.get("kind", "")), objects.name_of(obj))


def is_release_object(live: Mapping[str, Any], ctx: base.InstallContext) -> bool:
    """True when `live` carries helm's marks of this trial's release (release name and namespace)."""
    annotations = (live.get("metadata") or {}).get("annotations") or {}
    return (
        annotations.get(HELM_RELEASE_NAME) == ctx.release_name
        and annotations.get(HELM_RELEASE_NAMESPACE) == ctx.target_namespace
    )


def is_ours(live: Mapping[str, Any], ctx: base.InstallContext) -> bool:
    """True when `live` was left by this trial: our uid label, or helm's marks of our release."""
    return is_release_object(live, ctx) or objects.is_owned(live, uid=ctx.trial_uid)


def foreign_objects(ctx: base.InstallContext, rendered: Iterable[Mapping[str, Any]]) -> frozenset[Key]:
    """Cluster-scoped objects in `rendered` that exist already and are not this trial's."""
    found = set()
    for obj in rendered:
        if objects.is_namespaced(ctx.cluster, obj) is not False:
            continue  # namespaced (ours: helm refuses to adopt), or a kind not served yet
        try:
            live = ctx.cluster.get(
                str(obj["apiVersion"]), str(obj["kind"]), name=objects.name_of(obj), namespace=None
            )
        except errors.Forbidden:
            live = {}  # we may not even read it: never count it as ours
        if live is not None and not is_ours(live, ctx):
            found.add(key_of(obj))
    return frozenset(found)


def release_inventory(
    ctx: base.InstallContext,
    manifest: str,
    *,
    crds: Sequence[Mapping[str, Any]] = (),
    foreign: frozenset[Key] = frozenset(),
) -> tuple[records.InventoryEntry, ...]:
    """Entries for `crds` (from the chart's crds/) then the release manifest, in install order."""
    released = objects.parse_objects(manifest, source="helm release manifest")
    seen = {key_of(obj) for obj in released}
    ordered = [crd for crd in crds if key_of(crd) not in seen] + released
    return tuple(_entry(ctx, obj, foreign=foreign) for obj in ordered)


def _entry(
    ctx: base.InstallContext, obj: Mapping[str, Any], *, foreign: frozenset[Key]
) -> records.InventoryEntry:
    namespaced = objects.is_namespaced(ctx.cluster, obj) is not False
    return records.InventoryEntry(
        api_version=str(obj["apiVersion"]),
        kind=str(obj["kind"]),
        name=objects.name_of(obj),
        namespace=(objects.namespace_of(obj) or ctx.target_namespace) if namespaced else None,
        created=key_of(obj) not in foreign,
    )


def _label_crd(ctx: base.InstallContext, name: str) -> None:
    patch = {"apiVersion": CRD_API, "kind": CRD_KIND, "metadata": {"name": name, "labels": ctx.labels}}
    ctx.cluster.apply(patch, namespace=None, field_manager=base.FIELD_MANAGER)


def label_created_crds(ctx: base.InstallContext, entries: Iterable[records.InventoryEntry]) -> None:
    """Put the trial's labels on CRDs helm created from crds/, so a retry still knows them as ours."""
    for entry in entries:
        if entry.kind == CRD_KIND and entry.created:
            with contextlib.suppress(errors.Forbidden):  # may create but not patch: only a retry loses
                _label_crd(ctx, entry.name)


def label_leftover_crds(
    ctx: base.InstallContext, crds: Iterable[Mapping[str, Any]], *, foreign: frozenset[Key]
) -> None:
    """After a failed install: label the chart's CRDs that exist now but did not before, for the sweep."""
    for crd in crds:
        name = objects.name_of(crd)
        if key_of(crd) not in foreign and ctx.cluster.get(CRD_API, CRD_KIND, name=name, namespace=None):
            _label_crd(ctx, name)


def _existed_before(inventory: Iterable[records.InventoryEntry]) -> frozenset[Key]:
    """What the inventory records as there before the trial: a step may have labelled it, never ours."""
    return frozenset((e.api_version, e.kind, e.name) for e in inventory if not e.created)


def _labelled(ctx: base.InstallContext, api_version: str, kind: str) -> list[dict[str, Any]]:
    """Cluster-scoped objects of a kind carrying this trial's uid label; none when we may not list them."""
    try:
        return ctx.cluster.list(
            api_version, kind, namespace=None, labels={trial.LABEL_TRIAL_UID: ctx.trial_uid}
        )
    except (errors.Forbidden, errors.UnknownKind):
        return []  # an identity that may not even list a kind did not install any; nor a kind not served


def sweep_crds(ctx: base.InstallContext, inventory: Sequence[records.InventoryEntry] = ()) -> int:
    """Delete CRDs carrying this trial's uid label (helm's uninstall never removes crds/)."""
    spared = _existed_before(inventory)
    names = [objects.name_of(crd) for crd in _labelled(ctx, CRD_API, CRD_KIND)]
    return sum(
        ctx.cluster.delete(CRD_API, CRD_KIND, name=name, namespace=None)
        for name in names
        if (CRD_API, CRD_KIND, name) not in spared
    )


def sweep_release_leftovers(ctx: base.InstallContext, inventory: Sequence[records.InventoryEntry]) -> int:
    """Delete cluster-scoped objects of our release that outlived `helm uninstall`; returns how many.

    Helm keeps `helm.sh/resource-policy: keep` objects (a failed install never inventoried) and
    removes nothing once the release record went with its namespace. Only objects with our uid
    label (the post-renderer's) AND helm's marks of our release qualify, never one the inventory
    says existed before the trial.
    """
    spared = _existed_before(inventory)
    scoped = [(e.api_version, e.kind) for e in inventory if e.namespace is None and e.kind != CRD_KIND]
    deleted = 0
    for api_version, kind in dict.fromkeys([*SWEPT_KINDS, *scoped]):
        for live in _labelled(ctx, api_version, kind):
            name = objects.name_of(live)
            if is_release_object(live, ctx) and (api_version, kind, name) not in spared:
                deleted += ctx.cluster.delete(api_version, kind, name=name, namespace=None)
    return deleted


__all__ = [
    "foreign_objects",
    "is_ours",
    "is_release_object",
    "key_of",
    "label_created_crds",
    "label_leftover_crds",
    "release_inventory",
    "sweep_crds",
    "sweep_release_leftovers",
]
