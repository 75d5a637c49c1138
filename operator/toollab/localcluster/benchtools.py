"""`make tools-bench`: build the upstream tools `make bench` compares toollab with (kubectl-kuttl).

Optional and separate from `make tools`: nothing but the benchmarks needs them. Standard library
only, like the rest of the tool builds.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from toollab.localcluster import build, pins

KUTTL_MODULE = "github.com/kudobuilder/kuttl"


def build_kuttl(log: Path) -> None:
    """kubectl-kuttl at its pin, version-stamped: `go install`, else a build from the module cache.

    When `go install` cannot list kuttl's versions (the proxy refuses the list), a throwaway module
    that requires kuttl at its pin builds it: exact versions only, from the proxy, else (offline)
    from whatever the Go module cache already holds.
    """
    stamp = f"-ldflags=-s -w -X {KUTTL_MODULE}/internal/version.gitVersion=v{pins.KUTTL}"
    target = f"{KUTTL_MODULE}/cmd/kubectl-kuttl"
    gobin = {"GOBIN": str(pins.bin_dir())}
    try:
        build.run_go(
            ["install", "-trimpath", stamp, f"{target}@v{pins.KUTTL}"],
            cwd=pins.tools_root(),
            log=log,
            extra_env=gobin,
        )
        return
    except build.BuildError:
        pass
    work = pins.tools_root() / "kuttl-build"
    work.mkdir(parents=True, exist_ok=True)
    (work / "go.mod").write_text(
        f"module toollab.local/kuttlbuild\n\ngo {pins.GO_DIRECTIVE}\n\nrequire {KUTTL_MODULE} v{pins.KUTTL}\n"
    )
    (work / "tools.go").write_text(build.tools_go([target]))
    env = {**gobin, "GOFLAGS": "-mod=mod"}
    try:
        build.run_go(["mod", "tidy"], cwd=work, log=log, extra_env=env)
    except build.BuildError:
        env["GOPROXY"] = "off"
        build.run_go(["mod", "tidy"], cwd=work, log=log, extra_env=env)
    output = str(pins.bin_dir() / "kubectl-kuttl")
    build.run_go(["build", "-trimpath", stamp, "-o", output, target], cwd=work, log=log, extra_env=env)


def build_bench_tools() -> int:
    """`make tools-bench`: the upstream tools `make bench` runs beside toollab (optional)."""
    pins.bin_dir().mkdir(parents=True, exist_ok=True)
    log = pins.tools_root() / "build.log"
    if all(build.has_pinned_version(tool) for tool in pins.BENCH_TOOLS):
        print("tools: kubectl-kuttl: up to date")
        return 0
    print(f"tools: kubectl-kuttl: building (log: {log}) ...", flush=True)
    started = time.monotonic()
    try:
        build_kuttl(log)
    except build.BuildError as exc:
        print(f"tools: kubectl-kuttl: not built: {exc}", file=sys.stderr)
        return 1
    if not all(build.has_pinned_version(tool) for tool in pins.BENCH_TOOLS):
        print(
            f"tools: kubectl-kuttl: built, but it does not report v{pins.KUTTL}; see {log}", file=sys.stderr
        )
        return 1
    print(f"tools: kubectl-kuttl: built in {time.monotonic() - started:.0f}s", flush=True)
    return 0


__all__ = ["build_bench_tools", "build_kuttl"]
