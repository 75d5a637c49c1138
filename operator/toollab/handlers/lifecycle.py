"""Operator start-up and shutdown: Kopf settings, the engine in memo, leader election, metrics, probes.

Only wiring: no trial logic here. Kopf is used for its watch (the `trials` handler feeds the
engine), probes and liveness; it manages no finalizer and runs no blocking handler.
"""

from __future__ import annotations

import asyncio
import datetime
import functools
import logging
import os
import secrets
from typing import Any

import kopf

from toollab import logs
from toollab.cluster import kube
from toollab.cluster import kubeconfig as kubeconfigs
from toollab.engine import core, leader, metrics
from toollab.handlers import config, guard
from toollab.handlers import metrics as regressions
from toollab.runner import events, reconcile
from toollab.runner.outlook import Lane

log = logging.getLogger(__name__)
trials_log = logging.getLogger("toollab.trials")  # what the trials do, one line per event
STOP_SECONDS = 30.0  # passes still running at shutdown get this long to finish
# Kopf removes its own finalizer from objects when no handler of its needs it; toollab keeps
# `toollab.dev/finalizer` on ToolTrials itself (runner/finalizing.py), so Kopf's must be another
# name. Kopf uses it only on ToolTrialSets (their daemons).
KOPF_FINALIZER = "toollab.dev/kopf-finalizer"


@kopf.on.startup()
async def start(settings: kopf.OperatorSettings, memo: kopf.Memo, **_: Any) -> None:
    """Settings, the shared client, the engine; then leadership (or act at once) and /metrics."""
    _configure(settings)
    guard.install_decoding()  # before the first watch: no event can be too deep to decode
    memo.watchdog = guard.Watchdog()
    memo.watchdog_task = asyncio.create_task(memo.watchdog.run(), name="toollab watchdog")
    cfg = config.from_environment()
    identity = f"{cfg.identity}_{secrets.token_hex(4)}"
    engine, cluster = _build_engine(cfg, identity)
    engine.start()
    memo.engine, memo.cluster, memo.elector = engine, cluster, None
    log.info(
        "toollab: trials %s; at most %d installs, %d step attempts, %d other passes at once",
        cfg.selector,
        cfg.max_installs,
        cfg.max_steps,
        cfg.workers,
    )
    if cfg.metrics_address:
        metrics.serve(cfg.metrics_address)
    if cfg.leader_election:
        memo.elector = _elect(cfg, cluster, engine, identity)


def _configure(settings: kopf.OperatorSettings) -> None:
    """Kopf only watches: no finalizer of its own, no events, no peering."""
    settings.persistence.finalizer = KOPF_FINALIZER
    settings.persistence.progress_storage = kopf.AnnotationsProgressStorage(prefix="toollab.dev")
    settings.persistence.diffbase_storage = guard.TrialsWithoutDiffBase(
        prefix="toollab.dev", key="last-handled-configuration"
    )
    settings.posting.enabled = False  # the engine posts toollab's events itself
    settings.watching.server_timeout = 10 * 60
    settings.networking.request_timeout = 60
    settings.peering.standalone = True  # one active replica comes from the Lease, not Kopf's peering
    settings.execution.max_workers = 32  # ToolTrialSet daemons (a thread each); trials use the engine
    # Kopf logs every watch event it hands over ("Handler 'observe' succeeded"): thousands of lines
    # in a busy lab. The engine logs what it does itself.
    logging.getLogger("kopf.objects").setLevel(logging.WARNING)


