"""Kopf handlers for ToolTrial: one loop per trial with work (a daemon), a wake-up on spec change, cleanup.

Each handler parses, delegates to `toollab.runner`, posts the events it is given and returns.
All trial state lives in `.status`, written by the runner's reconcile pass.
"""

from __future__ import annotations

import datetime
import threading
from typing import Any

import kopf

from toollab.handlers import metrics, outcomes
from toollab.model import trial as trial_model
from toollab.runner import reconcile

RESOURCE = (trial_model.GROUP, trial_model.VERSION, trial_model.PLURAL)
IDLE_SECONDS = 60.0  # a finished trial re-checks now and then (TTL, lost events)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _wakeup(memo: kopf.Memo, uid: str) -> threading.Event:
    """The event that ends a trial loop's wait early (spec changed)."""
    events: dict[str, threading.Event] = memo.setdefault("wakeups", {})
    return events.setdefault(uid, threading.Event())


def _has_work(body: kopf.Body, **_: Any) -> bool:
    """Kopf runs a trial's loop only while this holds, and starts it again when it holds again."""
    return reconcile.has_work(body, now=_now())


@kopf.daemon(*RESOURCE, id="run", when=_has_work, cancellation_backoff=2.0, cancellation_timeout=10.0)
def run_trial(
    *,
    name: str,
    namespace: str | None,
    uid: str,
    body: kopf.Body,
    memo: Any,
    stopped: kopf.DaemonStopped,
    **_: Any,
) -> None:
    """Drive one trial: a reconcile pass, then wait as long as the pass asks; until stopped."""
    wakeup = _wakeup(memo, uid)
    deps = outcomes.dependencies(memo)
    known = None  # the trial as the last status write returned it: saves a read per pass
    while not stopped:
        wakeup.clear()
        result = reconcile.reconcile_once(
            name=name, namespace=namespace or "", deps=deps, now=_now(), known=known
        )
        outcomes.post_events(body, result.events)
        memo.last_tick = _now()
        if result.gone:
            return
        known = None if wakeup.is_set() else result.body  # a spec change since: read afresh
        delay = IDLE_SECONDS if result.delay is None else result.delay
        wait_or_wake(stopped, wakeup, delay)


def wait_or_wake(stopped: kopf.DaemonStopped, wakeup: threading.Event, delay: float) -> None:
    """Sleep up to `delay` seconds, ending early when stopped or woken."""
    deadline = _now() + datetime.timedelta(seconds=delay)
    while not stopped and not wakeup.is_set():
        left = (deadline - _now()).total_seconds()
        if left <= 0:
            return
        wakeup.wait(min(left, 0.2))


@kopf.on.update(*RESOURCE, id="wake", field="spec")
def wake_trial(*, uid: str, memo: Any, **_: Any) -> None:
    """A spec change starts a new run at once instead of after the loop's wait."""
    _wakeup(memo, uid).set()


@kopf.on.delete(*RESOURCE, id="cleanup")
def clean_up_trial(*, uid: str, body: kopf.Body, memo: Any, **_: Any) -> None:
    """Remove exactly what the trial installed, under Kopf's finalizer; retry until done."""
    memo.setdefault("wakeups", {}).pop(uid, None)
    metrics.forget(
        str(body.get("metadata", {}).get("namespace", "")), str(body.get("metadata", {}).get("name", ""))
    )
    deps = outcomes.dependencies(memo)
    result = reconcile.clean_up(body=dict(body), deps=deps, now=_now())
    outcomes.post_events(body, result.events)
    outcomes.raise_unless_done(result)
