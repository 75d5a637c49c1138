"""Helm v3 CLI: pure argv builders and release parsing; `HelmInstaller` runs them.

The only way toollab talks to helm is through a `ProcessRunner`. Helm v3's `--labels` labels
the release record only, so a post-renderer (`installers.postrender`, run through a wrapper
script in the helm home) labels the objects; the release inventory drives cleanup. No `--wait`
unless the chart source asks for it: the trial's assertions decide.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toollab import errors
from toollab.installers import base, claims, objects, ownership, process, secret_values
from toollab.model import records, trial

# Release states left behind by a helm process that died mid-operation (helm pkg/release/status.go).
PENDING_INSTALL = frozenset({"pending-install", "uninstalling"})
PENDING_CHANGE = frozenset({"pending-upgrade", "pending-rollback"})
NOT_FOUND_MARK = "release: not found"


def chart_args(chart: trial.HelmSource) -> list[str]:
    """The chart reference: `oci://host/path/chart`, or `<chart> --repo <repo>`; plus --version."""
    if chart.repo.startswith("oci://"):
        ref = [f"{chart.repo.rstrip('/')}/{chart.chart}"]
    else:
        ref = [chart.chart, "--repo", chart.repo]
    return [*ref, "--version", chart.version] if chart.version else ref


def kube_args(*, namespace: str, impersonate: str | None, kubeconfig: str | None) -> list[str]:
    """Flags that pick the cluster, namespace and identity."""
    args = ["--namespace", namespace]
    if kubeconfig:
        args += ["--kubeconfig", kubeconfig]
    if impersonate:
        args += ["--kube-as-user", impersonate]
    return args


def helm_argv(
    *,
    helm: str,
    release: str,
    chart: trial.HelmSource,
    namespace: str,
    values_files: Sequence[str] = (),
    impersonate: str | None = None,
    kubeconfig: str | None = None,
    timeout_seconds: float = 300.0,
    labels: Mapping[str, str] | None = None,
    post_renderer: str | None = None,
    wait: bool = False,
) -> list[str]:
    """`helm upgrade --install` of `chart` as `release` into `namespace`, printing the release as JSON.

    `labels` go on the release record, and through `post_renderer` (when given) on every object.
    """
    argv = [helm, "upgrade", "--install", release, *chart_args(chart)]
    argv += kube_args(namespace=namespace, impersonate=impersonate, kubeconfig=kubeconfig)
    for path in values_files:
        argv += ["--values", path]
    pairs = [f"{key}={value}" for key, value in sorted((labels or {}).items())]
    if pairs:
        argv += ["--labels", ",".join(pairs)]
    if pairs and post_renderer:
        argv += ["--post-renderer", post_renderer]
        for pair in pairs:
            argv += ["--post-renderer-args", pair]
    if wait:
        argv += ["--wait", "--wait-for-jobs"]
    return [*argv, "--timeout", f"{max(1, round(timeout_seconds))}s", "--output", "json"]


def template_argv(
    *, helm: str, release: str, chart: trial.HelmSource, namespace: str, values_files: Sequence[str] = ()
) -> list[str]:
    """`helm template` with the same chart and values, CRDs included: what an install will create."""
    argv = [helm, "template", release, *chart_args(chart), "--namespace", namespace, "--include-crds"]
    for path in values_files:
        argv += ["--values", path]
    return argv


def status_argv(
    *, helm: str, release: str, namespace: str, impersonate: str | None = None, kubeconfig: str | None = None
) -> list[str]:
    """`helm status -o json`: the release record, or exit 1 with "release: not found"."""
    kube = kube_args(namespace=namespace, impersonate=impersonate, kubeconfig=kubeconfig)
    return [helm, "status", release, *kube, "--output", "json"]


def uninstall_argv(
    *, helm: str, release: str, namespace: str, impersonate: str | None = None, kubeconfig: str | None = None
) -> list[str]:
    """`helm uninstall`, quiet when the release is already gone."""
    kube = kube_args(namespace=namespace, impersonate=impersonate, kubeconfig=kubeconfig)
    return [helm, "uninstall", release, *kube, "--ignore-not-found"]


def rollback_argv(
    *, helm: str, release: str, namespace: str, impersonate: str | None = None, kubeconfig: str | None = None
) -> list[str]:
    """`helm rollback` to the previous revision (recovers a pending upgrade)."""
    kube = kube_args(namespace=namespace, impersonate=impersonate, kubeconfig=kubeconfig)
    return [helm, "rollback", release, *kube]


@dataclass(frozen=True)
class Release:
    """The parts of a helm release record (`-o json`) toollab reads."""

    name: str
    namespace: str
    status: str
    revision: int
    chart: str
    version: str
    app_version: str
    manifest: str


def parse_release(text: str) -> Release:
    """Parse `helm status/upgrade -o json` output."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # never echo it: a release record carries the values, Secrets included
        raise errors.InstallError("helm printed something other than a release as JSON") from exc
    if not isinstance(data, dict):
        raise errors.InstallError("helm printed JSON that is not a release object")
    meta = (data.get("chart") or {}).get("metadata") or {}
    return Release(
        name=str(data.get("name", "")),
        namespace=str(data.get("namespace", "")),
        status=str((data.get("info") or {}).get("status", "")),
        revision=int(data.get("version") or 0),
        chart=str(meta.get("name", "")),
        version=str(meta.get("version", "")),
        app_version=str(meta.get("appVersion", "")),
        manifest=str(data.get("manifest") or ""),
    )


