"""kubectl-kuttl against `toollab test` on the same suites and cluster: wall times, ratio, verdicts.

Prints figures and asserts nothing (`make bench`). Needs kubectl-kuttl from `make tools-bench`;
without it, says so and exits 0. Uses $KUBECONFIG, else the local cluster's `.run/kubeconfig`.
Run from a checkout: python bench/bench_kuttl.py [SUITE_DIR...] (default: tests/data/suites/*)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

try:
    import toollab  # noqa: F401  # installed (make dev)
except ImportError:  # a plain checkout: the source root is operator/
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "operator"))

from toollab.localcluster import pins

REPO = Path(__file__).resolve().parents[1]
SUITES = sorted(
    p for p in (REPO / "tests" / "data" / "suites").iterdir() if (p / "kuttl-test.yaml").is_file()
)


def run(argv: list[str], *, cwd: Path) -> float:
    """Run a test tool to its end; the wall time in seconds (its exit status does not matter)."""
    started = time.monotonic()
    subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.monotonic() - started


def verdicts(report: Path) -> dict[str, str]:
    """`test dir/case` -> passed/failed, from a JUnit report with one testcase per test case."""
    if not report.is_file():
        return {}
    found = {}
    for suite in ET.parse(report).getroot().iter("testsuite"):
        for case in suite.findall("testcase"):
            key = f"{Path(suite.get('name', '')).name}/{case.get('name')}"
            found[key] = "failed" if case.find("failure") is not None else "passed"
    return found


def compare(suite: Path, kuttl: Path) -> tuple[float, float, dict[str, str], dict[str, str]]:
    """Both tools on one suite: (kuttl seconds, toollab seconds, kuttl verdicts, toollab verdicts)."""
    with tempfile.TemporaryDirectory() as out:
        k_dir, t_dir = Path(out) / "kuttl", Path(out) / "toollab"
        report = ["--report", "xml", "--report-granularity", "test"]
        k_time = run([str(kuttl), "test", *report, "--artifacts-dir", str(k_dir)], cwd=suite)
        toollab = str(REPO / ".venv" / "bin" / "toollab")
        t_time = run([toollab, "test", ".", *report, "--artifacts-dir", str(t_dir)], cwd=suite)
        return k_time, t_time, verdicts(k_dir / "kuttl-report.xml"), verdicts(t_dir / "kuttl-report.xml")


def main() -> int:
    kuttl = pins.bin_dir() / "kubectl-kuttl"
    if not kuttl.is_file():
        print("kuttl comparison: skipped, kubectl-kuttl is not built (make tools-bench)")
        return 0
    os.environ.setdefault("KUBECONFIG", str(REPO / ".run" / "kubeconfig"))
    os.environ["PATH"] = f"{REPO / '.venv' / 'bin'}:{pins.bin_dir()}:{os.environ.get('PATH', '')}"
    suites = [Path(arg).resolve() for arg in sys.argv[1:]] or SUITES
    total_k = total_t = 0.0
    same = differ = 0
    for suite in suites:
        k_time, t_time, k_verdicts, t_verdicts = compare(suite, kuttl)
        total_k, total_t = total_k + k_time, total_t + t_time
        print(
            f"{suite.name}: kubectl-kuttl {k_time:.1f}s, toollab {t_time:.1f}s,"
            f" ratio toollab/kuttl {t_time / k_time:.2f}"
        )
        for name in sorted(set(k_verdicts) | set(t_verdicts)):
            k, t = k_verdicts.get(name, "-"), t_verdicts.get(name, "-")
            same, differ = (same + 1, differ) if k == t else (same, differ + 1)
            print(f"  {name:40} kuttl {k:7} toollab {t:7}{'' if k == t else '  <- differs'}")
    print(
        f"kuttl comparison: kubectl-kuttl v{pins.KUTTL} {total_k:.1f}s, toollab {total_t:.1f}s,"
        f" ratio toollab/kuttl {total_t / max(total_k, 0.001):.2f}; verdicts: {same} same, {differ} differ"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
