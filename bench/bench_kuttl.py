"""kubectl-kuttl against `toollab test` on the same suites and cluster: wall times, ratio, verdicts.

Prints figures and asserts nothing (`make bench`). Needs kubectl-kuttl from `make tools-bench`;
without it, says so and exits 0. Uses $KUBECONFIG, else the local cluster's `.run/kubeconfig`.
Run from a checkout: python bench/bench_kuttl.py [SUITE_DIR...] (default: tests/data/suites/*,
then KUTTL's own suites from its module source, which `make tools-bench` leaves in the Go
module cache: its e2e suites test/junit and test/vars, its harness test data and its CEL data,
run with the arguments its Makefile and integration tests give them, minus the control plane).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
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


KUTTL_SUITES = (  # (name, folder in kuttl's source, arguments after `test`, cluster set-up)
    ("kuttl test/junit", "test/junit", ("--config", "/dev/null", "--timeout", "10", "suite1", "suite2"), ""),
    (
        "kuttl test/vars",
        "test/vars",
        (
            "--config",
            "/dev/null",
            "--template-var",
            "var1=var1",
            "--template-var",
            "var2=var2,var3=var3",
            "suite1",
        ),
        "",
    ),
    (
        "kuttl harness data",
        "internal/harness",
        ("--config", "/dev/null", "--crd-dir", "test_crds", "test_data"),
        "cordon",
    ),
    ("kuttl CEL data", "internal/step/test_data", ("--config", "/dev/null", "assert_expressions"), "coredns"),
)
# Set-ups, the same for both tools: "cordon" makes every node unschedulable, because kuttl runs
# its harness data on a control plane without nodes, where pods stay Pending, and several cases
# assert that; "coredns" adds the kube-system Deployment kuttl's CEL data reads (kind has one).
# kuttl's CEL data are step files its Go tests load by name (assert.yaml, pod.yaml); numbered as
# a test case's steps, they run as cases in both tools (unnumbered, kuttl would skip them and pass)
STEP_NUMBERS = {"pod.yaml": "00-pod.yaml", "assert.yaml": "01-assert.yaml"}
COREDNS = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "coredns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}},
    "spec": {
        "replicas": 1,
        "selector": {"matchLabels": {"k8s-app": "kube-dns"}},
        "template": {
            "metadata": {"labels": {"k8s-app": "kube-dns"}},
            "spec": {"containers": [{"name": "coredns", "image": "registry.k8s.io/coredns/coredns:v1.12.0"}]},
        },
    },
}


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


def compare(
    cwd: Path, kuttl: Path, args: tuple[str, ...] = ()
) -> tuple[float, float, dict[str, str], dict[str, str]]:
    """Both tools on one suite: (kuttl seconds, toollab seconds, kuttl verdicts, toollab verdicts)."""
    with tempfile.TemporaryDirectory() as out:
        k_time, k_output = run([str(kuttl), "test", *args], cwd=cwd)
        report = ["--report", "xml", "--report-granularity", "test", "--report-name", "toollab-bench"]
        toollab = [str(REPO / ".venv" / "bin" / "toollab"), "test", *(args or (".",))]
        t_time, _ = run([*toollab, *report, "--artifacts-dir", out], cwd=cwd)
        return k_time, t_time, kuttl_verdicts(k_output), toollab_verdicts(Path(out) / "toollab-bench.xml")


def kuttl_source() -> Path | None:
    """kubectl-kuttl's module source in the Go module cache (left there by `make tools-bench`)."""
    go = shutil.which("go")
    if go is None:
        return None
    found = subprocess.run([go, "env", "GOMODCACHE"], capture_output=True, text=True, check=False)
    source = Path(found.stdout.strip()) / "github.com" / "kudobuilder" / f"kuttl@v{pins.KUTTL}"
    return source if source.is_dir() else None


@contextlib.contextmanager
def cluster_setup(kind: str) -> Iterator[None]:
    """The suite's set-up (see KUTTL_SUITES) while the block runs, undone afterwards."""
    if not kind:
        yield
        return
    from toollab.cluster import kube

    cluster = kube.KubeCluster.from_kubeconfig()
    nodes = [node["metadata"]["name"] for node in cluster.list("v1", "Node", namespace=None)]

    def cordon(value: bool) -> None:
        for name in nodes:
            patch = {"spec": {"unschedulable": value or None}}
            cluster.patch("v1", "Node", name=name, namespace=None, patch=patch)

    if kind == "cordon":
        cordon(True)
    else:
        cluster.apply(COREDNS, namespace="kube-system")
    try:
        yield
    finally:
        if kind == "cordon":
            cordon(False)
        else:
            cluster.delete("apps/v1", "Deployment", name="coredns", namespace="kube-system")
        cluster.close()


