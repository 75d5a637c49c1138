"""Wall time of toollab's own KUTTL suite (tests/data/suites/basic) on the local cluster.

Prints figures and asserts nothing (`make bench`); uses $KUBECONFIG, else the local cluster's
`.run/kubeconfig`. Run from a checkout: python bench/bench_suite.py [ROUNDS]
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

try:
    import toollab  # noqa: F401  # installed (make dev)
except ImportError:  # a plain checkout: the source root is operator/
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "operator"))

from toollab.cluster import kube
from toollab.suites.kuttl import harness, loading

REPO = Path(__file__).resolve().parents[1]
SUITE = REPO / "tests" / "data" / "suites" / "basic"


def run_once(cluster: kube.KubeCluster, kubeconfig: str) -> tuple[float, int, int, bool]:
    """One run of the suite: (seconds, cases, steps, passed)."""
    suite = loading.load_suite(SUITE)
    cases = harness.load_cases(suite, variables={}, rng=random.Random())
    runtime = harness.Runtime(
        cluster=cluster, emit=lambda line: None, clock=time.monotonic, sleep=time.sleep, kubeconfig=kubeconfig
    )
    started = time.monotonic()
    result = harness.run_suite(suite, cases, runtime)
    steps = sum(len(case.steps) for case in cases)
    return time.monotonic() - started, len(cases), steps, result.passed


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    kubeconfig = os.environ.get("KUBECONFIG") or str(REPO / ".run" / "kubeconfig")
    os.environ["KUBECONFIG"] = kubeconfig  # the suite's commands run kubectl
    os.environ["PATH"] = f"{REPO / '.venv' / 'bin'}:{os.environ.get('PATH', '')}"
    cluster = kube.KubeCluster.from_kubeconfig(kubeconfig)
    times = []
    for index in range(rounds):
        seconds, cases, steps, passed = run_once(cluster, kubeconfig)
        times.append(seconds)
        verdict = "passed" if passed else "FAILED"
        print(f"kuttl suite run {index + 1}: {cases} cases, {steps} steps, {verdict} in {seconds:.2f}s")
    median = statistics.median(times)
    print(f"kuttl suite wall time (with cleanup): median {median:.2f}s, min {min(times):.2f}s, {rounds} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
