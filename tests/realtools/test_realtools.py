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


def still_there(kube: Any, entry: dict[str, Any]) -> bool:
    """Whether an inventory entry's object exists and is not being deleted."""
    live = kube.get(entry["apiVersion"], entry["kind"], name=entry["name"], namespace=entry.get("namespace"))
    return live is not None and not (live.get("metadata") or {}).get("deletionTimestamp")


def record(tool: str, figures: dict[str, Any]) -> None:
    FIGURES.parent.mkdir(exist_ok=True)
    known = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    FIGURES.write_text(json.dumps(known | {tool: figures}, indent=2, sort_keys=True))


@pytest.mark.parametrize("tool", TOOLS)
def test_the_tool_passes_its_profiles_health_steps_and_cleans_up(
    tool: str,
    namespace: str,
    kube: Any,
    operator: Any,
    catalog: list[str],
    mirror_repo: str,
    trial_status: Callable[[str, str], dict[str, Any]],
) -> None:
    assert tool in catalog
    profile = yaml.safe_load((REPO / "catalog" / f"{tool}.yaml").read_text())
    started = time.monotonic()
    kube.create(profile_trial(tool, namespace, mirror_repo), namespace=namespace)
    status = wait_for(lambda: (s := trial_status(tool, namespace)).get("phase") in FINAL and s, timeout=480)
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
    inventory = status["inventory"]["entries"]
    created = [e for e in inventory if e.get("created") and e["kind"] != "Namespace"]
    cluster_scoped = [e for e in created if not e.get("namespace")]
    # the default cleanup policy removes the tool once it has its verdict
    done = wait_for(
        lambda: (s := trial_status(tool, namespace)).get("run", {}).get("stage") == "CleanedUp" and s,
        timeout=180,
    )
    wait_for(lambda: not [e for e in cluster_scoped if still_there(kube, e)], timeout=60)
    record(
        tool,
        {
            "readyInSeconds": status["timeToReadySeconds"],
            "installSeconds": install["seconds"],
            "objects": install["objects"],
            "clusterScopedCreated": len(cluster_scoped),
            "footprint": status.get("footprint"),
            "leftovers": done.get("leftovers", []),
            "wallSeconds": round(time.monotonic() - started, 1),
        },
    )
