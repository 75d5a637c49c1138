"""A test case's cleanup: request the deletions at once, wait for them later (bounded by the timeout).

Split in two so that a finished case frees its slot while its namespace goes. A namespace still
there at the timeout fails the case (kuttl); a created object still there is only reported.
A namespace is emptied and finalized by toollab itself where the cluster allows it (see
`cluster.namespaces`), else left to the namespace controller as kuttl does.
Talks to the cluster only through the `Cluster` protocol; sleeps only through the injected `sleep`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from toollab import errors
from toollab.cluster import port
from toollab.suites.core import deleting
from toollab.suites.kuttl import suite_setup

POLL = 0.1  # seconds between checks while waiting for deletions (kuttl polls every 100 ms)

Target = tuple[port.Cluster, port.ObjectRef]


@dataclass(frozen=True)
class Pending:
    """Deletions requested and not yet waited for; `problems` are the requests that failed."""

    objects: tuple[Target, ...] = ()
    namespaces: tuple[Target, ...] = ()
    problems: tuple[str, ...] = ()


def start(created: Sequence[Target], namespaces: Sequence[tuple[port.Cluster, str]]) -> Pending:
    """Delete the created objects (newest first), then the namespaces we made; do not wait."""
    ns_targets = [(cluster, suite_setup.namespace_ref(name)) for cluster, name in namespaces]
    problems: list[str] = []

    def request(targets: Sequence[Target]) -> tuple[Target, ...]:
        requested = []
        for cluster, ref in targets:
            try:
                cluster.delete(ref.api_version, ref.kind, name=ref.name, namespace=ref.namespace)
                requested.append((cluster, ref))
            except errors.ClusterError as exc:
                problems.append(f"could not delete {ref}: {exc}")
        return tuple(requested)

    objects = request(list(reversed(created)))
    return Pending(objects, request(ns_targets), tuple(problems))


def wait(
    pending: Pending,
    *,
    timeout: float,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    mode: str = "auto",
    refused: Callable[[str], None] = lambda reason: None,
) -> tuple[tuple[str, ...], str]:
    """Wait until everything requested is gone or `timeout` passes: (leftover notes, failure or "").

    `mode`: "controller" leaves namespaces to the namespace controller (kuttl); "auto" empties
    and finalizes them where the control plane runs one API server; "fast" does so everywhere.
    `refused` hears why toollab left a namespace to the namespace controller.
    """
    deadline = clock() + timeout
    holding: dict[Target, tuple[str, ...]] = {}
    for cluster, ref in pending.namespaces:
        drained = deleting.drain_namespace(
            cluster, ref.name, mode=mode, deadline=deadline, clock=clock, sleep=sleep, poll=POLL
        )
        holding[(cluster, ref)] = drained.remaining
        if drained.refused:
            refused(drained.refused)
    left = _wait(list(pending.objects) + list(pending.namespaces), deadline, clock=clock, sleep=sleep)
    notes = [*pending.problems]
    notes += [
        suite_setup.describe_leftover(cluster, ref, waited=timeout)
        for cluster, ref in left
        if (cluster, ref) not in pending.namespaces
    ]
    stuck = [
        suite_setup.describe_leftover(c, r, waited=timeout) + _still_in_it(holding.get((c, r), ()))
        for c, r in left
        if (c, r) in pending.namespaces
    ]
    failure = "; ".join(f"test namespace not deleted: {text}" for text in stuck)
    return tuple(notes), failure


def _still_in_it(remaining: Sequence[str]) -> str:
    """What kept a namespace toollab was emptying, e.g. ", holding ConfigMap held (finalizers: x)"."""
    if not remaining:
        return ""
    more = f" and {len(remaining) - 3} more" if len(remaining) > 3 else ""
    return f", holding {', '.join(remaining[:3])}{more}"


def _wait(
    targets: list[Target], deadline: float, *, clock: Callable[[], float], sleep: Callable[[float], None]
) -> list[Target]:
    by_cluster: dict[int, tuple[port.Cluster, list[port.ObjectRef]]] = {}
    for cluster, ref in targets:
        by_cluster.setdefault(id(cluster), (cluster, []))[1].append(ref)
    left: list[Target] = []
    for cluster, refs in by_cluster.values():
        remaining = max(0.0, deadline - clock())
        still = deleting.wait_gone(cluster, refs, timeout=remaining, clock=clock, sleep=sleep, poll=POLL)
        left += [(cluster, ref) for ref in still]
    return left


__all__ = ["POLL", "Pending", "start", "wait"]
