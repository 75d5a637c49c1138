"""Leader election on a Lease: one holder at a time, takeover only after expiry, release on the way out."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Mapping
from typing import Any

from toollab import errors
from toollab.engine import leader

T0 = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)


class LeaseServer:
    """One Lease with resourceVersion checks, as the API server keeps it."""

    def __init__(self) -> None:
        self.lease: dict[str, Any] | None = None
        self.version = 0
        self.down = False

    def get(self, api_version: str, kind: str, *, name: str, namespace: str | None) -> dict[str, Any] | None:
        self._up()
        return copy.deepcopy(self.lease)

    def create(self, obj: Mapping[str, Any], *, namespace: str | None) -> dict[str, Any]:
        self._up()
        if self.lease is not None:
            raise errors.Conflict("exists")
        return self._store(obj)

    def replace(self, obj: Mapping[str, Any], *, namespace: str | None) -> dict[str, Any]:
        self._up()
        assert self.lease is not None
        if obj["metadata"].get("resourceVersion") != self.lease["metadata"]["resourceVersion"]:
            raise errors.Conflict("the object has been modified")
        return self._store(obj)

    def _store(self, obj: Mapping[str, Any]) -> dict[str, Any]:
        self.version += 1
        self.lease = copy.deepcopy(dict(obj))
        self.lease["metadata"]["resourceVersion"] = str(self.version)
        return copy.deepcopy(self.lease)

    def _up(self) -> None:
        if self.down:
            raise errors.Unavailable("connection refused")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def elector(server: LeaseServer, clock: Clock, identity: str) -> leader.LeaderElector:
    return leader.LeaderElector(
        server,
        name="toollab-operator",
        namespace="ops",
        identity=identity,
        timing=leader.Timing(15.0),
        on_started=lambda: None,
        on_stopped=lambda: None,
        clock=clock,
        wall=lambda: T0 + datetime.timedelta(seconds=clock.now),
    )


def test_the_first_replica_creates_the_lease_and_the_second_waits() -> None:
    server, clock = LeaseServer(), Clock()
    a, b = elector(server, clock, "a"), elector(server, clock, "b")
    assert a.try_acquire_or_renew() is True
    assert b.try_acquire_or_renew() is False
    assert server.lease is not None and server.lease["spec"]["holderIdentity"] == "a"
    assert server.lease["spec"]["leaseDurationSeconds"] == 15


def test_a_renewed_lease_is_never_taken_over() -> None:
    server, clock = LeaseServer(), Clock()
    a, b = elector(server, clock, "a"), elector(server, clock, "b")
    a.try_acquire_or_renew()
    a.leading = True
    for _ in range(10):  # 50 s, renewed every 5 s
        clock.now += 5.0
        assert a.try_acquire_or_renew() is True
        assert b.try_acquire_or_renew() is False


def test_a_lease_unrenewed_for_its_duration_is_taken_over_once() -> None:
    server, clock = LeaseServer(), Clock()
    a, b, c = (elector(server, clock, name) for name in "abc")
    a.try_acquire_or_renew()
    assert b.try_acquire_or_renew() is False and c.try_acquire_or_renew() is False  # they start watching
    clock.now += 14.0
    assert b.try_acquire_or_renew() is False
    clock.now += 2.0
    assert b.try_acquire_or_renew() is True
    assert c.try_acquire_or_renew() is False  # b's takeover is a change: c waits again
    assert server.lease is not None and server.lease["spec"]["holderIdentity"] == "b"
    assert server.lease["spec"]["leaseTransitions"] == 1


def test_two_replicas_racing_on_a_stale_copy_cannot_both_win() -> None:
    server, clock = LeaseServer(), Clock()
    a, b = elector(server, clock, "a"), elector(server, clock, "b")
    a.try_acquire_or_renew()
    a.leading = True
    stale = copy.deepcopy(server.lease)
    a.try_acquire_or_renew()  # a renews: the resourceVersion moves on
    assert stale is not None
    stale["spec"]["holderIdentity"] = "b"
    try:
        server.replace(stale, namespace="ops")
        raise AssertionError("a stale write must conflict")
    except errors.Conflict:
        pass
    assert b.try_acquire_or_renew() is False


def test_a_leader_that_cannot_reach_the_server_reports_failure_and_rereads_later() -> None:
    server, clock = LeaseServer(), Clock()
    a = elector(server, clock, "a")
    a.try_acquire_or_renew()
    a.leading = True
    server.down = True
    assert a.try_acquire_or_renew() is False
    server.down = False
    assert a.try_acquire_or_renew() is True


def test_release_lets_a_standby_take_over_at_once() -> None:
    server, clock = LeaseServer(), Clock()
    a, b = elector(server, clock, "a"), elector(server, clock, "b")
    a.try_acquire_or_renew()
    assert b.try_acquire_or_renew() is False
    a.release()
    assert b.try_acquire_or_renew() is True


def test_the_run_loop_stops_leading_when_renewals_fail_past_the_deadline() -> None:
    server, clock = LeaseServer(), Clock()
    events: list[str] = []

    class Stop:
        def is_set(self) -> bool:
            return False

        def wait(self, seconds: float) -> bool:
            clock.now += seconds
            server.down = clock.now > 110.0  # the server goes away after the first renewals
            return False

    a = leader.LeaderElector(
        server,
        name="l",
        namespace="ops",
        identity="a",
        timing=leader.Timing(15.0),
        on_started=lambda: events.append("started"),
        on_stopped=lambda: events.append("stopped"),
        clock=clock,
        wall=lambda: T0,
    )
    a.stop = Stop()  # type: ignore[assignment]
    a.run()
    assert events == ["started", "stopped"]
    assert clock.now - 110.0 <= 15.0  # it gave up before the lease could expire for the others
