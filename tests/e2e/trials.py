"""Builders and probes for the operator's e2e tests: ToolTrial bodies, small objects, waits.

Test helpers only: no assertions about the operator here, just the shapes tests write and read.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from tests.e2e.conftest import TENANT, wait_for
from tests.support import chartserver

API_VERSION = "toollab.dev/v1alpha1"
KIND = "ToolTrial"
Status = dict[str, Any]


def tool_trial(
    name: str,
    namespace: str,
    *,
    source: Mapping[str, Any],
    steps: Sequence[Mapping[str, Any]],
    target: str | None = None,
    tool: str | None = None,
    **spec: Any,
) -> dict[str, Any]:
    """A ToolTrial body; `spec` adds fields as they are spelled in the CRD (cleanup, timeout...).

    It acts as the test namespace's tenant (`serviceAccountName`, default TENANT); pass
    `serviceAccountName=None` for a trial that names no account.
    """
    account = spec.pop("serviceAccountName", TENANT)
    if account:
        spec["serviceAccountName"] = account
    body: dict[str, Any] = {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"tool": {"name": tool or name, **source}, "steps": list(steps), **spec},
    }
    if target is not None:
        body["spec"]["target"] = {"namespace": target}
    return body


def helm(
    repo: str, chart: str, *, version: str = "1.0.0", values: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A `helm` tool source."""
    source: dict[str, Any] = {"repo": repo, "chart": chart, "version": version}
    if values:
        source["values"] = dict(values)
    return {"helm": source}


def manifests(*objects: Mapping[str, Any], urls: Sequence[str] = ()) -> dict[str, Any]:
    """A `manifests` tool source: inline objects and/or URLs."""
    source: dict[str, Any] = {}
    if objects:
        source["inline"] = [dict(o) for o in objects]
    if urls:
        source["urls"] = list(urls)
    return {"manifests": source}


def step(name: str, *, timeout: str | None = None, **parts: Any) -> dict[str, Any]:
    """A step; `parts` are apply/assert/errors/delete/run (use `assert_` for `assert`)."""
    body: dict[str, Any] = {"name": name}
    body.update({key.rstrip("_"): value for key, value in parts.items()})
    if timeout is not None:
        body["timeout"] = timeout
    return body


def deployment(name: str, *, labels: Mapping[str, str] | None = None, replicas: int = 1) -> dict[str, Any]:
    """A Deployment of `replicas` pods (kwok runs them)."""
    selector = dict(labels or {"app": name})
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": selector},
            "template": {
                "metadata": {"labels": selector},
                "spec": {
                    "containers": [
                        {
                            "name": "main",
                            "image": f"registry.example.invalid/{name}:1",
                            "resources": {"requests": {"cpu": "50m", "memory": "32Mi"}},
                        }
                    ]
                },
            },
        },
    }


def available(name: str, replicas: int = 1) -> dict[str, Any]:
    """An assert object: Deployment `name` has `replicas` available."""
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "status": {"availableReplicas": replicas},
    }


def web_trial(name: str, namespace: str, target: str, **spec: Any) -> dict[str, Any]:
    """A trial installing Deployment `web` (inline manifests) whose one step passes once it is available."""
    return tool_trial(
        name,
        namespace,
        source=manifests(deployment("web")),
        steps=[step("up", assert_=[available("web")])],
        target=target,
        **spec,
    )


def agent_trial(namespace: str, repo: str, *, ready: int | None = None, **spec: Any) -> dict[str, Any]:
    """Trial `agent` of our `agent` chart into `<namespace>-agent`; it passes once the DaemonSet
    exists (with `ready`: once that many agents are ready)."""
    daemonset: dict[str, Any] = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"}}
    if ready is not None:
        daemonset["status"] = {"numberReady": ready}
    return tool_trial(
        "agent",
        namespace,
        source=helm(repo, "agent"),
        steps=[step("running", assert_=[daemonset])],
        target=f"{namespace}-agent",
        **spec,
    )


