"""The layer rules hold in the source: who may import what (kopf, kubernetes, subprocess, sleep)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "operator" / "toollab"

# layer of each subpackage; a module may import only its own layer or lower ones
LAYERS = {
    "cli": 8,
    "handlers": 7,
    "engine": 6.5,
    "runner": 6,
    "suites": 5,
    "scorecard": 5,
    "installers": 4,
    "reports": 4,
    "assertions": 3.5,
    "cluster": 3.5,
    "cel": 3,
    "model": 2,
    "templating": 2,
    "errors": 1,
    "logs": 1,
}
SIBLINGS_APART = [
    {"suites", "scorecard"},
    {"installers", "reports"},
    {"assertions", "cluster"},
    {"model", "templating"},
    {"errors", "logs"},
]
SUITE_CORE = "toollab.suites.core"


def modules() -> list[tuple[str, Path]]:
    return [
        (".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts), p)
        for p in sorted(PACKAGE.rglob("*.py"))
    ]


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


@pytest.mark.parametrize(("module", "path"), modules(), ids=[m for m, _ in modules()])
def test_imports_respect_the_layers(module: str, path: Path) -> None:
    own = layer_of(module)
    if own is None:
        return
    for imported in imports_of(path):
        other = layer_of(imported)
        if other is None or other == own:
            continue
        assert LAYERS[other] <= LAYERS[own], f"{module} (layer {own}) imports {imported} (layer {other})"
        for group in SIBLINGS_APART:
            assert not {own, other} <= group, f"siblings {own} and {other} must not import each other"


@pytest.mark.parametrize(("module", "path"), modules(), ids=[m for m, _ in modules()])
def test_foreign_libraries_stay_in_their_boundary(module: str, path: Path) -> None:
    found = {name.split(".")[0] for name in imports_of(path)}
    if "kubernetes" in found:
        assert module == "toollab.cluster.kube", f"{module} imports kubernetes"
    if "prometheus_client" in found:
        metrics = {"toollab.engine.metrics", "toollab.handlers.metrics"}
        assert module in metrics, f"{module} imports prometheus_client"
    if "kopf" in found:
        assert layer_of(module) in {"handlers", "cli"}, f"{module} imports kopf"
    if "subprocess" in found:
        allowed = ("toollab.installers.process", "toollab.suites.core.processes", "toollab.localcluster.")
        assert module.startswith(allowed), f"{module} runs subprocesses"


@pytest.mark.parametrize(("module", "path"), modules(), ids=[m for m, _ in modules()])
def test_only_the_cli_loop_sleeps(module: str, path: Path) -> None:
    source = path.read_text()
    if "time.sleep(" in source:
        assert module in {"toollab.suites.core.polling"} or module.startswith("toollab.localcluster."), module


@pytest.mark.parametrize(("module", "path"), modules(), ids=[m for m, _ in modules()])
def test_suite_formats_share_only_the_core(module: str, path: Path) -> None:
    """A suite format, and the trial reconciler, may use `suites.core` but no other format."""
    if layer_of(module) not in {"suites", "runner"}:
        return
    own_format = module.split(".")[2] if layer_of(module) == "suites" and module.count(".") > 1 else None
    for imported in imports_of(path):
        if not imported.startswith("toollab.suites.") or imported.startswith(SUITE_CORE):
            continue
        other_format = imported.split(".")[2]
        assert other_format == own_format, f"{module} imports {imported}"
