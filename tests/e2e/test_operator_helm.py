"""Helm trials: our charts shaped like real tools install, pass, report footprint, and clean up."""

from __future__ import annotations

from typing import Any

from tests.e2e import trials

CRD_API = "apiextensions.k8s.io/v1"
CHAOS_CRD = "chaosengines.lab.toollab.dev"


def _nodes(kube: Any) -> int:
    return len(kube.list("v1", "Node", namespace=None))


def _agent_footprint(nodes: int) -> dict[str, Any]:
    """Per node: one pod with a privileged agent (4 hostPath volumes) and an exporter container."""
    return {
        "pods": nodes,
        "containers": 2 * nodes,
        "cpuRequests": f"{110 * nodes}m",
        "memoryRequests": f"{576 * nodes}Mi",
        "privilegedContainers": nodes,
        "hostPathVolumes": 4 * nodes,
        "clusterScopedObjects": 2,  # ClusterRole + ClusterRoleBinding
    }


def _printed(namespace: str, kubeconfig: str) -> tuple[list[str], list[str]]:
    """`kubectl get tt`: the header and the first row, split into columns."""
    table = trials.run_tool("kubectl", "get", "tt", "--namespace", namespace, kubeconfig=kubeconfig)
    header, row = table.splitlines()[:2]
    return header.split(), row.split()


def test_the_agent_chart_passes_with_version_footprint_and_time_to_ready(
    operator: Any, kube: Any, namespace: str, chart_repo: str, trial_status: Any, kubeconfig: str
) -> None:
    nodes = _nodes(kube)
    target = f"{namespace}-agent"
    daemonset = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"}}
    daemonset["status"] = {"numberReady": nodes}
    body = trials.tool_trial(
        "agent",
        namespace,
        source=trials.helm(chart_repo, "agent"),
        steps=[trials.step("running", assert_=[daemonset])],
        target=target,
        cleanup={"policy": "Retain"},
    )
    with trials.created(kube, body):
        status = trials.wait_phase(trial_status, "agent", namespace, "Passed", "Failed", "Error")
        assert status["phase"] == "Passed", status
        assert status["install"]["method"] == "helm"
        assert (status["install"]["chart"], status["install"]["version"]) == ("agent", "1.0.0")
        assert status["install"]["appVersion"] == "0.44.1"
        assert status["footprint"] == _agent_footprint(nodes)
        assert 0 < status["timeToReadySeconds"] < 60
        assert status["passedText"] == "1/1"
        assert trials.condition(status, "Ready")["status"] == "True"

        header, row = _printed(namespace, kubeconfig)
        assert header == ["NAME", "TOOL", "VERSION", "PHASE", "PASSED", "READY-IN", "AGE"]
        assert row[:5] == ["agent", "agent", "1.0.0", "Passed", "1/1"]
        assert float(row[5]) == status["timeToReadySeconds"]
    # deletion removed the release, the cluster-scoped RBAC it created, and its namespace
    assert trials.helm_releases(target, kubeconfig=kubeconfig) == []
    for kind in ("ClusterRole", "ClusterRoleBinding"):
        assert kube.get("rbac.authorization.k8s.io/v1", kind, name=f"agent-{target}", namespace=None) is None
    trials.wait_gone(kube, "v1", "Namespace", target, None)


def _chaos_crd_exists(kube: Any) -> bool:
    """Whether the operator chart's CRD exists (once one an earlier test deleted is gone)."""
    crd = kube.get(CRD_API, "CustomResourceDefinition", name=CHAOS_CRD, namespace=None)
    if crd is not None and crd["metadata"].get("deletionTimestamp"):
        trials.wait_gone(kube, CRD_API, "CustomResourceDefinition", CHAOS_CRD, None)
        return False
    return crd is not None


def test_the_operator_chart_installs_its_crd_first_then_its_custom_resource(
    operator: Any, kube: Any, namespace: str, chart_repo: str, trial_status: Any
) -> None:
    crd_existed = _chaos_crd_exists(kube)
    engine = {
        "apiVersion": "lab.toollab.dev/v1alpha1",
        "kind": "ChaosEngine",
        "metadata": {"name": "demo-engine"},
        "spec": {"engineState": "active", "experiments": [{"name": "pod-delete"}]},
    }
    body = trials.tool_trial(
        "litmus",
        namespace,
        source=trials.helm(chart_repo, "operator", values={"customResource": {"enabled": True}}),
        steps=[
            trials.step("operator-up", assert_=[trials.available("litmus-chaos-operator")]),
            trials.step("engine", assert_=[engine]),
        ],
        target=f"{namespace}-litmus",
        cleanup={"policy": "Retain"},
    )
    with trials.created(kube, body):
        status = trials.wait_phase(trial_status, "litmus", namespace, "Passed", "Failed", "Error")
        assert status["phase"] == "Passed", trials.condition(status, "Ready")["message"]
        assert (status["install"]["chart"], status["install"]["appVersion"]) == ("operator", "3.20.0")
        crd_entries = [e for e in status["inventory"]["entries"] if e["kind"] == "CustomResourceDefinition"]
        assert crd_entries == [
            {
                "apiVersion": CRD_API,
                "kind": "CustomResourceDefinition",
                "name": CHAOS_CRD,
                "created": not crd_existed,
            }
        ]
        assert status["footprint"]["pods"] == 1
    if crd_existed:  # not ours: it stays
        assert kube.get(CRD_API, "CustomResourceDefinition", name=CHAOS_CRD, namespace=None) is not None
    else:  # ours: deleted; the API server removes it once its custom resources are gone too
        trials.wait_gone(kube, CRD_API, "CustomResourceDefinition", CHAOS_CRD, None, timeout=60)
    role = f"litmus-chaos-operator-{namespace}-litmus"
    assert kube.get("rbac.authorization.k8s.io/v1", "ClusterRole", name=role, namespace=None) is None


def test_the_mesh_chart_with_a_fail_open_webhook_passes(
    operator: Any, kube: Any, namespace: str, chart_repo: str, trial_status: Any
) -> None:
    target = f"{namespace}-mesh"
    webhook = f"mesh-validator-{target}"
    components = ("identity", "destination", "proxy-injector")
    body = trials.tool_trial(
        "linkerd",
        namespace,
        source=trials.helm(chart_repo, "mesh"),
        steps=[trials.step("control-plane", assert_=[trials.available(f"mesh-{c}") for c in components])],
        target=target,
        cleanup={"policy": "Retain"},
    )
    with trials.created(kube, body):
        status = trials.wait_phase(trial_status, "linkerd", namespace, "Passed", "Failed", "Error")
        assert status["phase"] == "Passed", status
        assert status["install"]["version"] == "1.0.0"
        assert status["footprint"]["pods"] == 3
        assert status["footprint"]["containers"] == 6  # a controller and a proxy each
        assert status["footprint"]["clusterScopedObjects"] == 1  # the webhook configuration
        live = kube.get(
            "admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", name=webhook, namespace=None
        )
        assert live is not None and live["webhooks"][0]["failurePolicy"] == "Ignore"
    assert (
        kube.get(
            "admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", name=webhook, namespace=None
        )
        is None
    )