def config_map(name: str, data: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A ConfigMap."""
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": dict(data or {})}


def cluster_role(name: str, *, verbs: Sequence[str] = ("get",)) -> dict[str, Any]:
    """A ClusterRole reading ConfigMaps."""
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": name},
        "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": list(verbs)}],
    }


def condition(status: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """The condition of type `kind` ({} when absent)."""
    return next((c for c in status.get("conditions") or [] if c.get("type") == kind), {})


def wait_phase(
    read: Callable[[str, str], Status], name: str, namespace: str, *phases: str, timeout: float = 60.0
) -> Status:
    """Wait until the trial's phase is one of `phases`; returns that status."""
    return dict(wait_for(lambda: (s := read(name, namespace)).get("phase") in phases and s, timeout=timeout))


def wait_gone(
    kube: Any, api_version: str, kind: str, name: str, namespace: str | None, *, timeout: float = 60.0
) -> None:
    """Wait until the object no longer exists."""
    wait_for(lambda: kube.get(api_version, kind, name=name, namespace=namespace) is None, timeout=timeout)


def delete_trial(kube: Any, name: str, namespace: str, *, timeout: float = 60.0) -> None:
    """Delete the trial and wait until its cleanup let it go (the finalizer is removed)."""
    kube.delete(API_VERSION, KIND, name=name, namespace=namespace)
    wait_gone(kube, API_VERSION, KIND, name, namespace, timeout=timeout)


@contextlib.contextmanager
def created(kube: Any, body: Mapping[str, Any]) -> Iterator[str]:
    """Create the trial; on the way out (even on failure) delete it and wait until it is gone."""
    namespace = body["metadata"]["namespace"]
    kube.create_or_merge(body, namespace=namespace)
    try:
        yield str(body["metadata"]["name"])
    finally:
        delete_trial(kube, body["metadata"]["name"], namespace)


def events(kube: Any, name: str, namespace: str) -> list[dict[str, Any]]:
    """Events posted on the trial `name`."""
    return [
        e
        for e in kube.list("v1", "Event", namespace=namespace)
        if (e.get("involvedObject") or {}).get("name") == name
        and (e.get("involvedObject") or {}).get("kind") == KIND
    ]


def labelled(kube: Any, api_version: str, kind: str, namespace: str | None, uid: str) -> list[dict[str, Any]]:
    """Objects of a kind carrying the trial uid label."""
    return list(kube.list(api_version, kind, namespace=namespace, labels={"toollab.dev/trial-uid": uid}))


def uid_of(kube: Any, name: str, namespace: str) -> str:
    """The trial's metadata.uid."""
    return str(kube.get(API_VERSION, KIND, name=name, namespace=namespace)["metadata"]["uid"])


def tool_path(name: str) -> str:
    """A pinned tool (helm, kubectl) from the tools cache, else from PATH."""
    pinned = chartserver.helm_path().parent / name
    return str(pinned) if pinned.exists() else (shutil.which(name) or name)


def run_tool(name: str, *args: str, kubeconfig: str) -> str:
    """Run kubectl or helm against the local cluster; returns stdout (fails the test on error)."""
    argv = [tool_path(name), *args, "--kubeconfig", kubeconfig]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, f"{' '.join(argv[:3])} failed: {done.stderr}"
    return done.stdout


def slow_helm(folder: Path, *, marker: Path, sleep_before: float = 0, sleep_after: float = 0) -> str:
    """A helm wrapper script in `folder`: `upgrade` touches `marker` and sleeps before or after
    running the real helm (so an operator can be killed, or a trial deleted, meanwhile)."""
    real, out, err = chartserver.helm_path(), folder / "helm.out", folder / "helm.err"
    lines = ["#!/bin/sh", f'if [ "$1" != upgrade ]; then exec "{real}" "$@"; fi']
    if sleep_before:
        lines += [f'touch "{marker}"', f"sleep {sleep_before}"]
    lines += [f'"{real}" "$@" >"{out}" 2>"{err}"', "rc=$?"]
    if sleep_after:
        lines += [f'touch "{marker}"', f"sleep {sleep_after}"]
    lines += [f'cat "{out}"', f'cat "{err}" >&2', "exit $rc"]
    script = folder / "slow-helm"
    script.write_text("\n".join(lines) + "\n")
    script.chmod(0o755)
    return str(script)


def helm_releases(namespace: str, *, kubeconfig: str) -> list[dict[str, Any]]:
    """`helm list --all -n NAMESPACE -o json`: every release record, whatever its state."""
    text = run_tool(
        "helm", "list", "--all", "--namespace", namespace, "--output", "json", kubeconfig=kubeconfig
    )
    return list(json.loads(text or "[]"))
