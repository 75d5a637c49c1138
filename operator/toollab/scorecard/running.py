"""Run the scorecard's checkers on one trial's install and collect each checker's findings.

The I/O shell around the pure parsers: `helm pull` and `helm lint --strict` through the
`ProcessRunner` seam, the installed workloads read through the `Cluster` port and given to
kube-score on standard input, and the API server's Pod Security evaluation through a function
the caller passes. A checker that is missing or fails is reported as such; it never fails the
trial, whose verdict is already written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from toollab import errors
from toollab.cluster import port
from toollab.installers import helm, objects, process
from toollab.model import records, scorecard, trial
from toollab.scorecard import chart_checks, helm_lint, kube_score
from toollab.scorecard import pod_security as pod_security_checker

Result = tuple[scorecard.CheckerRun, tuple[scorecard.Finding, ...]]
WarningsFor = Callable[[Mapping[str, Any]], tuple[str, ...]]  # an object -> the server's dry-run warnings
TIMEOUT_SECONDS = 120.0
# The kinds kube-score has checks for; anything else in an inventory is not given to it.
SCORED_KINDS = frozenset(
    {
        "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job",
        "CronJob", "Service", "Ingress", "NetworkPolicy", "PodDisruptionBudget", "HorizontalPodAutoscaler",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Checkers:
    """Where the checkers are and how to run them."""

    runner: process.ProcessRunner
    helm: str = "helm"
    kube_score: str = "kube-score"
    home: Path | None = None  # helm's private home; default: the installer's
    kubernetes_version: str = "v1.36"  # what kube-score's stable-version check compares against


@dataclass(frozen=True)
class Install:
    """What a trial installed, as the checkers need it."""

    trial: trial.ToolTrial
    namespace: str
    inventory: tuple[records.InventoryEntry, ...]
    cluster: port.Cluster  # reads as the trial's identity
    allow_http: bool = False


@dataclass(frozen=True)
class PodSecurity:
    """The API server as the Pod Security checker: its version, the namespace's warn level, a dry-run."""

    server: str  # the API server's version, e.g. v1.36.3
    level: str | None  # the namespace's pod-security.kubernetes.io/warn label (None: not set)
    warnings_for: WarningsFor


def score(install: Install, *, checkers: Checkers, pod_security: PodSecurity) -> tuple[Result, ...]:
    """Every checker's run and findings."""
    try:
        live = list(_live_objects(install))
    except errors.ToollabError as exc:
        return (*_chart_results(install, checkers), *_unreadable(install, checkers, pod_security, exc))
    return (
        *_chart_results(install, checkers),
        _kube_score(install, checkers, live),
        _pod_security(install, pod_security, live),
    )


def _unreadable(
    install: Install, checkers: Checkers, security: PodSecurity, exc: errors.ToollabError
) -> tuple[Result, Result]:
    why = f"could not read what the trial installed: {exc}"
    return (
        _state(kube_score.NAME, "", scorecard.CheckerState.FAILED, why),
        _state(pod_security_checker.NAME, _security_version(security), scorecard.CheckerState.FAILED, why),
    )


# --- the chart: helm lint --strict and the static checks ------------------------------------


def _chart_results(install: Install, checkers: Checkers) -> tuple[Result, Result]:
    source = install.trial.source
    helm_version = _helm_version(checkers)
    if not isinstance(source, trial.HelmSource):
        why = "the trial installs manifests, not a chart"
        return (
            _state(helm_lint.NAME, helm_version, scorecard.CheckerState.NOT_APPLICABLE, why),
            _state(chart_checks.NAME, _own_version(), scorecard.CheckerState.NOT_APPLICABLE, why),
        )
    with tempfile.TemporaryDirectory(prefix="toollab-score-") as tmp:
        try:
            folder = _pull(source, checkers, into=Path(tmp), allow_http=install.allow_http)
            values = _values_files(install, source, into=Path(tmp))
        except errors.ToollabError as exc:
            why = f"could not fetch the chart: {exc}"
            return (
                _state(helm_lint.NAME, helm_version, scorecard.CheckerState.FAILED, why),
                _state(chart_checks.NAME, _own_version(), scorecard.CheckerState.FAILED, why),
            )
        contents = read_chart(folder)
        return _lint(folder, contents, values, checkers, helm_version), _static(contents)