def _build_engine(cfg: config.OperatorConfig, identity: str) -> tuple[core.Engine, kube.KubeCluster]:
    """The client (as many connections as workers) and the engine with its three lanes."""
    capacities = {Lane.INSTALL: cfg.max_installs, Lane.STEP: cfg.max_steps, Lane.GENERAL: cfg.workers}
    cluster = kube.KubeCluster.from_kubeconfig(
        cfg.kubeconfig, context=cfg.context, connections=sum(capacities.values()) + 4
    )
    cluster.observe(metrics.count_request)
    deps = reconcile.Dependencies(
        cluster=cluster,
        default_service_account=cfg.default_service_account,
        allow_http=cfg.allow_http,
        helm_path=cfg.helm_path,
        # helm takes a file: with --context, a private copy whose current context is that one
        kubeconfig=kubeconfigs.for_children_until_exit(cfg.kubeconfig, cfg.context),
        tenant_role=cfg.tenant_role,
        kube_score=cfg.kube_score,
        lease_namespace=cfg.lease_namespace,
    )
    post = functools.partial(_post_events, cluster, instance=identity)
    engine = core.Engine(
        deps=deps,
        capacities=capacities,
        post_events=post,
        selector=cfg.selector,
        active=not cfg.leader_election,
    )
    return engine, cluster


def _post_events(cluster: kube.KubeCluster, body: Any, posted: Any, *, instance: str) -> None:
    """Post the events on the trial, log each once at INFO; the regression metrics see them too."""
    meta = body.get("metadata") or {}
    regressions.observe(str(meta.get("namespace", "")), str(meta.get("name", "")), posted)
    trial_log = logs.for_body(trials_log, body)
    for event in posted:
        trial_log.info("%s", event.message, extra={"action": event.action, "reason": event.reason})
    events.post_events(cluster, body, posted, now=datetime.datetime.now(datetime.UTC), instance=instance)


def _elect(
    cfg: config.OperatorConfig, cluster: kube.KubeCluster, engine: core.Engine, identity: str
) -> leader.LeaderElector:
    """A Lease elector in a thread of its own; the engine acts only while this replica leads."""
    loop = asyncio.get_running_loop()

    def lead() -> None:
        loop.call_soon_threadsafe(engine.set_active, True)

    elector = leader.LeaderElector(
        cluster,
        name=cfg.lease_name,
        namespace=cfg.lease_namespace,
        identity=identity,
        timing=leader.Timing(cfg.lease_seconds),
        on_started=lead,
        on_stopped=_lost_leadership,
    )
    log.info("toollab: %s waits for lease %s/%s", identity, cfg.lease_namespace, cfg.lease_name)
    elector.start()
    return elector


def _lost_leadership() -> None:
    """Another replica may act now: stop at once, passes and helm children included (as
    controller-runtime does); the Deployment starts this one again as a standby."""
    log.critical("toollab: lost the leader lease; exiting so that only the new leader acts")
    logging.shutdown()
    os._exit(1)


@kopf.on.cleanup()
async def stop(memo: kopf.Memo, **_: Any) -> None:
    """Let running passes finish (up to STOP_SECONDS), then give the lease up for a standby."""
    watchdog_task: asyncio.Task[None] | None = getattr(memo, "watchdog_task", None)
    if watchdog_task is not None:
        watchdog_task.cancel()
    engine: core.Engine | None = getattr(memo, "engine", None)
    if engine is not None:
        await engine.stop(timeout=STOP_SECONDS)
    elector: leader.LeaderElector | None = getattr(memo, "elector", None)
    if elector is not None:
        await asyncio.to_thread(elector.close)
    cluster = getattr(memo, "cluster", None)
    if cluster is not None:
        cluster.close()


@kopf.on.probe(id="engine")
def engine_state(memo: kopf.Memo, **_: Any) -> dict[str, Any]:
    """Trials known, passes running, trials waiting, whether this replica acts (liveness diagnostics);
    fails (the liveness endpoint answers 500) once a watch has stopped."""
    watchdog: guard.Watchdog | None = getattr(memo, "watchdog", None)
    if watchdog is not None:
        watchdog.check()
    engine: core.Engine | None = getattr(memo, "engine", None)
    if engine is None:
        return {}
    snapshot = engine.snapshot()
    return {
        "trials": sum(snapshot.phases.values()),
        "inFlight": snapshot.in_flight,
        "queued": dict(snapshot.queued),
        "leader": snapshot.leader,
    }
