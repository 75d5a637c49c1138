"""Cleanup deletes only the objects an inventory entry proves the trial created."""

from __future__ import annotations

from typing import Any

import pytest

from toollab import errors
from toollab.installers import claims
from toollab.model import records

UID = "trial-uid"


class Unreadable:
    """A cluster where every read is forbidden, as a namespace neither identity may read."""

    def __init__(self) -> None:
        self.reads = 0

    def get(self, api_version: str, kind: str, *, name: str, namespace: str | None) -> Any:
        self.reads += 1
        raise errors.Forbidden(f"{kind} {name} is forbidden")


def test_an_entry_without_a_uid_is_skipped_without_reading_the_object() -> None:
    cluster = Unreadable()
    forged = records.InventoryEntry("v1", "ConfigMap", "precious", namespace="victim", created=True)
    existed = records.InventoryEntry("v1", "ConfigMap", "theirs", namespace="lab", created=False, uid="u1")
    assert claims.delete_inventory(cluster, [forged, existed], uid=UID) == 0  # type: ignore[arg-type]
    assert cluster.reads == 0


def test_an_entry_with_a_uid_is_read_before_anything_is_deleted() -> None:
    cluster = Unreadable()
    entry = records.InventoryEntry("v1", "ConfigMap", "made", namespace="lab", created=True, uid="u2")
    with pytest.raises(errors.Forbidden):  # the caller retries as the operator
        claims.delete_if_ours(cluster, entry, uid=UID)  # type: ignore[arg-type]
    assert cluster.reads == 1
