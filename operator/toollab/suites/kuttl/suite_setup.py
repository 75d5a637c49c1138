"""Suite-level setup for `toollab test`: CRDs, manifests, suite commands, a fixed namespace.

kuttl's Harness.Setup order: crdDir (applied, then waited for until served), manifestDirs,
then `commands` (background ones keep running until the end). Errors come back as text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from toollab import errors
from toollab.cluster import port
from toollab.suites.kuttl import commands, loading, model, steps

CRD_WAIT = 10.0  # seconds for applied CRDs to be served (kuttl waits 10 s)
CRD_KIND = ("apiextensions.k8s.io/v1", "CustomResourceDefinition")


def namespace_object(name: str) -> dict[str, Any]:
    """The body of a Namespace."""
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def namespace_ref(name: str) -> port.ObjectRef:
    """The reference of a Namespace."""
    return port.ObjectRef("v1", "Namespace", name, None)


def set_up(
    suite: model.Suite,
    *,
    cluster: port.Cluster,
    kubeconfig: str | None,
    background: commands.Background,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> tuple[str, str]:
    """(failure text or "", the fixed namespace if we created it, else "")."""
    try:
        if suite.crd_dir:
            crds = apply_manifests(cluster, suite.resolve(suite.crd_dir))
            _wait_served(cluster, crds, clock=clock, sleep=sleep)
        for directory in suite.manifest_dirs:
            apply_manifests(cluster, suite.resolve(directory))
        failure = run_suite_commands(suite, kubeconfig=kubeconfig, background=background)
        if failure:
            return failure, ""
        return "", _ensure_namespace(cluster, suite.namespace) if suite.namespace else ""
    except (errors.ClusterError, errors.InputError, errors.SpecError) as exc:
        return str(exc), ""


def run_suite_commands(suite: model.Suite, *, kubeconfig: str | None, background: commands.Background) -> str:
    """The suite's commands, in the `default` namespace and the suite's directory (kuttl)."""
    context = commands.Context(
        namespace="default", cwd=suite.base_dir, kubeconfig=kubeconfig, timeout=suite.timeout
    )
    for command in suite.commands:
        result = (
            background.start(command, context)
            if command.background
            else commands.run_command(command, context)
        )
        if not result.ok:
            return steps.describe_command(result)
    return ""


def apply_manifests(cluster: port.Cluster, directory: Path) -> list[dict[str, Any]]:
    """Create or merge every object of the `*.yaml` files under `directory` (recursively)."""
    if not directory.is_dir():
        raise errors.InputError(f"{directory}: manifest directory not found")
    applied = []
    for path in sorted(directory.rglob("*.yaml")):
        for obj in loading.read_documents(path):
            stored, _ = cluster.create_or_merge(obj, namespace="default")
            applied.append({**obj, **stored})
    return applied


def _wait_served(
    cluster: port.Cluster,
    objects: list[dict[str, Any]],
    *,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> None:
    kinds = [kind for obj in objects for kind in served_kinds(obj)]
    deadline = clock() + CRD_WAIT
    while kinds:
        kinds = [kind for kind in kinds if not _is_served(cluster, *kind)]
        if kinds and clock() >= deadline:
            raise errors.ClusterError(
                f"CRDs not served after {CRD_WAIT:g}s: {', '.join(k for _, k in kinds)}"
            )
        if kinds:
            sleep(0.2)


def served_kinds(obj: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(apiVersion, kind) of each served version of a CustomResourceDefinition; [] for other objects."""
    if (obj.get("apiVersion"), obj.get("kind")) != CRD_KIND:
        return []
    spec = obj.get("spec") or {}
    kind = (spec.get("names") or {}).get("kind", "")
    return [
        (f"{spec.get('group')}/{v.get('name')}", kind)
        for v in spec.get("versions") or []
        if v.get("served", True)
    ]


def _is_served(cluster: port.Cluster, api_version: str, kind: str) -> bool:
    try:
        cluster.resource(api_version, kind)
    except errors.UnknownKind:
        return False
    return True


def _ensure_namespace(cluster: port.Cluster, name: str) -> str:
    """Create the fixed namespace unless it exists; its name when we created it (to delete it later)."""
    if cluster.get("v1", "Namespace", name=name, namespace=None) is not None:
        return ""
    _, created = cluster.create_or_merge(namespace_object(name), namespace=None)
    return name if created else ""


def describe_leftover(cluster: port.Cluster, ref: port.ObjectRef, *, waited: float) -> str:
    """Why an object is still there after cleanup: its finalizers, and a namespace's conditions."""
    try:
        obj = cluster.get(ref.api_version, ref.kind, name=ref.name, namespace=ref.namespace) or {}
    except errors.ClusterError:
        obj = {}
    finalizers = list((obj.get("metadata") or {}).get("finalizers") or [])
    finalizers += list((obj.get("spec") or {}).get("finalizers") or []) if ref.kind == "Namespace" else []
    reasons = [f"finalizers: {', '.join(finalizers)}"] if finalizers else []
    conditions = (obj.get("status") or {}).get("conditions") or []
    reasons += [c.get("message", "") for c in conditions if c.get("status") == "True" and c.get("message")]
    detail = f" ({'; '.join(reasons)})" if reasons else ""
    return f"{ref} still present after {waited:g}s{detail}"


__all__ = [
    "apply_manifests",
    "describe_leftover",
    "namespace_object",
    "namespace_ref",
    "run_suite_commands",
    "served_kinds",
    "set_up",
]
