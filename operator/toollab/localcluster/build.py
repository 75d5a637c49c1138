"""`make tools`: build the pinned control plane, kwok and helm from Go modules into the cache.

Runs `go` through the module proxy; never downloads release binaries and never writes into
the repository. Standard library only. Idempotent: a tool whose `--version` already prints
its pin is not rebuilt.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from toollab.localcluster import pins

MIN_FREE_BYTES = 8 * 1024**3
OPTIONAL = frozenset(t.name for t in pins.OPTIONAL_TOOLS)


class BuildError(Exception):
    """A build step failed; the message is one line and names the log."""


def has_pinned_version(tool: pins.Tool) -> bool:
    """True when the cached binary exists and reports its pinned version."""
    path = pins.bin_dir() / tool.name
    if not path.exists():
        return False
    try:
        done = subprocess.run([str(path), *tool.version_args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return tool.expected in (done.stdout + done.stderr)


def go_env() -> dict[str, str]:
    """The environment for every go command: local toolchain, static, caches in $HOME."""
    env = dict(os.environ)
    env.update(GOTOOLCHAIN="local", CGO_ENABLED="0", GOFLAGS="-mod=mod")
    return env


def run_go(args: Sequence[str], *, cwd: Path, log: Path, extra_env: dict[str, str] | None = None) -> None:
    """Run one go command, appending its output to `log`; raise BuildError on failure."""
    env = go_env()
    env.update(extra_env or {})
    with log.open("a") as out:
        out.write(f"\n$ go {' '.join(args)}\n")
        out.flush()
        code = subprocess.run(
            ["go", *args], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT
        ).returncode
    if code != 0:
        raise BuildError(f"`go {args[0]}` failed in {cwd.name} (exit {code}); see {log}")


def kubernetes_gomod() -> str:
    """The wrapper go.mod that builds k8s.io/kubernetes with staging modules at their tags."""
    lines = [
        "module toollab.local/k8sbins",
        "",
        f"go {pins.GO_DIRECTIVE}",
        "",
        f"godebug default=go{pins.GO_DIRECTIVE.rsplit('.', 1)[0]}",
        "",
        f"require k8s.io/kubernetes v{pins.KUBERNETES}",
        "",
        "replace (",
    ]
    staging_version = "v0." + pins.KUBERNETES.split(".", 1)[1]
    lines += [f"\tk8s.io/{m} => k8s.io/{m} {staging_version}" for m in pins.STAGING_MODULES]
    lines += [")", ""]
    return "\n".join(lines)


def tools_go(imports: Sequence[str]) -> str:
    """A tools file that keeps `go mod tidy` from dropping the packages we build."""
    body = "\n".join(f'\t_ "{i}"' for i in imports)
    return f"//go:build tools\n\npackage tools\n\nimport (\n{body}\n)\n"


def kubernetes_ldflags() -> str:
    """Version stamps as upstream's hack/lib/version.sh sets them; helm reads /version."""
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    flags = ["-s", "-w"]
    for pkg in ("k8s.io/component-base/version", "k8s.io/client-go/pkg/version"):
        flags += [
            f"-X {pkg}.gitVersion=v{pins.KUBERNETES}",
            f"-X {pkg}.gitMajor=1",
            f"-X {pkg}.gitMinor={pins.kube_minor()}",
            f"-X {pkg}.gitTreeState=clean",
            f"-X {pkg}.buildDate={now}",
        ]
    return " ".join(flags)


def build_kubernetes(log: Path) -> None:
    """kube-apiserver, kube-controller-manager and kube-scheduler in one `go build`."""
    src = pins.tools_root() / "src" / "k8s"
    src.mkdir(parents=True, exist_ok=True)
    packages = [f"k8s.io/kubernetes/cmd/{b}" for b in pins.CONTROL_PLANE_BINARIES]
    (src / "go.mod").write_text(kubernetes_gomod())
    (src / "tools.go").write_text(tools_go(packages))
    run_go(["mod", "tidy"], cwd=src, log=log)
    run_go(
        [
            "build",
            "-trimpath",
            "-tags=selinux,notest,grpcnotrace",
            f"-ldflags={kubernetes_ldflags()}",
            "-o",
            f"{pins.bin_dir()}/",
            *packages,
        ],
        cwd=src,
        log=log,
    )


def build_etcd(log: Path) -> None:
    """etcd from a one-line wrapper; server/v3's own go.mod has relative replaces."""
    src = pins.tools_root() / "src" / "etcd"
    src.mkdir(parents=True, exist_ok=True)
    (src / "go.mod").write_text(
        f"module toollab.local/etcdbin\n\ngo 1.25.0\n\nrequire go.etcd.io/etcd/server/v3 v{pins.ETCD}\n"
    )
    (src / "tools.go").write_text(tools_go(["go.etcd.io/etcd/server/v3"]))
    run_go(["mod", "tidy"], cwd=src, log=log)
    run_go(
        [
            "build",
            "-trimpath",
            "-ldflags=-s -w",
            "-o",
            str(pins.bin_dir() / "etcd"),
            "go.etcd.io/etcd/server/v3",
        ],
        cwd=src,
        log=log,
    )


