"""The engine's scheduling, with the reconcile pass replaced by a recorder: bounded lanes, fair order,
one pass per trial, phase Queued for those that wait, standby replicas that only watch.

Logic only (the passes never reach a cluster); the operator end to end is in tests/e2e.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from toollab.engine import bodies, core, lanes
from toollab.runner import reconcile
from toollab.runner.deps import Dependencies
from toollab.runner.outlook import Lane


def waiting_for_install(name: str, namespace: str, uid: str, version: int = 1) -> dict[str, Any]:
    """A trial whose namespace is ready: its next pass is an install."""
    return {
        "apiVersion": "toollab.dev/v1alpha1",
        "kind": "ToolTrial",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "uid": uid,
            "generation": 1,
            "resourceVersion": str(version),
            "finalizers": ["toollab.dev/finalizer"],
        },
        "spec": {
            "tool": {
                "name": "x",
                "manifests": {
                    "inline": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}]
                },
            },
            "steps": [
                {
                    "name": "s",
                    "assert": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}],
                }
            ],
        },
        "status": {
            "steps": [{"name": "s"}],
            "run": {
                "generation": 1,
                "startedAt": "2026-01-01T00:00:00Z",
                "deadline": "2999-01-01T00:00:00Z",
                "targetNamespace": "t",
                "stage": "NamespaceReady",
            },
        },
    }


class Passes:
    """Stands in for reconcile.reconcile_once / show_queued: records, and blocks until released."""

    def __init__(self) -> None:
        self.started: list[tuple[str, Lane | None]] = []
        self.shown: list[tuple[str, str]] = []
        self.running = 0
        self.most = 0
        self.gate = threading.Semaphore(0)
        self.lock = threading.Lock()

    def reconcile_once(self, *, name: str, lane: Lane | None, **_: Any) -> reconcile.PassResult:
        with self.lock:
            self.started.append((name, lane))
            self.running += 1
            self.most = max(self.most, self.running)
        self.gate.acquire()
        with self.lock:
            self.running -= 1
        return reconcile.PassResult(delay=None)

    def show_queued(self, *, body: dict[str, Any], message: str, **_: Any) -> reconcile.PassResult:
        self.shown.append((body["metadata"]["name"], message))
        return reconcile.PassResult(delay=None)


@pytest.fixture
def passes(monkeypatch: pytest.MonkeyPatch) -> Iterator[Passes]:
    fake = Passes()
    monkeypatch.setattr(reconcile, "reconcile_once", fake.reconcile_once)
    monkeypatch.setattr(reconcile, "show_queued", fake.show_queued)
    monkeypatch.setattr(lanes, "SHOW_AFTER", 0.05)
    monkeypatch.setattr(lanes, "REFRESH_TICK", 0.05)
    yield fake
    for _ in range(20):
        fake.gate.release()


async def until(check: Any, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("not reached")


def engine(active: bool = True) -> core.Engine:
    deps = Dependencies(cluster=None)  # type: ignore[arg-type]  # the passes are replaced
    capacities = {Lane.INSTALL: 1, Lane.STEP: 1, Lane.GENERAL: 1}
    return core.Engine(deps=deps, capacities=capacities, post_events=lambda body, events: None, active=active)


def test_installs_are_bounded_served_fairly_and_waiting_ones_show_queued(passes: Passes) -> None:
    async def scenario() -> None:
        eng = engine()
        eng.start()
        for name, namespace in (("a1", "a"), ("a2", "a"), ("a3", "a"), ("b1", "b")):
            eng.observe("ADDED", waiting_for_install(name, namespace, uid=name))
        await until(lambda: len(passes.started) == 1)
        await until(lambda: {n for n, _ in passes.shown} == {"a2", "a3", "b1"})
        assert ("b1", "waiting for an install slot: position 1 of 3") in passes.shown
        assert ("a3", "waiting for an install slot: position 3 of 3") in passes.shown
        assert eng.snapshot().queued["install"] == 3
        for count in (2, 3, 4):
            passes.gate.release()
            await until(lambda count=count: len(passes.started) == count)
        assert [n for n, _ in passes.started] == ["a1", "b1", "a2", "a3"]  # b1 did not wait behind a's
        assert passes.most == 1 and {lane for _, lane in passes.started} == {Lane.INSTALL}
        passes.gate.release()
        await eng.stop(timeout=5)

    asyncio.run(scenario())


def test_one_pass_per_trial_and_a_change_meanwhile_is_planned_afterwards(passes: Passes) -> None:
    async def scenario() -> None:
        eng = engine()
        eng.start()
        eng.observe("ADDED", waiting_for_install("t", "a", uid="u"))
        await until(lambda: len(passes.started) == 1)
        eng.observe("MODIFIED", waiting_for_install("t", "a", uid="u", version=2))
        eng.observe("MODIFIED", waiting_for_install("t", "a", uid="u", version=1))  # older: ignored
        await asyncio.sleep(0.2)
        assert len(passes.started) == 1  # not twice at once
        passes.gate.release()
        await until(lambda: len(passes.started) == 2)  # the change, planned once the pass ended
        passes.gate.release()
        await eng.stop(timeout=5)

    asyncio.run(scenario())


def test_a_standby_only_watches_until_it_leads(passes: Passes) -> None:
    async def scenario() -> None:
        eng = engine(active=False)
        eng.start()
        eng.observe(None, waiting_for_install("t", "a", uid="u"))
        await asyncio.sleep(0.2)
        assert passes.started == [] and eng.snapshot().phases == {("a", "New"): 1}
        eng.set_active(True)
        await until(lambda: len(passes.started) == 1)
        passes.gate.release()
        await eng.stop(timeout=5)

    asyncio.run(scenario())


def test_a_trial_outside_the_selector_or_deleted_is_forgotten(passes: Passes) -> None:
    async def scenario() -> None:
        eng = engine(active=False)
        eng.selector = core.selectors.parse_selector("!toollab.dev/shard")
        eng.start()
        sharded = waiting_for_install("s", "a", uid="s")
        sharded["metadata"]["labels"] = {"toollab.dev/shard": "x"}
        eng.observe(None, sharded)
        eng.observe(None, waiting_for_install("t", "a", uid="t"))
        assert set(eng.bodies) == {"t"}
        eng.observe("DELETED", waiting_for_install("t", "a", uid="t"))
        assert eng.bodies == {}
        await eng.stop(timeout=5)

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("candidate", "known", "newer"),
    [("10", "9", True), ("9", "10", False), ("10", "10", False), ("abc", "10", True), ("10", "10x", True)],
)
def test_resource_versions_compare_as_numbers(candidate: str, known: str, newer: bool) -> None:
    assert (
        bodies.is_newer(
            {"metadata": {"resourceVersion": candidate}}, {"metadata": {"resourceVersion": known}}
        )
        is newer
    )
