"""Kopf handlers for ToolTrialSet: one loop per set, woken by a spec change or a change of a cell.

Each handler delegates to `toollab.runner.sets` and posts the events it is given. Deleting a set
deletes its cells through their owner references (the garbage collector), and each cell cleans
up under its own finalizer.
"""

from __future__ import annotations

import datetime
import threading
from typing import Any

import kopf

from toollab.model import trial as trial_model
from toollab.model import trialset
from toollab.runner import sets

RESOURCE = (trial_model.GROUP, trial_model.VERSION, trialset.PLURAL)
TRIALS = (trial_model.GROUP, trial_model.VERSION, trial_model.PLURAL)
STANDBY_SECONDS = 2.0  # how often a set's loop on a standby replica looks whether it leads now
IDLE_SECONDS = 60.0


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _wakeup(memo: kopf.Memo, key: str) -> threading.Event:
    events: dict[str, threading.Event] = memo.setdefault("set_wakeups", {})
    return events.setdefault(key, threading.Event())


@kopf.daemon(*RESOURCE, id="expand", cancellation_backoff=2.0, cancellation_timeout=10.0)
def run_trial_set(
    *, name: str, namespace: str | None, body: kopf.Body, memo: Any, stopped: kopf.DaemonStopped, **_: Any
) -> None:
    """Drive one set: a pass, then wait as long as the pass asks (a cell's change ends the wait)."""
    wakeup = _wakeup(memo, f"{namespace}/{name}")
    engine = memo.engine
    while not stopped:
        wakeup.clear()
        # a standby replica (or a stopping one), or an operator of another shard, only watches
        if not engine.active or not engine.selector.matches(body.get("metadata", {}).get("labels")):
            wait_or_wake(stopped, wakeup, STANDBY_SECONDS)
            continue
        result = sets.reconcile_set(name=name, namespace=namespace or "", deps=engine.deps, now=_now())
        engine.post(body, result.events)
        if result.gone:
            return
        wait_or_wake(stopped, wakeup, IDLE_SECONDS if result.delay is None else result.delay)


def wait_or_wake(stopped: kopf.DaemonStopped, wakeup: threading.Event, delay: float) -> None:
    """Sleep up to `delay` seconds, ending early when stopped or woken."""
    deadline = _now() + datetime.timedelta(seconds=delay)
    while not stopped and not wakeup.is_set():
        left = (deadline - _now()).total_seconds()
        if left <= 0:
            return
        wakeup.wait(min(left, 0.2))


@kopf.on.update(*RESOURCE, id="wake", field="spec")
def wake_trial_set(*, name: str, namespace: str | None, memo: Any, **_: Any) -> None:
    """A spec change is acted on at once."""
    _wakeup(memo, f"{namespace}/{name}").set()


@kopf.on.event(*TRIALS, id="cell-changed", labels={trialset.LABEL_SET: kopf.PRESENT})
def cell_changed(*, namespace: str | None, labels: kopf.Labels, memo: Any, **_: Any) -> None:
    """A cell's status moved: its set sums it at once."""
    _wakeup(memo, f"{namespace}/{labels[trialset.LABEL_SET]}").set()