def runs(argv: list[str], scratch: Path) -> list[tuple[str, Path, tuple[str, ...], str]]:
    """(name, folder to run in, arguments) for each suite: ours (or those named), then kuttl's own."""
    if argv:
        return [(Path(arg).name, Path(arg).resolve(), (), "") for arg in argv]
    found = []
    for suite in SUITES:  # copies: kubectl-kuttl writes a kubeconfig into the folder it runs in
        shutil.copytree(suite, scratch / "ours" / suite.name)
        found.append((suite.name, scratch / "ours" / suite.name, (), ""))
    source = kuttl_source()
    if source is None:
        print("kuttl comparison: kuttl's own suites skipped, its module source is not in the Go module cache")
        return found
    shutil.copytree(source, scratch / "kuttl", symlinks=True)  # the module cache is read-only
    for root, dirs, _ in os.walk(scratch / "kuttl"):
        for name in dirs:
            os.chmod(Path(root) / name, 0o755)
    for case in (scratch / "kuttl" / "internal" / "step" / "test_data" / "assert_expressions").iterdir():
        for old, new in STEP_NUMBERS.items():
            if (case / old).is_file():
                (case / old).rename(case / new)
    return found + [
        (name, scratch / "kuttl" / folder, args, setup) for name, folder, args, setup in KUTTL_SUITES
    ]


def main() -> int:
    kuttl = pins.bin_dir() / "kubectl-kuttl"
    if not kuttl.is_file():
        print("kuttl comparison: skipped, kubectl-kuttl is not built (make tools-bench)")
        return 0
    os.environ.setdefault("KUBECONFIG", str(REPO / ".run" / "kubeconfig"))
    os.environ["PATH"] = f"{REPO / '.venv' / 'bin'}:{pins.bin_dir()}:{os.environ.get('PATH', '')}"
    total_k = total_t = 0.0
    same = differ = 0
    with tempfile.TemporaryDirectory() as scratch:
        for name, cwd, args, setup in runs(sys.argv[1:], Path(scratch)):
            with cluster_setup(setup):
                k_time, t_time, k_verdicts, t_verdicts = compare(cwd, kuttl, args)
            total_k, total_t = total_k + k_time, total_t + t_time
            print(
                f"{name}: kubectl-kuttl {k_time:.1f}s, toollab {t_time:.1f}s,"
                f" ratio toollab/kuttl {t_time / k_time:.2f}"
            )
            same, differ = _print_verdicts(k_verdicts, t_verdicts, same, differ)
            if not args:  # ours: what toollab takes when it waits for the namespace controller as kuttl
                with tempfile.TemporaryDirectory() as out:
                    controller = [
                        str(REPO / ".venv" / "bin" / "toollab"),
                        "test",
                        ".",
                        "--artifacts-dir",
                        out,
                    ]
                    c_time, _ = run([*controller, "--namespace-deletion", "controller"], cwd=cwd)
                print(
                    f"  toollab --namespace-deletion controller: {c_time:.1f}s, ratio {c_time / k_time:.2f}"
                )
    print(
        f"kuttl comparison: kubectl-kuttl v{pins.KUTTL} {total_k:.1f}s, toollab {total_t:.1f}s,"
        f" ratio toollab/kuttl {total_t / max(total_k, 0.001):.2f}; verdicts: {same} same, {differ} differ"
    )
    return 0


def _print_verdicts(
    k_verdicts: dict[str, str], t_verdicts: dict[str, str], same: int, differ: int
) -> tuple[int, int]:
    """One line per case with both verdicts; the running (same, differ) counts."""
    for name in sorted(set(k_verdicts) | set(t_verdicts)):
        k, t = k_verdicts.get(name, "-"), t_verdicts.get(name, "-")
        same, differ = (same + 1, differ) if k == t else (same, differ + 1)
        print(f"  {name:48} kuttl {k:7} toollab {t:7}{'' if k == t else '  <- differs'}")
    return same, differ


if __name__ == "__main__":
    sys.exit(main())
