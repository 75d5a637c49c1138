"""Each of the twelve tools, installed from its upstream chart by a ToolTrial that names only its
profile and the `simulated` preset, passes the profile's health steps on the local cluster, as
the tenant `lab-runner` under the shipped RBAC; then the cleanup leaves nothing it created.

Figures (time to ready, objects, footprint, leftovers) go to .run/realtools.json for the record.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from tests.conftest import REPO
from tests.e2e.conftest import TENANT, wait_for

TOOLS = sorted(p.stem for p in (REPO / "catalog").glob("*.yaml"))
FIGURES = REPO / ".run" / "realtools.json"
FINAL = ("Passed", "Failed", "Error")
# Webhooks that still fail closed with the `simulated` preset (they cover only the tool's own
# kinds); the preset turns Gatekeeper's, Chaos Mesh's and Keptn's cluster-wide ones into Ignore
# or confines them. Every other tool has none.
FAIL_CLOSED = {"keptn": 5, "opentelemetry-operator": 4}


def profile_trial(tool: str, namespace: str, repo: str) -> dict[str, Any]:
    """All a trial of a catalog tool needs: the profile, the preset, and (here) the mirror."""
    return {
        "apiVersion": "toollab.dev/v1alpha1",
        "kind": "ToolTrial",
        "metadata": {"name": tool, "namespace": namespace},
        "spec": {
            "serviceAccountName": TENANT,
            "tool": {"profile": tool, "preset": "simulated", "repo": repo},
            "target": {"namespace": f"{namespace}-{tool}"[:63].rstrip("-")},
            "timeout": "8m",
        },
    }


CLUSTER_KINDS = (
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
    ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"),
    ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"),
    ("networking.k8s.io/v1", "IngressClass"),
    ("apiregistration.k8s.io/v1", "APIService"),
)


def labelled_cluster_objects(kube: Any, uid: str) -> list[str]:
    """Cluster-scoped objects still carrying the trial's uid label and not being deleted."""
    found = []
    for api_version, kind in CLUSTER_KINDS:
        for live in kube.list(api_version, kind, namespace=None, labels={"toollab.dev/trial-uid": uid}):
            if not live["metadata"].get("deletionTimestamp"):
                found.append(f"{kind}/{live['metadata']['name']}")
    return found


def record(tool: str, figures: dict[str, Any]) -> None:
    FIGURES.parent.mkdir(exist_ok=True)
    known = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    FIGURES.write_text(json.dumps(known | {tool: figures}, indent=2, sort_keys=True))


@pytest.mark.parametrize("tool", TOOLS)
def test_the_tool_passes_its_profiles_health_steps_and_cleans_up(
    tool: str,
    lab: str,
    kube: Any,
    catalog: list[str],
    mirror_repo: str,
    read_status: Callable[[str, str], dict[str, Any]],
) -> None:
    namespace = lab
    assert tool in catalog
    profile = yaml.safe_load((REPO / "catalog" / f"{tool}.yaml").read_text())
    started = time.monotonic()
    kube.create(profile_trial(tool, namespace, mirror_repo), namespace=namespace)
    status = wait_for(lambda: (s := read_status(tool, namespace)).get("phase") in FINAL and s, timeout=480)
    ready = {c["type"]: c for c in status.get("conditions", [])}["Ready"]
    assert status["phase"] == "Passed", ready.get("message")
    health = [s["name"] for s in profile["spec"]["health"]["steps"]]
    assert [s["name"] for s in status["steps"]] == health
    install = status["install"]
    assert (install["profile"], install["preset"]) == (tool, "simulated")
    assert [p["name"] for p in install["parts"]] == [p["name"] for p in profile["spec"]["install"]["parts"]]
    assert {p["version"] for p in install["parts"]} == {profile["spec"]["defaultVersion"]}
    assert status["environment"]["type"] == "simulated" and status["environment"]["nodes"] >= 1
    assert "Simulated:" in ready["message"]
    uid = kube.get("toollab.dev/v1alpha1", "ToolTrial", name=tool, namespace=namespace)["metadata"]["uid"]
    # the default cleanup policy removes the tool once it has its verdict, and audits what is left
    done = wait_for(
        lambda: (s := read_status(tool, namespace)).get("run", {}).get("stage") == "CleanedUp" and s,
        timeout=180,
    )
    assert done["leftovers"] == []
    card = done["scorecard"]
    closed = [f for f in card.get("findings", []) if f["check"] == "fail-closed-webhook"]
    assert len(closed) == FAIL_CLOSED.get(tool, 0), closed
    wait_for(lambda: not labelled_cluster_objects(kube, uid), timeout=90)
    record(
        tool,
        {
            "readyInSeconds": status["timeToReadySeconds"],
            "installSeconds": install["seconds"],
            "objects": install["objects"],
            "clusterScoped": (status.get("footprint") or {}).get("clusterScopedObjects"),
            "footprint": status.get("footprint"),
            "leftovers": done.get("leftovers", []),
            "failClosedWebhooks": len(closed),
            "wallSeconds": round(time.monotonic() - started, 1),
        },
    )
