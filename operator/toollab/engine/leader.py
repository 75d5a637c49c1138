"""Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it.

One replica holds the Lease and renews it; the others poll it and take it over once it has not
changed for a whole lease duration (measured on their own monotonic clock, so skewed wall
clocks do not matter). Every write carries the Lease's resourceVersion, so two replicas can
never both win. Runs in a thread of its own: a busy event loop or saturated pools never delay a
renewal. A leader that cannot renew within the renew deadline stops leading (`on_stopped`).
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from toollab import errors

log = logging.getLogger(__name__)
API_VERSION, KIND = "coordination.k8s.io/v1", "Lease"


class LeaseStore(Protocol):
    """The part of a cluster connection the elector uses."""

    def get(
        self, api_version: str, kind: str, *, name: str, namespace: str | None
    ) -> dict[str, Any] | None: ...
    def create(self, obj: Mapping[str, Any], *, namespace: str | None) -> dict[str, Any]: ...
    def replace(self, obj: Mapping[str, Any], *, namespace: str | None) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Timing:
    """How long a lease lasts, how often the leader renews, how often a standby looks."""

    lease_seconds: float = 15.0

    @property
    def renew_every(self) -> float:
        return self.lease_seconds / 3

    @property
    def renew_deadline(self) -> float:
        return self.lease_seconds * 2 / 3

    @property
    def retry_every(self) -> float:
        return max(0.5, self.lease_seconds / 5)


def micro_time(moment: datetime.datetime) -> str:
    """A metav1.MicroTime."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def is_held_by_other(spec: Mapping[str, Any], *, me: str, unchanged_for: float) -> bool:
    """Whether another holder's lease still counts: it has a holder, not us, and it changed less
    than its own duration ago (as we observed it)."""
    holder = spec.get("holderIdentity") or ""
    duration = float(spec.get("leaseDurationSeconds") or 0)
    return bool(holder) and holder != me and unchanged_for < duration


class LeaderElector:
    """Acquire, renew and release one Lease; call back on gaining and losing it."""

    def __init__(
        self,
        store: LeaseStore,
        *,
        name: str,
        namespace: str,
        identity: str,
        timing: Timing,
        on_started: Callable[[], None],
        on_stopped: Callable[[], None],
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime.datetime] = lambda: datetime.datetime.now(datetime.UTC),
    ) -> None:
        self.store, self.name, self.namespace, self.identity, self.timing = (
            store,
            name,
            namespace,
            identity,
            timing,
        )
        self.on_started, self.on_stopped, self.clock, self.wall = on_started, on_stopped, clock, wall
        self.lease: dict[str, Any] | None = None  # as last read or written
        self.observed: tuple[Any, ...] = ()
        self.observed_at = clock()
        self.leading = False
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, name="toollab-leader", daemon=True)

    def start(self) -> None:
        """Run in a thread of its own."""
        self.thread.start()

    def close(self, timeout: float = 10.0) -> None:
        """Stop electing and give the lease up if held (blocks up to `timeout` seconds)."""
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join(timeout)

    def run(self) -> None:
        """Until `stop` is set (then the lease is released if held) or leadership is lost."""
        last_renewal = self.clock()
        while not self.stop.is_set():
            if not self.leading:
                if self.try_acquire_or_renew():
                    self.leading, last_renewal = True, self.clock()
                    log.info(
                        "leader election: %s acquired lease %s/%s", self.identity, self.namespace, self.name
                    )
                    self.on_started()
                    continue
                self.stop.wait(self.timing.retry_every)
                continue
            self.stop.wait(self.timing.renew_every)
            while not self.stop.is_set() and not self.try_acquire_or_renew():
                if self.clock() - last_renewal > self.timing.renew_deadline:
                    self.leading = False
                    log.error(
                        "leader election: lease %s/%s lost (not renewed in time)", self.namespace, self.name
                    )
                    self.on_stopped()
                    return
                self.stop.wait(min(1.0, self.timing.retry_every))
            last_renewal = self.clock()
        if self.leading:
            self.release()

    def try_acquire_or_renew(self) -> bool:
        """One attempt; False on any failure (another holder, a conflict, an unreachable server)."""
        try:
            return self._attempt()
        except errors.ClusterError as exc:
            if not isinstance(exc, errors.Conflict):
                log.info("leader election: lease %s/%s: %s", self.namespace, self.name, exc)
            self.lease = None  # read it afresh next time
            return False

    def _attempt(self) -> bool:
        lease = self.lease if self.leading and self.lease else None  # a leader writes without reading
        if lease is None:
            lease = self.store.get(API_VERSION, KIND, name=self.name, namespace=self.namespace)
        now = self.wall()
        if lease is None:
            self._remember(self.store.create(self._build({}, now, acquired=True), namespace=self.namespace))
            return True
        spec = lease.get("spec") or {}
        self._observe(spec)
        if is_held_by_other(spec, me=self.identity, unchanged_for=self.clock() - self.observed_at):
            return False
        ours = spec.get("holderIdentity") == self.identity
        body = {**self._build(spec, now, acquired=not ours), "metadata": dict(lease["metadata"])}
        self._remember(self.store.replace(body, namespace=self.namespace))
        return True

    def release(self) -> None:
        """Give the lease up at once (a standby takes over without waiting for it to expire)."""
        lease = self.lease
        if lease is None:
            return
        spec = {**(lease.get("spec") or {}), "holderIdentity": None, "leaseDurationSeconds": 1}
        try:
            self.store.replace(
                {**lease, "spec": {**spec, "renewTime": micro_time(self.wall())}}, namespace=self.namespace
            )
            log.info("leader election: released lease %s/%s", self.namespace, self.name)
        except errors.ClusterError as exc:
            log.info("leader election: could not release lease %s/%s: %s", self.namespace, self.name, exc)

    def _build(self, spec: Mapping[str, Any], now: datetime.datetime, *, acquired: bool) -> dict[str, Any]:
        transitions = int(spec.get("leaseTransitions") or 0) + (1 if acquired and spec else 0)
        return {
            "apiVersion": API_VERSION,
            "kind": KIND,
            "metadata": {"name": self.name, "namespace": self.namespace},
            "spec": {
                "holderIdentity": self.identity,
                "leaseDurationSeconds": max(1, round(self.timing.lease_seconds)),
                "acquireTime": micro_time(now) if acquired else spec.get("acquireTime"),
                "renewTime": micro_time(now),
                "leaseTransitions": transitions,
            },
        }

    def _observe(self, spec: Mapping[str, Any]) -> None:
        record = (spec.get("holderIdentity"), spec.get("renewTime"), spec.get("leaseDurationSeconds"))
        if record != self.observed:
            self.observed, self.observed_at = record, self.clock()

    def _remember(self, lease: dict[str, Any]) -> None:
        self.lease = lease
        self._observe(lease.get("spec") or {})


__all__ = ["LeaderElector", "LeaseStore", "Timing", "is_held_by_other", "micro_time"]
