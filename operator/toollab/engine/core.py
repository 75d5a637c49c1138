"""The event-driven engine: watch events and timers feed bounded lanes of worker threads.

Runs on the operator's asyncio loop; blocking work (API calls, helm) runs only in the lanes'
thread pools. A trial that waits (a backoff, a TTL, a queue for a slot) holds a timer or a place
in a line, never a thread. At most one pass per trial runs at a time, and only while this replica
is the active one. No Kopf here: the shell feeds `observe()` and builds the engine.
"""

from __future__ import annotations

import asyncio
import copy
import datetime
import functools
import logging
import time
from collections.abc import Callable, Mapping
from concurrent import futures
from typing import Any

from toollab import errors
from toollab.engine import bodies, lanes, metrics
from toollab.model import selectors
from toollab.runner import reconcile
from toollab.runner.outlook import Lane, Outlook, outlook

log = logging.getLogger(__name__)
PostEvents = Callable[[Mapping[str, Any], tuple[reconcile.Event, ...]], None]
CRASHED_SECONDS = 30.0  # a pass that raised unexpectedly is tried again after this
NOTES_THREADS = 4


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class Engine:
    """Trials as last seen, what runs, what waits; see the module docstring."""

    def __init__(
        self,
        *,
        deps: reconcile.Dependencies,
        capacities: Mapping[Lane, int],
        post_events: PostEvents,
        selector: selectors.Selector = selectors.EVERYTHING,
        active: bool = True,
        clock: Callable[[], datetime.datetime] = _now,
    ) -> None:
        self.deps, self.selector, self.active, self.clock = deps, selector, active, clock
        self.lanes = {lane: lanes.LaneState(lane, capacity) for lane, capacity in capacities.items()}
        # events and queue positions, off the passes' path (1,000 trials at once post ~6,000 events)
        self.notes = futures.ThreadPoolExecutor(NOTES_THREADS, thread_name_prefix="toollab-notes")
        self.post_events = post_events
        self.bodies: dict[str, dict[str, Any]] = {}
        self.busy: set[str] = set()
        self.dirty: set[str] = set()
        self.timers: dict[str, asyncio.TimerHandle] = {}
        self.running: set[asyncio.Future[Any]] = set()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.refresher: asyncio.Task[None] | None = None
        metrics.ENGINE.source = self.snapshot

    # --- feeding -------------------------------------------------------------------------------

    def start(self) -> None:
        """Begin on the running loop: the periodic queue-position refresh."""
        self.loop = asyncio.get_running_loop()
        self.refresher = self.loop.create_task(self._refresh_positions())

    def observe(self, event_type: str | None, body: Mapping[str, Any]) -> None:
        """A watch event: remember the trial (if it is ours and newer) and see what it needs."""
        uid = bodies.uid_of(body)
        labels = (body.get("metadata") or {}).get("labels") or {}
        if not uid or event_type == "DELETED" or not self.selector.matches(labels):
            self.forget(uid)
            return
        known = self.bodies.get(uid)
        if known is not None and not bodies.is_newer(body, known):
            return  # our own write, already remembered from its answer
        self.bodies[uid] = copy.deepcopy(dict(body))
        self.consider(uid)

    def forget(self, uid: str) -> None:
        """The trial is gone (or no longer ours): drop it from every line and timer."""
        self.bodies.pop(uid, None)
        self._cancel_timer(uid)
        for lane in self.lanes.values():
            lane.leave(uid)

    def set_active(self, active: bool) -> None:
        """Act (the leader) or only watch (a standby); becoming active looks at every trial."""
        self.active = active
        if active:
            for uid in sorted(self.bodies, key=lambda u: bodies.created_of(self.bodies[u])):
                self.consider(uid)

    # --- deciding ------------------------------------------------------------------------------

    def consider(self, uid: str) -> None:
        """Plan the trial's next pass: nothing, a timer, or a place in its lane's line."""
        self._cancel_timer(uid)
        if not self.active:
            return
        if uid in self.busy:
            self.dirty.add(uid)
            return
        body = self.bodies.get(uid)
        view = outlook(body, now=self.clock()) if body is not None else None
        for lane in self.lanes.values():
            if view is None or view.delay > 0 or lane.name is not view.lane:
                lane.leave(uid)
        if view is None or view.lane is None or body is None:
            return
        if view.delay > 0:
            self._set_timer(uid, view.delay)
            return
        lane = self.lanes[view.lane]
        lane.join(uid, namespace=bodies.namespace_of(body), since=time.monotonic())
        self.pump(lane)

    def pump(self, lane: lanes.LaneState) -> None:
        """Start passes from the lane's line, in fair order, while it has free slots."""
        while self.active and lane.has_room:
            entry = lane.waiting.pop(lambda uid: uid not in self.busy)
            if entry is None:
                return
            lane.shown.pop(entry.key, None)
            body = self.bodies.get(entry.key)
            view = outlook(body, now=self.clock()) if body is not None else None
            if view is None or view.lane is not lane.name or view.delay > 0:
                self.consider(entry.key)  # changed while it waited: route it afresh
                continue
            metrics.QUEUE_WAIT_SECONDS.labels(str(lane.name)).observe(time.monotonic() - entry.since)
            self._start_pass(entry.key, lane, view)

    # --- running -------------------------------------------------------------------------------

    def _start_pass(self, uid: str, lane: lanes.LaneState, view: Outlook) -> None:
        body = self.bodies[uid]
        meta = body["metadata"]

        def run() -> reconcile.PassResult:
            return reconcile.reconcile_once(
                name=meta["name"],
                namespace=meta["namespace"],
                deps=self.deps,
                now=self.clock(),
                known=body,
                lane=lane.name,
            )

        lane.running += 1
        self._submit(
            uid, lane.executor, run, functools.partial(self._pass_done, uid, lane, view.action, body)
        )

    def _submit(
        self,
        uid: str,
        executor: futures.Executor,
        job: Callable[[], reconcile.PassResult],
        done: Callable[[float, asyncio.Future[reconcile.PassResult]], None],
    ) -> None:
        assert self.loop is not None, "Engine.start() first"
        self.busy.add(uid)
        started = time.monotonic()
        future = self.loop.run_in_executor(executor, job)
        self.running.add(future)

        def finished(ended: asyncio.Future[reconcile.PassResult]) -> None:
            self.running.discard(ended)
            done(started, ended)

        future.add_done_callback(finished)

    def _pass_done(
        self,
        uid: str,
        lane: lanes.LaneState,
        action: str,
        before: dict[str, Any],
        started: float,
        future: asyncio.Future[reconcile.PassResult],
    ) -> None:
        lane.running -= 1
        result = self._result_of(uid, future, before)
        metrics.record_pass(action, time.monotonic() - started, before=before, after=result.body)
        self._settle(uid, result)
        self.pump(lane)

    def _result_of(
        self, uid: str, future: asyncio.Future[reconcile.PassResult], before: Mapping[str, Any]
    ) -> reconcile.PassResult:
        self.busy.discard(uid)
        try:
            result = future.result()
        except Exception:  # a bug must not stop every other trial: log it, try again later
            log.exception(
                "trial %s: the reconcile pass failed unexpectedly", bodies.where(self.bodies.get(uid))
            )
            return reconcile.PassResult(delay=CRASHED_SECONDS)
        if result.body is not None and uid in self.bodies and bodies.is_newer(result.body, self.bodies[uid]):
            self.bodies[uid] = result.body
        if result.events and self.active:  # on the trial as the pass left it (or found it)
            self.notes.submit(self._post, result.body or before, result.events)
        return result

    def _settle(self, uid: str, result: reconcile.PassResult) -> None:
        """After a pass: at once, after a delay, or when the trial changes."""
        dirty = uid in self.dirty
        self.dirty.discard(uid)
        if dirty or (result.delay == 0 and not result.gone):
            self.consider(uid)
        elif result.delay is not None and not result.gone:
            self._set_timer(uid, result.delay)
        for lane in self.lanes.values():
            if uid in lane.waiting:  # a queue-position write ended: it may be its turn now
                self.pump(lane)

    def _post(self, body: Mapping[str, Any], events: tuple[reconcile.Event, ...]) -> None:
        try:
            self.post_events(body, events)
        except errors.ClusterError as exc:  # events are best effort, as Kopf's are
            log.info("trial %s: could not post events: %s", bodies.where(body), exc)

    # --- queue positions -----------------------------------------------------------------------

    async def _refresh_positions(self) -> None:
        """Once a second: write phase Queued, with the position, on trials that wait long enough."""
        while True:
            await asyncio.sleep(lanes.REFRESH_TICK)
            if not self.active:
                continue
            for lane in self.lanes.values():
                for uid, message in lane.due_messages(time.monotonic(), busy=self.busy):
                    self._show_queued(uid, message)

    def _show_queued(self, uid: str, message: str) -> None:
        body = self.bodies.get(uid)
        if body is None:
            return

        def write() -> reconcile.PassResult:
            return reconcile.show_queued(body=body, message=message, deps=self.deps, now=self.clock())

        def done(started: float, future: asyncio.Future[reconcile.PassResult]) -> None:
            self._settle(uid, self._result_of(uid, future, body))

        self._submit(uid, self.notes, write, done)

    # --- timers, state, stopping ----------------------------------------------------------------

    def _set_timer(self, uid: str, delay: float) -> None:
        assert self.loop is not None, "Engine.start() first"
        self._cancel_timer(uid)
        self.timers[uid] = self.loop.call_later(delay, self.consider, uid)

    def _cancel_timer(self, uid: str) -> None:
        timer = self.timers.pop(uid, None)
        if timer is not None:
            timer.cancel()

    def snapshot(self) -> metrics.Snapshot:
        """Trials by namespace and phase, queue depths, passes running, leadership (for /metrics)."""
        phases: dict[tuple[str, str], int] = {}
        for body in list(self.bodies.values()):
            key = (bodies.namespace_of(body), str((body.get("status") or {}).get("phase") or "New"))
            phases[key] = phases.get(key, 0) + 1
        queued = {str(lane.name): len(lane.waiting) for lane in self.lanes.values()}
        return metrics.Snapshot(phases=phases, queued=queued, in_flight=len(self.running), leader=self.active)

    async def stop(self, *, timeout: float) -> None:
        """Start nothing more; wait up to `timeout` seconds for the passes that run."""
        self.active = False
        for uid in list(self.timers):
            self._cancel_timer(uid)
        if self.refresher is not None:
            self.refresher.cancel()
        if self.running:
            await asyncio.wait(list(self.running), timeout=timeout)
        for executor in [*(lane.executor for lane in self.lanes.values()), self.notes]:
            executor.shutdown(wait=False, cancel_futures=True)


__all__ = ["Engine"]
