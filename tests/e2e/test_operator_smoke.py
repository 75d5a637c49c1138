"""The operator takes a minimal manifests trial to Passed and cleans up on deletion."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import TENANT, wait_for


def test_a_manifests_trial_passes_and_deletion_removes_its_namespace(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    labels = {"app": "hello"}
    trial = {
        "apiVersion": "toollab.dev/v1alpha1",
        "kind": "ToolTrial",
        "metadata": {"name": "smoke", "namespace": namespace},
        "spec": {
            "serviceAccountName": TENANT,
            "tool": {
                "name": "hello",
                "manifests": {
                    "inline": [
                        {
                            "apiVersion": "apps/v1",
                            "kind": "Deployment",
                            "metadata": {"name": "hello"},
                            "spec": {
                                "replicas": 1,
                                "selector": {"matchLabels": labels},
                                "template": {
                                    "metadata": {"labels": labels},
                                    "spec": {"containers": [{"name": "c", "image": "hello:1"}]},
                                },
                            },
                        }
                    ]
                },
            },
            "target": {"namespace": f"{namespace}-smoke"},
            "steps": [
                {
                    "name": "up",
                    "assert": [
                        {
                            "apiVersion": "apps/v1",
                            "kind": "Deployment",
                            "metadata": {"name": "hello"},
                            "status": {"availableReplicas": 1},
                        }
                    ],
                }
            ],
            "cleanup": {"policy": "Retain"},
        },
    }
    kube.create_or_merge(trial, namespace=namespace)
    status = wait_for(
        lambda: (s := trial_status("smoke", namespace)).get("phase") == "Passed" and s, timeout=60
    )
    assert status["passedText"] == "1/1"
    assert status["footprint"]["pods"] == 1
    kube.delete("toollab.dev/v1alpha1", "ToolTrial", name="smoke", namespace=namespace)
    wait_for(
        lambda: kube.get("v1", "Namespace", name=f"{namespace}-smoke", namespace=None) is None, timeout=60
    )
