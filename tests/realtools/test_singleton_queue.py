"""Two trials of a cluster-singleton tool never run at the same time: the second waits in phase
Queued, naming the trial that has the tool installed (its Lease), and installs once that trial's
tool is gone; both pass. LitmusChaos core is the pair (shared CRDs and a fixed-name ClusterRole)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from tests.e2e.conftest import wait_for
from tests.realtools.test_realtools import FINAL, profile_trial
from tests.support import shipped

TOOL = "litmus"
LEASE = "toollab-tool-litmus"


def named(tool: str, name: str, lab: str, repo: str, **spec: Any) -> dict[str, Any]:
    body = profile_trial(tool, lab, repo)
    body["metadata"]["name"] = name
    body["spec"]["target"]["namespace"] = f"{lab}-{name}"
    body["spec"].update(spec)
    return body


def holder(kube: Any) -> str:
    lease = kube.get("coordination.k8s.io/v1", "Lease", name=LEASE, namespace=shipped.OPERATOR_NAMESPACE)
    return str(((lease or {}).get("spec") or {}).get("holderIdentity") or "")


def test_the_second_trial_queues_behind_the_first_and_both_pass(
    lab: str,
    kube: Any,
    catalog: list[str],
    mirror_repo: str,
    read_status: Callable[[str, str], dict[str, Any]],
) -> None:
    first = named(TOOL, "first", lab, mirror_repo, cleanup={"policy": "Retain"})
    kube.create(first, namespace=lab)
    done = wait_for(lambda: (s := read_status("first", lab)).get("phase") in FINAL and s, timeout=240)
    assert done["phase"] == "Passed"
    uid = kube.get("toollab.dev/v1alpha1", "ToolTrial", name="first", namespace=lab)["metadata"]["uid"]
    assert holder(kube) == f"{lab}/first/{uid}"

    kube.create(named(TOOL, "second", lab, mirror_repo), namespace=lab)
    queued = wait_for(lambda: (s := read_status("second", lab)).get("phase") == "Queued" and s, timeout=60)
    message = {c["type"]: c for c in queued["conditions"]}["Reconciling"]["message"]
    assert f"trial {lab}/first has it installed" in message and LEASE in message
    time.sleep(8)  # several passes later it still waits, and never installed anything
    waiting = read_status("second", lab)
    assert waiting["phase"] == "Queued" and "install" not in waiting
    crd = kube.get(
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        name="chaosengines.litmuschaos.io",
        namespace=None,
    )
    assert crd is not None and crd["metadata"]["labels"]["toollab.dev/trial-uid"] == uid  # the first's

    kube.delete("toollab.dev/v1alpha1", "ToolTrial", name="first", namespace=lab)
    second = wait_for(lambda: (s := read_status("second", lab)).get("phase") in FINAL and s, timeout=240)
    assert second["phase"] == "Passed", second["conditions"]
    wait_for(lambda: read_status("second", lab).get("run", {}).get("stage") == "CleanedUp", timeout=120)
    wait_for(lambda: holder(kube) == "", timeout=30)  # released after its cleanup