def _pull(source: trial.HelmSource, checkers: Checkers, *, into: Path, allow_http: bool) -> Path:
    objects.check_url(source.repo, allow_http=allow_http, what="chart repository")
    argv = [checkers.helm, "pull", *helm.chart_args(source), "--untar", "--untardir", str(into / "chart")]
    _run(checkers, argv)
    found = [p for p in (into / "chart").iterdir() if (p / "Chart.yaml").is_file()]
    if not found:
        raise errors.InstallError(f"helm pull of {source.chart} gave no chart folder")
    return found[0]


def _values_files(install: Install, source: trial.HelmSource, *, into: Path) -> list[str]:
    def read(ref: trial.KeyRef) -> str:
        return objects.read_key(install.cluster, ref, namespace=install.trial.namespace)

    paths = []
    for number, text in enumerate(
        objects.values_documents(source, read=read, namespace=install.trial.namespace)
    ):
        path = into / f"values-{number}.yaml"
        path.write_text(text, encoding="utf-8")
        path.chmod(0o600)  # may hold Secret data
        paths.append(str(path))
    return paths


def _lint(
    folder: Path,
    contents: chart_checks.ChartContents,
    values: Sequence[str],
    checkers: Checkers,
    version: str,
) -> Result:
    argv = helm_lint.lint_argv(checkers.helm, str(folder), values_files=values)
    try:
        done = checkers.runner.run(argv, env=_env(checkers), timeout=TIMEOUT_SECONDS, cwd=str(folder.parent))
    except errors.ToollabError as exc:
        return _state(helm_lint.NAME, version, scorecard.CheckerState.FAILED, str(exc))
    found = helm_lint.parse_lint(done.stdout + "\n" + done.stderr, chart=contents.label)
    if not done.ok and not found:  # failed without saying why in its usual format
        return _state(
            helm_lint.NAME, version, scorecard.CheckerState.FAILED, str(process.failure(argv, done))
        )
    # helm lint has no list of checks: a lint that --strict lets through (INFO only) is one pass
    passed = 0 if any(f.severity is not scorecard.Severity.INFO for f in found) else 1
    return scorecard.CheckerRun(helm_lint.NAME, version, scorecard.CheckerState.RAN, passed=passed), found


def _static(contents: chart_checks.ChartContents) -> Result:
    passed, found = chart_checks.check_chart(contents)
    run = scorecard.CheckerRun(chart_checks.NAME, _own_version(), scorecard.CheckerState.RAN, passed=passed)
    return run, found


