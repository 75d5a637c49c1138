"""Who am I, and may I? The API server's self-reviews (SelfSubjectReview, SelfSubjectAccessReview).

Both are allowed to every authenticated identity. Goes through `KubeCluster.request` only.
"""

from __future__ import annotations

from typing import Any

from toollab import errors

WHOAMI = "/apis/authentication.k8s.io/v1/selfsubjectreviews"
ACCESS = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"


def whoami(cluster: Any) -> str:
    """The user name the API server sees ('' when it cannot say)."""
    body = {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}
    try:
        answer = cluster.request("POST", WHOAMI, body=body, what="SelfSubjectReview")
    except (errors.NotFound, errors.Forbidden):
        return ""
    return str(((answer.get("status") or {}).get("userInfo") or {}).get("username") or "")


def allowed(
    cluster: Any,
    verb: str,
    resource: str,
    *,
    group: str = "",
    namespace: str | None = None,
    subresource: str = "",
    name: str = "",
) -> bool:
    """Whether this identity may `verb` the resource (cluster-wide when `namespace` is None)."""
    attributes = {
        "verb": verb,
        "resource": resource,
        "group": group,
        "namespace": namespace or "",
        "subresource": subresource,
        "name": name,
    }
    body = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": {k: v for k, v in attributes.items() if v}},
    }
    answer = cluster.request("POST", ACCESS, body=body, what="SelfSubjectAccessReview")
    return bool((answer.get("status") or {}).get("allowed"))


__all__ = ["allowed", "whoami"]
