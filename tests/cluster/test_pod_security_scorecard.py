"""The API server's Pod Security evaluation, as the scorecard asks for it: a dry-run that changes nothing."""

from __future__ import annotations

from typing import Any

from toollab.scorecard import pod_security

AGENT_POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "agent-0"},
    "spec": {
        "containers": [
            {
                "name": "agent",
                "image": "registry.example.invalid/agent:1",
                "securityContext": {"privileged": True},
            }
        ],
        "volumes": [{"name": "proc", "hostPath": {"path": "/proc"}}],
    },
}
PLAIN_POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web-0"},
    "spec": {"containers": [{"name": "web", "image": "registry.example.invalid/web:1"}]},
}


def test_the_dry_run_names_each_violating_pod_and_leaves_the_namespace_alone(
    kube: Any, namespace: str
) -> None:
    kube.apply(AGENT_POD, namespace=namespace)
    kube.apply(PLAIN_POD, namespace=namespace)
    before = kube.get("v1", "Namespace", name=namespace, namespace=None)["metadata"]
    warnings = kube.namespace_dry_run_warnings(namespace, labels=pod_security.dry_run_labels())
    found = pod_security.parse_warnings(warnings, namespace=namespace)
    assert {(f.check, f.target) for f in found} == {
        ("hostPath volumes", f"Pod {namespace}/agent-0"),
        ("privileged", f"Pod {namespace}/agent-0"),
    }
    assert pod_security.violating_pods(warnings) == 1
    after = kube.get("v1", "Namespace", name=namespace, namespace=None)["metadata"]
    assert after.get("labels") == before.get("labels")
    assert after["resourceVersion"] == before["resourceVersion"]  # nothing was written


def test_a_clean_namespace_has_no_warnings(kube: Any, namespace: str) -> None:
    kube.apply(PLAIN_POD, namespace=namespace)
    assert kube.namespace_dry_run_warnings(namespace, labels=pod_security.dry_run_labels()) == ()
