"""Operator start-up: Kopf settings, the shared KubeCluster in memo, and the liveness probe.

Only Kopf wiring: no trial logic here.
"""

from __future__ import annotations

import datetime
from typing import Any

import kopf

from toollab.cluster import kube
from toollab.cluster import kubeconfig as kubeconfigs
from toollab.handlers import config, metrics


@kopf.on.startup()
def configure(settings: kopf.OperatorSettings, memo: kopf.Memo, **_: Any) -> None:
    """Our own finalizer and annotation prefixes (never change them), and the shared client."""
    settings.persistence.finalizer = "toollab.dev/finalizer"
    settings.persistence.progress_storage = kopf.AnnotationsProgressStorage(prefix="toollab.dev")
    settings.persistence.diffbase_storage = kopf.AnnotationsDiffBaseStorage(
        prefix="toollab.dev", key="last-handled-configuration"
    )
    settings.posting.reporting_component = "toollab"
    settings.posting.event_name_prefix = "toollab-event-"
    settings.posting.level = 20  # INFO: events are posted explicitly, only at transitions
    settings.execution.max_workers = 64  # one thread per running trial daemon
    settings.watching.server_timeout = 10 * 60
    settings.networking.request_timeout = 60
    settings.peering.standalone = True
    operator_config = config.from_environment()
    memo.config = operator_config
    memo.cluster = kube.KubeCluster.from_kubeconfig(
        operator_config.kubeconfig, context=operator_config.context
    )
    # helm takes a file: with --context, a private copy whose current context is that one
    memo.helm_kubeconfig = kubeconfigs.for_children_until_exit(
        operator_config.kubeconfig, operator_config.context
    )
    memo.last_tick = datetime.datetime.now(datetime.UTC)
    if operator_config.metrics_port is not None and not getattr(memo, "metrics_served", False):
        metrics.serve(operator_config.metrics_port)
        memo.metrics_served = True


@kopf.on.probe(id="lastTick")
def last_tick(memo: kopf.Memo, **_: Any) -> str:
    """When a trial loop last completed a pass (for liveness diagnostics)."""
    return str(getattr(memo, "last_tick", ""))
