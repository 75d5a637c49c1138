"""ToolTrial bodies for model, runner and CLI tests: a valid one, and ways to spoil it."""

from __future__ import annotations

import copy
from typing import Any

TRIAL: dict[str, Any] = {
    "apiVersion": "toollab.dev/v1alpha1",
    "kind": "ToolTrial",
    "metadata": {"name": "falco", "namespace": "lab", "uid": "uid-1", "generation": 3},
    "spec": {
        "tool": {
            "name": "falco",
            "helm": {
                "repo": "https://falcosecurity.github.io/charts",
                "chart": "falco",
                "version": "9.1.0",
                "values": {"driver": {"kind": "modern_ebpf"}},
                "valuesFrom": [{"configMapRef": {"name": "falco-values", "key": "values.yaml"}}],
            },
        },
        "serviceAccountName": "lab-runner",
        "steps": [
            {
                "name": "running",
                "timeout": "300s",
                "assert": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "falco"}}],
                "errors": [{"apiVersion": "v1", "kind": "Pod", "status": {"phase": "Failed"}}],
            },
            {
                "name": "chaos",
                "delete": [{"apiVersion": "v1", "kind": "Pod", "metadata": {"labels": {"app": "falco"}}}],
            },
            {"name": "smoke", "run": {"image": "busybox", "command": ["sh", "-c", "true"]}},
        ],
        "timeout": "15m",
        "cleanup": {"policy": "DeleteOnSuccess", "ttlSecondsAfterFinished": 3600},
    },
}

MANIFESTS_TRIAL: dict[str, Any] = {
    "apiVersion": "toollab.dev/v1alpha1",
    "kind": "ToolTrial",
    "metadata": {"name": "demo", "namespace": "lab", "uid": "uid-2", "generation": 1},
    "spec": {
        "tool": {
            "name": "demo",
            "manifests": {
                "inline": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "demo"}}]
            },
        },
        "steps": [{"name": "present", "assert": [{"apiVersion": "v1", "kind": "ConfigMap"}]}],
    },
}


def body_with(changes: dict[str, Any], base: dict[str, Any] = TRIAL) -> dict[str, Any]:
    """A deep copy of `base` with `changes` set by dotted path (`spec.timeout`, `spec.steps.0.name`)."""
    body = copy.deepcopy(base)
    for path, value in changes.items():
        set_path(body, path, value)
    return body


def set_path(body: Any, path: str, value: Any) -> None:
    """Set (or, with value DELETE, remove) the field at a dotted path; digits index lists."""
    *parents, last = path.split(".")
    for part in parents:
        body = body[int(part)] if part.isdigit() else body[part]
    key: Any = int(last) if last.isdigit() else last
    if value is DELETE:
        del body[key]
    else:
        body[key] = value


DELETE = object()
