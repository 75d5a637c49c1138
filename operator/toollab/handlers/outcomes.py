"""The one mapping from runner results to Kopf: events, requeues, and the runner's dependencies.

No trial logic: it only translates.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import kopf

from toollab import logs
from toollab.handlers import metrics
from toollab.runner import reconcile

log = logging.getLogger("toollab.trials")


def dependencies(memo: kopf.Memo) -> reconcile.Dependencies:
    """What the runner needs, built once per operator and kept in memo."""
    deps: reconcile.Dependencies | None = getattr(memo, "deps", None)
    if deps is None:
        config = memo.config
        deps = reconcile.Dependencies(
            cluster=memo.cluster,
            default_service_account=config.default_service_account,
            allow_http=config.allow_http,
            helm_path=config.helm_path,
            kubeconfig=memo.helm_kubeconfig,
            tenant_role=config.tenant_role,
            kube_score=config.kube_score,
        )
        memo.deps = deps
    return deps


def post_events(body: Any, events: Iterable[reconcile.Event]) -> None:
    """Post the runner's events on the trial (Kopf queues and sends them), log each once at INFO;
    metrics see them too."""
    events = tuple(events)
    meta = body.get("metadata") or {}
    metrics.observe(str(meta.get("namespace", "")), str(meta.get("name", "")), events)
    trial_log = logs.for_body(log, body)
    for event in events:
        kopf.event(body, type=event.type, reason=event.reason, message=event.message[:1000])
        trial_log.info("%s", event.message, extra={"action": event.action, "reason": event.reason})


def raise_unless_done(result: reconcile.CleanupResult) -> None:
    """Cleanup not finished yet: ask Kopf to call again; a permanent failure is reported once."""
    if result.done:
        return
    if result.permanent:
        raise kopf.PermanentError(result.message)
    raise kopf.TemporaryError(result.message, delay=result.delay)