def is_not_found(stderr: str) -> bool:
    """True when helm says the release does not exist."""
    return NOT_FOUND_MARK in stderr


# Extra seconds for a helm process beyond helm's own --timeout (chart download, startup).
PROCESS_GRACE_SECONDS = 60.0
IN_PROGRESS_MARK = "another operation (install/upgrade/rollback) is in progress"


@functools.cache
def default_home() -> Path:
    """One private helm home per operator process (repository cache, config), removed at exit."""
    home = tempfile.mkdtemp(prefix="toollab-helm-")
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    return Path(home)


def helm_env(home: Path, environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` with helm's cache, config and data folders under `home`."""
    return {
        **environ,
        "HELM_CACHE_HOME": str(home / "cache"),
        "HELM_CONFIG_HOME": str(home / "config"),
        "HELM_DATA_HOME": str(home / "data"),
    }


def classify(argv: Sequence[str], done: process.Completed) -> errors.ToollabError:
    """The error for a failed helm command: Forbidden, InstallPending or InstallError."""
    error = process.failure(argv, done)
    if " is forbidden: " in done.stderr:
        return errors.Forbidden(str(error), status=403)
    if IN_PROGRESS_MARK in done.stderr:
        return errors.InstallPending(str(error))
    return error


class HelmInstaller:
    """Installs one chart with the helm CLI; the release is named after the trial."""

    def __init__(
        self,
        chart: trial.HelmSource,
        *,
        runner: process.ProcessRunner,
        helm_path: str = "helm",
        wait: bool = False,
        home: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.chart = chart
        self._runner = runner
        self._secrets: frozenset[str] = frozenset()  # what valuesFrom read from Secrets: never echoed
        self._helm = helm_path
        self._wait = wait
        home = home or default_home()
        self._bin = home / "bin"
        self._env = helm_env(home, os.environ)
        # helm takes a chart name that matches a folder in its working directory for a local
        # chart (and ignores --repo), so it runs in an empty folder of its own
        self._cwd = home / "work"
        self._clock = clock

    def install(self, ctx: base.InstallContext) -> base.InstallResult:
        """Recover a stuck release, note what exists already, `upgrade --install`, read the inventory."""
        objects.check_url(self.chart.repo, allow_http=ctx.allow_http, what="chart repository")
        started = self._clock()
        with tempfile.TemporaryDirectory(prefix="toollab-values-") as tmp:
            files = self._write_values(ctx, Path(tmp))
            self.recover(ctx)
            rendered = self._render(ctx, files)
            existing = ownership.foreign_objects(ctx, rendered)
            argv = helm_argv(
                helm=self._helm, release=ctx.release_name, chart=self.chart, namespace=ctx.target_namespace,
                values_files=files, impersonate=ctx.impersonate, kubeconfig=ctx.kubeconfig,
                timeout_seconds=ctx.timeout_seconds, labels=ctx.labels, wait=self._wait,
                post_renderer=str(self._post_renderer()),
            )  # fmt: skip
            crds = [obj for obj in rendered if obj.get("kind") == ownership.CRD_KIND]
            try:
                release = parse_release(self._run(ctx, argv).stdout)
            except errors.ToollabError:
                # the failed release stays for diagnosis; its CRDs must stay findable for cleanup
                with contextlib.suppress(errors.ToollabError):
                    ownership.label_leftover_crds(ctx, crds, foreign=existing)
                raise
        entries = ownership.release_inventory(ctx, release.manifest, crds=crds, foreign=existing)
        ownership.label_created_crds(ctx, entries)
        return base.InstallResult(
            method=base.Method.HELM,
            chart=release.chart or self.chart.chart,
            version=release.version,
            app_version=release.app_version,
            objects=entries,
            seconds=self._clock() - started,
            release=release.name or ctx.release_name,
        )

    def uninstall(self, ctx: base.InstallContext, inventory: Sequence[records.InventoryEntry]) -> None:
        """`helm uninstall`, then delete what helm leaves behind (crds/, kept objects) if we created it.

        In a namespace being deleted the release record is going with it (and helm may no longer
        read it): the inventory and the sweeps by label remove what lies outside the namespace.
        """
        if not ctx.namespace_going:
            self._run(ctx, uninstall_argv(helm=self._helm, release=ctx.release_name, **self._kube(ctx)))
        claims.delete_inventory(ctx.cluster, inventory, uid=ctx.trial_uid)
        ownership.sweep_crds(ctx, inventory)
        ownership.sweep_release_leftovers(ctx, inventory)

    def recover(self, ctx: base.InstallContext) -> str:
        """Unstick a release a killed helm left pending; returns the status found ("" when none)."""
        argv = status_argv(helm=self._helm, release=ctx.release_name, **self._kube(ctx))
        done = self._runner.run(argv, env=self._env, timeout=PROCESS_GRACE_SECONDS, cwd=self._workdir())
        if not done.ok:
            if is_not_found(done.stderr):
                return ""
            raise classify(argv, done)
        status = parse_release(done.stdout).status
        if status in PENDING_INSTALL:  # nothing usable was installed: start again
            self._run(ctx, uninstall_argv(helm=self._helm, release=ctx.release_name, **self._kube(ctx)))
        elif status in PENDING_CHANGE:  # back to the last deployed revision, then upgrade again
            self._run(ctx, rollback_argv(helm=self._helm, release=ctx.release_name, **self._kube(ctx)))
        return status

    def _render(self, ctx: base.InstallContext, files: Sequence[str]) -> list[dict[str, Any]]:
        argv = template_argv(
            helm=self._helm, release=ctx.release_name, chart=self.chart, namespace=ctx.target_namespace,
            values_files=files,
        )  # fmt: skip
        return objects.parse_objects(self._run(ctx, argv).stdout, source=f"chart {self.chart.chart}")

    def _write_values(self, ctx: base.InstallContext, folder: Path) -> list[str]:
        def read(ref: trial.KeyRef) -> str:
            text = objects.read_key(ctx.cluster, ref, namespace=ctx.trial_namespace)
            if ref.kind is trial.RefKind.SECRET:
                self._secrets |= secret_values.secret_texts(text)
            return text

        paths = []
        for number, text in enumerate(
            objects.values_documents(self.chart, read=read, namespace=ctx.trial_namespace)
        ):
            path = folder / f"values-{number}.yaml"
            path.write_text(text, encoding="utf-8")
            path.chmod(0o600)  # may hold Secret data
            paths.append(str(path))
        return paths

    def _post_renderer(self) -> Path:
        # imported here: `python -m toollab.installers.postrender` (what the wrapper runs) warns
        # when importing its package has already imported the module
        from toollab.installers import postrender

        return postrender.write_wrapper(self._bin)

    def _workdir(self) -> str:
        self._cwd.mkdir(parents=True, exist_ok=True)
        return str(self._cwd)

    def _kube(self, ctx: base.InstallContext) -> dict[str, Any]:
        return {
            "namespace": ctx.target_namespace,
            "impersonate": ctx.impersonate,
            "kubeconfig": ctx.kubeconfig,
        }

    def _run(self, ctx: base.InstallContext, argv: Sequence[str]) -> process.Completed:
        timeout = ctx.timeout_seconds + PROCESS_GRACE_SECONDS
        done = self._runner.run(argv, env=self._env, timeout=timeout, cwd=self._workdir())
        if not done.ok:
            raise classify(argv, secret_values.scrub_completed(done, self._secrets))
        return done


__all__ = [
    "HelmInstaller",
    "Release",
    "chart_args",
    "classify",
    "default_home",
    "helm_argv",
    "helm_env",
    "is_not_found",
    "kube_args",
    "parse_release",
    "rollback_argv",
    "status_argv",
    "template_argv",
    "uninstall_argv",
]
