"""Pod Security as the scorecard asks the API server: a dry-run apply in a warn-labelled namespace."""

from __future__ import annotations

from typing import Any

from toollab.scorecard import pod_security

AGENT = {
    "apiVersion": "apps/v1",
    "kind": "DaemonSet",
    "metadata": {"name": "agent"},
    "spec": {
        "selector": {"matchLabels": {"app": "agent"}},
        "template": {
            "metadata": {"labels": {"app": "agent"}},
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
        },
    },
}


def test_a_dry_run_apply_reports_each_violation_and_changes_nothing(kube: Any, namespace: str) -> None:
    kube.create(
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": f"{namespace}-psa", "labels": pod_security.warn_labels()},
        },
        namespace=None,
    )
    target = f"{namespace}-psa"
    try:
        stored = kube.apply(AGENT, namespace=target)
        warnings = kube.dry_run_apply_warnings(AGENT, namespace=target)
        found = pod_security.parse_warnings(warnings, target=f"DaemonSet {target}/agent")
        assert [(f.check, f.message) for f in found] == [
            ("hostPath volumes", 'violates baseline:latest: volume "proc"'),
            (
                "privileged",
                'violates baseline:latest: container "agent" must not set securityContext.privileged=true',
            ),
        ]
        after = kube.get("apps/v1", "DaemonSet", name="agent", namespace=target)
        assert (
            after["metadata"]["resourceVersion"] == stored["metadata"]["resourceVersion"]
        )  # nothing written
    finally:
        kube.delete("v1", "Namespace", name=target, namespace=None)


def test_without_the_warn_label_there_is_nothing_to_read(kube: Any, namespace: str) -> None:
    kube.apply(AGENT, namespace=namespace)
    assert kube.dry_run_apply_warnings(AGENT, namespace=namespace) == ()
