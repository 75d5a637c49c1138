"""Test doubles for the installers' seams: FakeProcessRunner and a small in-memory FakeCluster.

Unit tier only. They check logic (which argv, which objects, in which order); a pass on
them is never evidence that helm or an API server behaves so.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from toollab import errors
from toollab.cluster import port
from toollab.installers import process

Reply = process.Completed | Callable[[Sequence[str]], process.Completed]


@dataclass
class FakeProcessRunner:
    """Answers commands by their subcommand (`helm status` -> replies["status"]); records every call."""

    replies: dict[str, list[Reply]] = field(default_factory=dict)
    calls: list[list[str]] = field(default_factory=list)
    envs: list[Mapping[str, str] | None] = field(default_factory=list)
    cwds: list[str | None] = field(default_factory=list)

    def reply(self, subcommand: str, *answers: Reply) -> FakeProcessRunner:
        """Answer a subcommand with these, in order; the last one repeats. Replaces earlier answers."""
        self.replies[subcommand] = list(answers)
        return self

    def run(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None,
        timeout: float,
        input: str | None = None,
        cwd: str | None = None,
    ) -> process.Completed:
        self.calls.append(list(argv))
        self.envs.append(env)
        self.cwds.append(cwd)
        queue = self.replies.get(argv[1], [])
        if not queue:
            return process.Completed(0, "", "")
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        return answer(argv) if callable(answer) else answer

    def subcommands(self) -> list[str]:
        """The subcommand of each call, in order: ["status", "template", "upgrade"]."""
        return [argv[1] for argv in self.calls]


def ok(stdout: str = "") -> process.Completed:
    """A command that succeeded."""
    return process.Completed(0, stdout, "")


def failed(stderr: str, code: int = 1) -> process.Completed:
    """A command that failed."""
    return process.Completed(code, "", stderr)


CLUSTER_SCOPED = {
    ("v1", "Namespace"),
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
    ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"),
    ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"),
}
NAMESPACED = {
    ("v1", "ConfigMap"),
    ("v1", "Secret"),
    ("v1", "ServiceAccount"),
    ("v1", "Service"),
    ("v1", "Pod"),
    ("apps/v1", "Deployment"),
    ("apps/v1", "DaemonSet"),
    ("rbac.authorization.k8s.io/v1", "Role"),
    ("rbac.authorization.k8s.io/v1", "RoleBinding"),
}
Key = tuple[str, str, str | None, str]


@dataclass
class FakeCluster:
    """An in-memory API server: discovery, get, apply (merging), delete; CRDs become Established.

    `establish_after` is how many reads of a new CRD go by before it reports Established;
    `forbidden` lists kinds whose writes RBAC refuses, `unreadable` kinds whose reads it refuses.
    """

    objects: dict[Key, dict[str, Any]] = field(default_factory=dict)
    scopes: dict[tuple[str, str], bool] = field(default_factory=dict)
    establish_after: int = 0
    forbidden: set[str] = field(default_factory=set)
    unreadable: set[str] = field(default_factory=set)
    log: list[tuple[str, str, str | None, str]] = field(default_factory=list)  # (verb, kind, ns, name)
    _reads: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.scopes = {**{k: False for k in CLUSTER_SCOPED}, **{k: True for k in NAMESPACED}, **self.scopes}

    def add(self, obj: Mapping[str, Any]) -> None:
        """Store an object as if it existed before the test."""
        ref = port.ObjectRef.of(obj)
        self.objects[(ref.api_version, ref.kind, ref.namespace, ref.name)] = copy.deepcopy(dict(obj))

    def resource(self, api_version: str, kind: str) -> port.ResourceInfo:
        if (api_version, kind) not in self.scopes:
            raise errors.UnknownKind(f"{api_version}/{kind}: no such kind")
        namespaced = self.scopes[(api_version, kind)]
        return port.ResourceInfo(api_version, kind, plural=kind.lower() + "s", namespaced=namespaced)

    def get(self, api_version: str, kind: str, *, name: str, namespace: str | None) -> dict[str, Any] | None:
        self.log.append(("get", kind, namespace, name))
        self._check(kind, self.unreadable)
        found = self.objects.get((api_version, kind, namespace, name))
        if found is not None and kind == "CustomResourceDefinition":
            self._reads[name] = self._reads.get(name, 0) + 1
            if self._reads[name] > self.establish_after:
                self._establish(found)
        return copy.deepcopy(found)

    def list(
        self, api_version: str, kind: str, *, namespace: str | None, labels: Mapping[str, str] | None = None
    ) -> list[dict[str, Any]]:
        self._check(kind, self.unreadable)
        return [
            copy.deepcopy(obj)
            for (av, k, ns, _), obj in self.objects.items()
            if (av, k) == (api_version, kind) and namespace in (None, ns) and _has_labels(obj, labels or {})
        ]

    def apply(
        self, obj: port.Object, *, namespace: str | None, field_manager: str = "toollab"
    ) -> dict[str, Any]:
        ref = port.ObjectRef.of(obj)
        self.log.append(("apply", ref.kind, namespace, ref.name))
        self._check(ref.kind, self.forbidden)
        self.resource(ref.api_version, ref.kind)
        key = (ref.api_version, ref.kind, namespace, ref.name)
        before = self.objects.get(key)
        sent_uid = (obj.get("metadata") or {}).get("uid")
        if before is not None and sent_uid and sent_uid != (before.get("metadata") or {}).get("uid"):
            raise errors.Conflict(f"{ref}: Precondition failed: UID in precondition: {sent_uid}", status=409)
        stored = _merge(before or {}, obj)
        stored.setdefault("metadata", {}).setdefault("uid", f"uid-{ref.kind}-{ref.name}-{len(self.log)}")
        self.objects[key] = stored
        if ref.kind == "CustomResourceDefinition":
            self._serve(stored)
        return copy.deepcopy(stored)

    def create_or_merge(self, obj: port.Object, *, namespace: str | None) -> tuple[dict[str, Any], bool]:
        ref = port.ObjectRef.of(obj)
        created = (ref.api_version, ref.kind, namespace, ref.name) not in self.objects
        return self.apply(obj, namespace=namespace), created

    def delete(self, api_version: str, kind: str, *, name: str, namespace: str | None) -> bool:
        self.log.append(("delete", kind, namespace, name))
        self._check(kind, self.forbidden)
        self.resource(api_version, kind)
        return self.objects.pop((api_version, kind, namespace, name), None) is not None

    def names(self, kind: str) -> list[str]:
        """Names of the stored objects of a kind."""
        return sorted(key[3] for key in self.objects if key[1] == kind)

    def _check(self, kind: str, refused: set[str]) -> None:
        if kind in refused:
            raise errors.Forbidden(f"{kind} is forbidden", status=403)

    def _serve(self, crd: Mapping[str, Any]) -> None:
        spec = crd.get("spec") or {}
        if "group" not in spec:
            return  # a label-only patch of a CRD
        for version in spec.get("versions") or []:
            self.scopes[(f"{spec['group']}/{version['name']}", spec["names"]["kind"])] = (
                spec["scope"] == "Namespaced"
            )

    def _establish(self, crd: dict[str, Any]) -> None:
        crd["status"] = {
            "conditions": [
                {"type": "NamesAccepted", "status": "True"},
                {"type": "Established", "status": "True"},
            ]
        }


def _has_labels(obj: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    own = (obj.get("metadata") or {}).get("labels") or {}
    return all(own.get(key) == value for key, value in labels.items())


def _merge(base: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(dict(base))
    for key, value in patch.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged
