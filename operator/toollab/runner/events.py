"""Kubernetes Events on a trial (`kubectl describe tooltrial`): built here, posted as the operator.

Building is pure; `post_events` makes one API request per event and never retries (events are
best effort, as Kopf's are).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from toollab.model import status, stored, trial
from toollab.runner.deps import Event, OperatorCluster

COMPONENT = "toollab"
MESSAGE_LIMIT = 1000


def build_event(body: Mapping[str, Any], event: Event, *, now: datetime, instance: str) -> dict[str, Any]:
    """A core/v1 Event about the trial `body`."""
    meta = body.get("metadata") or {}
    stamp = stored.format_time(now)
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"generateName": "toollab-event-", "namespace": meta.get("namespace")},
        "involvedObject": {
            "apiVersion": trial.API_VERSION,
            "kind": trial.KIND,
            "name": meta.get("name"),
            "namespace": meta.get("namespace"),
            "uid": meta.get("uid"),
        },
        "type": event.type,
        "reason": event.reason,
        "message": status.trim(event.message, MESSAGE_LIMIT),
        "source": {"component": COMPONENT},
        "reportingComponent": COMPONENT,
        "reportingInstance": instance,
        "firstTimestamp": stamp,
        "lastTimestamp": stamp,
        "count": 1,
    }


def post_events(
    cluster: OperatorCluster,
    body: Mapping[str, Any],
    events: Iterable[Event],
    *,
    now: datetime,
    instance: str,
) -> None:
    """Post each event on the trial, in order (raises the first ClusterError)."""
    namespace = (body.get("metadata") or {}).get("namespace")
    for event in events:
        cluster.create(build_event(body, event, now=now, instance=instance), namespace=namespace)


__all__ = ["COMPONENT", "build_event", "post_events"]
