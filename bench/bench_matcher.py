"""Throughput of the matchers (kuttl, chainsaw): an unnamed assert over a 1,000-Pod namespace, offline.

Prints figures and asserts nothing (`make bench`). Run from a checkout: python bench/bench_matcher.py
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

try:
    import toollab  # noqa: F401  # installed (make dev)
except ImportError:  # a plain checkout: the source root is operator/
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "operator"))

from toollab.assertions import dialect, selection, verdict
from toollab.cluster import objects
from toollab.reports import text
from toollab.suites.core import checking

PODS = 1000
NAMESPACE = "bench"


def pod(index: int) -> dict[str, Any]:
    """A Pod as a server returns it, Running, labelled app=web or app=db."""
    app = "web" if index % 10 else "db"
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"{app}-{index:04}",
            "namespace": NAMESPACE,
            "labels": {"app": app, "pod-template-hash": "7f9c"},
            "uid": f"00000000-0000-0000-0000-{index:012}",
            "resourceVersion": str(1000 + index),
        },
        "spec": {
            "nodeName": f"kwok-node-{index % 3}",
            "containers": [{"name": app, "image": "nginx:1.27", "ports": [{"containerPort": 80}]}],
        },
        "status": {
            "phase": "Running" if index != PODS - 1 else "Pending",
            "conditions": [{"type": "Ready", "status": "True"}, {"type": "PodScheduled", "status": "True"}],
            "podIP": f"10.0.{index // 256}.{index % 256}",
        },
    }


def expected(*, labels: dict[str, str] | None, phase: str) -> dict[str, Any]:
    metadata: dict[str, Any] = {"labels": labels} if labels else {}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": metadata,
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
        "status": {"phase": phase, "conditions": [{"type": "Ready", "status": "True"}, {}]},
    }


def measure(name: str, candidates: int | None, run: Callable[[], Any], *, seconds: float = 1.5) -> None:
    """Repeat `run` for about `seconds`; print the time per round and candidate objects per second."""
    run()  # warm up
    rounds, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        run()
        rounds += 1
    per_round = elapsed / rounds
    rate = f"{candidates / per_round:10,.0f} objects/s" if candidates else ""
    print(f"{name:<72} {per_round * 1000:8.2f} ms/round {rate}")


def main() -> None:
    cluster = objects.ObjectsCluster([pod(i) for i in range(PODS)], default_namespace=NAMESPACE)
    print(f"kuttl matcher, offline, {PODS} Pods in one namespace (Python {sys.version.split()[0]})")
    cases = [
        ("unnamed, no labels, no candidate matches (worst case)", None, "Succeeded", PODS),
        ("unnamed, no labels, every candidate matches", None, "Running", PODS),
        ("unnamed, labels app=web (900 candidates), none matches", {"app": "web"}, "Succeeded", 900),
        ("unnamed, labels app=db (100 candidates), none matches", {"app": "db"}, "Succeeded", 100),
    ]
    for name, labels, phase, count in cases:
        doc = expected(labels=labels, phase=phase)
        measure(f"check_round: {name}", count, lambda d=doc: check(cluster, d))
    doc = expected(labels=None, phase="Succeeded")
    lookup = selection.lookup_for(doc, test_namespace=NAMESPACE, namespaced=True)
    actuals = cluster.list("v1", "Pod", namespace=NAMESPACE)
    measure(
        "judge_assert only (no listing), no labels, none matches",
        PODS,
        lambda: verdict.judge_assert(doc, actuals, lookup=lookup),
    )
    outcome = check(cluster, doc)
    measure("format_outcome of that failure", None, lambda: text.format_outcome(outcome))
    print(f"chainsaw dialect, offline, the same {PODS} Pods (JMESPath keys, ~ iteration over containers)")
    for name, phase in (
        ("no candidate matches (worst case)", "Succeeded"),
        ("every candidate matches", "Running"),
    ):
        tree = chainsaw_tree(phase)
        measure(
            f"check_round: unnamed, no labels, {name}", PODS, lambda t=tree: check(cluster, t, chainsaw=True)
        )


def chainsaw_tree(phase: str) -> dict[str, Any]:
    """Checks only the chainsaw dialect can express, over every container of a Pod."""
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "spec": {"~.containers": {"image": "(starts_with(@, 'nginx:') && @ || 'other')"}},
        "status": {f"(phase == '{phase}')": True, "(length(conditions[?status == 'True']))": 2},
    }


def check(
    cluster: objects.ObjectsCluster, doc: dict[str, Any], *, chainsaw: bool = False
) -> verdict.StepOutcome:
    if chainsaw:
        return checking.check_round(
            cluster, asserts=[doc], errors=[], namespace=NAMESPACE, dialect=dialect.Dialect.CHAINSAW
        )
    return checking.check_round(cluster, asserts=[doc], errors=[], namespace=NAMESPACE)


if __name__ == "__main__":
    main()