def read_chart(folder: Path) -> chart_checks.ChartContents:
    """What an unpacked chart holds (files, Chart.yaml, template texts); unreadable parts count as absent."""
    files = frozenset(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    try:
        meta = yaml.safe_load((folder / "Chart.yaml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        meta = {}
    meta = meta if isinstance(meta, dict) else {}
    templates = {
        name: (folder / name).read_text(encoding="utf-8", errors="replace")
        for name in files
        if name.startswith("templates/") and (folder / name).stat().st_size < 1_000_000
    }
    return chart_checks.ChartContents(
        name=str(meta.get("name") or folder.name),
        version=str(meta.get("version") or ""),
        files=files,
        chart_yaml=meta,
        templates=templates,
    )


# --- the installed workloads: kube-score ----------------------------------------------------


def _kube_score(install: Install, checkers: Checkers, live: list[dict[str, Any]]) -> Result:
    binary = shutil.which(checkers.kube_score)
    if binary is None:
        why = f"{checkers.kube_score} not found (make tools builds it; the operator takes --kube-score PATH)"
        return _state(kube_score.NAME, "", scorecard.CheckerState.UNAVAILABLE, why)
    version = _kube_score_version(checkers.runner, binary)
    if not live:
        return _state(
            kube_score.NAME, version, scorecard.CheckerState.NOT_APPLICABLE, "no workloads installed"
        )
    argv = kube_score.score_argv(binary, kubernetes_version=checkers.kubernetes_version)
    try:
        done = checkers.runner.run(argv, env=None, timeout=TIMEOUT_SECONDS, input=yaml.safe_dump_all(live))
        passed, found = kube_score.parse_score(done.stdout, namespace=install.namespace)
    except errors.ToollabError as exc:
        return _state(kube_score.NAME, version, scorecard.CheckerState.FAILED, str(exc))
    # kube-score exits 1 when it found something critical: that is a result, not a failure
    return scorecard.CheckerRun(kube_score.NAME, version, scorecard.CheckerState.RAN, passed=passed), found


def _live_objects(install: Install) -> Iterable[dict[str, Any]]:
    """The installed objects kube-score knows, as stored (status and bookkeeping stripped)."""
    for entry in install.inventory:
        if entry.kind not in SCORED_KINDS:
            continue
        body = install.cluster.get(entry.api_version, entry.kind, name=entry.name, namespace=entry.namespace)
        if body is not None:
            yield _as_manifest(body)


def _as_manifest(body: dict[str, Any]) -> dict[str, Any]:
    meta = {
        k: v
        for k, v in (body.get("metadata") or {}).items()
        if k in ("name", "namespace", "labels", "annotations")
    }
    return {k: v for k, v in body.items() if k not in ("status", "metadata")} | {"metadata": meta}


# --- the installed workloads: Pod Security Standards, by the API server ----------------------


def _pod_security(install: Install, security: PodSecurity, live: list[dict[str, Any]]) -> Result:
    version = _security_version(security)
    if security.level is None:
        why = (
            f"namespace {install.namespace} has no {pod_security_checker.WARN_LABEL} label "
            "(the operator sets it on the namespaces it creates)"
        )
        return _state(pod_security_checker.NAME, version, scorecard.CheckerState.UNAVAILABLE, why)
    workloads = [obj for obj in live if obj.get("kind") in pod_security_checker.WORKLOAD_KINDS]
    if not workloads:
        why = "no pods or workloads installed"
        return _state(pod_security_checker.NAME, version, scorecard.CheckerState.NOT_APPLICABLE, why)
    found: list[scorecard.Finding] = []
    passed = 0
    try:
        for obj in workloads:
            target = f"{obj['kind']} {install.namespace}/{obj['metadata']['name']}"
            mine = pod_security_checker.parse_warnings(security.warnings_for(obj), target=target)
            passed += 0 if mine else 1
            found.extend(mine)
    except errors.ToollabError as exc:
        return _state(pod_security_checker.NAME, version, scorecard.CheckerState.FAILED, str(exc))
    ran = scorecard.CheckerRun(pod_security_checker.NAME, version, scorecard.CheckerState.RAN, passed=passed)
    return ran, tuple(found)


def _security_version(security: PodSecurity) -> str:
    level = security.level or pod_security_checker.LEVEL
    return f"{security.server} ({level})" if security.server else level


# --- helpers ----------------------------------------------------------------------------------


def _state(name: str, version: str, state: scorecard.CheckerState, message: str) -> Result:
    return scorecard.CheckerRun(name, version, state, message=message), ()


def _env(checkers: Checkers) -> dict[str, str]:
    return helm.helm_env(checkers.home or helm.default_home(), os.environ)


def _run(checkers: Checkers, argv: Sequence[str]) -> process.Completed:
    done = checkers.runner.run(argv, env=_env(checkers), timeout=TIMEOUT_SECONDS, cwd=None)
    return process.check(argv, done)


def _helm_version(checkers: Checkers) -> str:
    return _tool_version(checkers.runner, checkers.helm, ("version", "--short"))


def _kube_score_version(runner: process.ProcessRunner, binary: str) -> str:
    return kube_score.version_of(_tool_version(runner, binary, ("version",)))


def _tool_version(runner: process.ProcessRunner, binary: str, args: tuple[str, ...]) -> str:
    """A tool's version line (cached per binary); "" when it cannot tell."""
    key = (binary, args)
    cached = _VERSIONS.get(key)
    if cached is not None:
        return cached
    try:
        done = runner.run([binary, *args], env=None, timeout=30.0)
    except errors.ToollabError:
        return ""
    text = done.stdout.strip().splitlines()[0] if done.ok and done.stdout.strip() else ""
    _VERSIONS[key] = text
    return text


_VERSIONS: dict[tuple[str, tuple[str, ...]], str] = {}


def _own_version() -> str:
    import toollab

    return f"toollab {toollab.__version__}"