def build_kwok(log: Path) -> None:
    """kwok by `go install`, then its Stage files copied next to the binaries."""
    run_go(
        ["install", "-trimpath", "-ldflags=-s -w", f"sigs.k8s.io/kwok/cmd/kwok@v{pins.KWOK}"],
        cwd=pins.tools_root(),
        log=log,
        extra_env={"GOBIN": str(pins.bin_dir())},
    )
    copy_kwok_stages()


def copy_kwok_stages() -> None:
    """Keep kwok's stages in the tools cache so a cleaned module cache cannot lose them."""
    modcache = subprocess.run(
        ["go", "env", "GOMODCACHE"], capture_output=True, text=True, env=go_env(), check=True
    ).stdout.strip()
    source = Path(modcache) / f"sigs.k8s.io/kwok@v{pins.KWOK}" / "kustomize" / "stage"
    target = pins.bin_dir() / "kwok-stages"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def build_helm(log: Path) -> None:
    """The helm CLI with the version stamps its own Makefile sets."""
    h = "helm.sh/helm/v3"
    ldflags = (
        f"-s -w -X {h}/internal/version.version=v{pins.HELM} "
        f"-X {h}/pkg/chartutil.k8sVersionMajor=1 -X {h}/pkg/chartutil.k8sVersionMinor={pins.kube_minor()} "
        f"-X {h}/pkg/lint/rules.k8sVersionMajor=1 -X {h}/pkg/lint/rules.k8sVersionMinor={pins.kube_minor()}"
    )
    run_go(
        ["install", "-trimpath", f"-ldflags={ldflags}", f"{h}/cmd/helm@v{pins.HELM}"],
        cwd=pins.tools_root(),
        log=log,
        extra_env={"GOBIN": str(pins.bin_dir())},
    )


def build_kube_score(log: Path) -> None:
    """kube-score (the scorecard's workload checker) with the version stamp its releases carry."""
    run_go(
        [
            "install",
            "-trimpath",
            f"-ldflags=-s -w -X main.version={pins.KUBE_SCORE}",
            f"github.com/zegl/kube-score/cmd/kube-score@v{pins.KUBE_SCORE}",
        ],
        cwd=pins.tools_root(),
        log=log,
        extra_env={"GOBIN": str(pins.bin_dir())},
    )


def build_actionlint(log: Path) -> None:
    """actionlint, the GitHub Actions workflow linter the tests run, by `go install`."""
    run_go(
        [
            "install",
            "-trimpath",
            "-ldflags=-s -w",
            f"github.com/rhysd/actionlint/cmd/actionlint@v{pins.ACTIONLINT}",
        ],
        cwd=pins.tools_root(),
        log=log,
        extra_env={"GOBIN": str(pins.bin_dir())},
    )


STEPS = (
    ("kubernetes", pins.CONTROL_PLANE_BINARIES, build_kubernetes),
    ("etcd", ("etcd",), build_etcd),
    ("kwok", ("kwok",), build_kwok),
    ("helm", ("helm",), build_helm),
    ("kube-score", ("kube-score",), build_kube_score),
    ("actionlint", ("actionlint",), build_actionlint),
)


def check_prerequisites() -> None:
    """Go must be present and new enough; the disk must have room for a cold build."""
    if shutil.which("go") is None:
        raise BuildError("`go` is not on PATH: install Go 1.26 or newer")
    root = pins.tools_root()
    root.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(root).free
    if free < MIN_FREE_BYTES and not all(has_pinned_version(t) for t in pins.TOOLS):
        raise BuildError(f"only {free // 1024**3} GiB free under {root}; a cold build needs 8 GiB")


def build_all() -> None:
    """Build whatever is missing, printing each step's duration."""
    check_prerequisites()
    pins.bin_dir().mkdir(parents=True, exist_ok=True)
    log = pins.tools_root() / "build.log"
    by_name = {t.name: t for t in (*pins.TOOLS, *pins.OPTIONAL_TOOLS)}
    for label, binaries, build in STEPS:
        if all(has_pinned_version(by_name[b]) for b in binaries):
            print(f"tools: {label}: up to date")
            continue
        print(f"tools: {label}: building (log: {log}) ...", flush=True)
        started = time.monotonic()
        try:
            build(log)
        except BuildError as exc:
            if all(b in OPTIONAL for b in binaries):
                print(f"tools: {label}: optional, not built: {exc}", flush=True)
                continue
            raise
        missing = [b for b in binaries if not has_pinned_version(by_name[b])]
        if missing:
            raise BuildError(f"{label}: built, but {', '.join(missing)} does not report its pin; see {log}")
        print(f"tools: {label}: built in {time.monotonic() - started:.0f}s", flush=True)
    print(f"tools: ready in {pins.bin_dir()}")


def main() -> int:
    """Entry point for `make tools`."""
    try:
        build_all()
    except BuildError as exc:
        print(f"tools: error: {exc}", file=sys.stderr)
        return 1
    return 0
