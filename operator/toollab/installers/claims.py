"""Ownership proven at every write and delete: a trial changes or deletes only what it created.

An object is the trial's when it carries the trial's uid label; only what the trial creates
gets that label, so a label on an object that existed before can only come from an earlier
attempt of the same trial. The inventory records the uid the server gave each created object,
and an object is deleted only while its live uid and label still match that record.
Goes through the `Cluster` port only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from toollab import errors
from toollab.cluster import port
from toollab.installers import objects
from toollab.installers.ownership import HELM_RELEASE_NAME, HELM_RELEASE_NAMESPACE
from toollab.model import records, trial

UNKNOWN = "unknown (no trial label, no helm release, no field manager)"


def uid_of(obj: Mapping[str, Any] | None) -> str:
    """metadata.uid ('' when unset)."""
    return str(((obj or {}).get("metadata") or {}).get("uid") or "")


def owner_of(live: Mapping[str, Any]) -> str:
    """Who the object belongs to, as far as it tells: a trial's labels, a helm release, its managers."""
    meta = live.get("metadata") or {}
    labels, annotations = meta.get("labels") or {}, meta.get("annotations") or {}
    if labels.get(trial.LABEL_TRIAL_UID):
        where = labels.get(trial.LABEL_TRIAL_NAMESPACE, "?")
        return f"ToolTrial {where}/{labels.get(trial.LABEL_TRIAL, '?')} (uid {labels[trial.LABEL_TRIAL_UID]})"
    if annotations.get(HELM_RELEASE_NAME):
        release = f"{annotations.get(HELM_RELEASE_NAMESPACE, '?')}/{annotations[HELM_RELEASE_NAME]}"
        return f"helm release {release}"
    managers = sorted({str(m.get("manager")) for m in meta.get("managedFields") or [] if m.get("manager")})
    return f"field managers {', '.join(managers)}" if managers else UNKNOWN


def claim(live: Mapping[str, Any] | None, *, uid: str, what: str) -> bool:
    """True when the trial may write the object (absent, or already its own); NotOwned otherwise.

    Returns whether the object exists already (an earlier attempt of this trial made it)."""
    if live is None:
        return False
    if objects.is_owned(live, uid=uid):
        return True
    raise errors.NotOwned(
        f"{what} exists and is not this trial's (owner: {owner_of(live)}); it was left untouched"
    )


def with_uid_precondition(body: Mapping[str, Any], live: Mapping[str, Any] | None) -> dict[str, Any]:
    """`body` carrying the live object's uid, so that a write to a replaced object is refused (409)."""
    copied = dict(body)
    if uid_of(live):
        copied["metadata"] = {**(body.get("metadata") or {}), "uid": uid_of(live)}
    return copied


def is_recorded_and_ours(live: Mapping[str, Any] | None, entry: records.InventoryEntry, *, uid: str) -> bool:
    """Whether `live` is the very object `entry` recorded as created: same uid, still labelled ours."""
    return (
        live is not None
        and entry.created
        and bool(entry.uid)
        and uid_of(live) == entry.uid
        and objects.is_owned(live, uid=uid)
    )


def delete_if_ours(cluster: port.Cluster, entry: records.InventoryEntry, *, uid: str) -> bool:
    """Delete the object of `entry` when it is the one the trial created; True when deleted.

    An entry that cannot prove it (not created, or no uid recorded) is skipped without a read, so
    a forged entry naming an object neither identity may read cannot block the cleanup."""
    if not entry.created or not entry.uid:
        return False
    try:
        live = cluster.get(entry.api_version, entry.kind, name=entry.name, namespace=entry.namespace)
    except (errors.NotFound, errors.UnknownKind):
        return False  # its CRD is gone already, and with it every object of the kind
    if not is_recorded_and_ours(live, entry, uid=uid):
        return False
    try:
        return cluster.delete(entry.api_version, entry.kind, name=entry.name, namespace=entry.namespace)
    except (errors.NotFound, errors.UnknownKind):
        return False


def delete_inventory(cluster: port.Cluster, inventory: Sequence[records.InventoryEntry], *, uid: str) -> int:
    """Delete, in reverse order, each entry's object that is still the one the trial created."""
    return sum(int(delete_if_ours(cluster, entry, uid=uid)) for entry in reversed(inventory))


__all__ = [
    "claim",
    "delete_if_ours",
    "delete_inventory",
    "is_recorded_and_ours",
    "owner_of",
    "uid_of",
    "with_uid_precondition",
]
