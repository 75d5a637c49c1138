"""kubectl-kuttl against `toollab test` on the same suites and cluster: wall times, ratio, verdicts.

Prints figures and asserts nothing (`make bench`). Needs kubectl-kuttl from `make tools-bench`;
without it, says so and exits 0. Uses $KUBECONFIG, else the local cluster's `.run/kubeconfig`.
Run from a checkout: python bench/bench_kuttl.py [SUITE_DIR...] (default: tests/data/suites/*)
"""

from __future__ import annotations

import os
import re
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


GO_TEST_LINE = re.compile(r"^\s*--- (PASS|FAIL): kuttl/harness/(\S+)", re.MULTILINE)


def run(argv: list[str], *, cwd: Path) -> tuple[float, str]:
    """Run a test tool to its end: (wall time in seconds, its output); its exit status does not matter."""
    started = time.monotonic()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    return time.monotonic() - started, done.stdout + done.stderr


def kuttl_verdicts(output: str) -> dict[str, str]:
    """case -> passed/failed, from kubectl-kuttl's `--- PASS/FAIL: kuttl/harness/NAME` lines.

    Its console, not its JUnit report: the report leaves out a case that failed to load.
    """
    return {name: "passed" if word == "PASS" else "failed" for word, name in GO_TEST_LINE.findall(output)}


def toollab_verdicts(report: Path) -> dict[str, str]:
    """case -> passed/failed, from toollab's JUnit report with one testcase per test case."""
    if not report.is_file():
        return {}
    found = {}
    for suite in ET.parse(report).getroot().iter("testsuite"):
        for case in suite.findall("testcase"):
            found[str(case.get("name"))] = "failed" if case.find("failure") is not None else "passed"
    return found


def compare(suite: Path, kuttl: Path) -> tuple[float, float, dict[str, str], dict[str, str]]:
    """Both tools on one suite: (kuttl seconds, toollab seconds, kuttl verdicts, toollab verdicts)."""
    with tempfile.TemporaryDirectory() as out:
        k_time, k_output = run([str(kuttl), "test"], cwd=suite)
        report = ["--report", "xml", "--report-granularity", "test", "--artifacts-dir", out]
        t_time, _ = run([str(REPO / ".venv" / "bin" / "toollab"), "test", ".", *report], cwd=suite)
        return k_time, t_time, kuttl_verdicts(k_output), toollab_verdicts(Path(out) / "kuttl-report.xml")


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
            print(f"  {name:48} kuttl {k:7} toollab {t:7}{'' if k == t else '  <- differs'}")
    print(
        f"kuttl comparison: kubectl-kuttl v{pins.KUTTL} {total_k:.1f}s, toollab {total_t:.1f}s,"
        f" ratio toollab/kuttl {total_t / max(total_k, 0.001):.2f}; verdicts: {same} same, {differ} differ"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
