"""The e2e operator really is the shipped one: its ServiceAccount, exactly the RBAC in manifests/,
and that RBAC is enough: running a trial, the operator is refused nothing it asks for itself."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from tests.e2e import trials
from tests.e2e.conftest import OperatorProcess
from tests.support import shipped
from toollab.cluster import kube as kube_module

OPERATOR_USER = f"system:serviceaccount:{shipped.OPERATOR_NAMESPACE}:{shipped.OPERATOR_ACCOUNT}"


def _who(cluster: Any) -> str:
    review = {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}
    answer = cluster.request("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", body=review)
    return str(answer["status"]["userInfo"]["username"])


def _may(
    cluster: Any, verb: str, resource: str, *, group: str = "", namespace: str = "", name: str = ""
) -> bool:
    attributes = {"verb": verb, "resource": resource, "group": group, "namespace": namespace, "name": name}
    review = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": {k: v for k, v in attributes.items() if v}},
    }
    answer = cluster.request("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", body=review)
    return bool(answer["status"].get("allowed"))


def test_the_operator_acts_as_its_service_account_and_may_not_install_anything(
    operator_kubeconfig: str, namespace: str
) -> None:
    cluster = kube_module.KubeCluster.from_kubeconfig(operator_kubeconfig)
    try:
        assert _who(cluster) == OPERATOR_USER
        assert _may(cluster, "create", "namespaces")
        assert _may(cluster, "impersonate", "serviceaccounts", namespace=namespace, name="lab-runner")
        assert _may(cluster, "bind", "clusterroles", group="rbac.authorization.k8s.io", name="toollab-tenant")
        refused = [
            ("create", "deployments", "apps", namespace, ""),
            ("list", "pods", "", namespace, ""),
            ("get", "secrets", "", namespace, ""),
            ("patch", "namespaces", "", "", namespace),
            ("create", "clusterroles", "rbac.authorization.k8s.io", "", ""),
            ("bind", "clusterroles", "rbac.authorization.k8s.io", "", "cluster-admin"),
            ("escalate", "clusterroles", "rbac.authorization.k8s.io", "", "toollab-tenant"),
        ]
        for verb, resource, group, ns, name in refused:
            assert not _may(cluster, verb, resource, group=group, namespace=ns, name=name), (verb, resource)
    finally:
        cluster.close()


def test_running_a_trial_the_shipped_operator_is_refused_nothing(
    kube: Any,
    other_namespace: str,
    start_operator: Callable[..., OperatorProcess],
    chart_repo: str,
    trial_status: Any,
) -> None:
    """A helm trial from install to cleanup; Kopf's and toollab's own requests all succeed."""
    process = start_operator(other_namespace)
    nodes = len(kube.list("v1", "Node", namespace=None))  # the footprint is read at the verdict:
    with trials.created(kube, trials.agent_trial(other_namespace, chart_repo, ready=nodes)):  # all pods up
        status = trials.wait_phase(trial_status, "agent", other_namespace, "Passed", "Failed", "Error")
        assert status["phase"] == "Passed", trials.condition(status, "Ready")
        assert status["footprint"]["pods"] == nodes
    trials.wait_gone(kube, "v1", "Namespace", f"{other_namespace}-agent", None)
    log = process.output(chars=200_000)
    assert "forbidden" not in log.lower(), log[-3000:]
    assert process.alive


def test_the_operator_its_watches_and_helm_all_use_the_context_it_is_given(
    kube: Any,
    other_namespace: str,
    operator_kubeconfig: str,
    start_operator: Callable[..., OperatorProcess],
    chart_repo: str,
    trial_status: Any,
    tmp_path: Path,
) -> None:
    """The kubeconfig's current context leads nowhere; `--context` names the operator's."""
    config = yaml.safe_load(Path(operator_kubeconfig).read_text())
    good = config["current-context"]
    user = config["contexts"][0]["context"]["user"]
    config["clusters"].append({"name": "nowhere", "cluster": {"server": "https://127.0.0.1:1"}})
    config["contexts"].append({"name": "broken", "context": {"cluster": "nowhere", "user": user}})
    config["current-context"] = "broken"
    path = tmp_path / "two-contexts"
    path.write_text(yaml.safe_dump(config))
    process = start_operator(other_namespace, extra=["--kubeconfig", str(path), "--context", good])
    with trials.created(kube, trials.agent_trial(other_namespace, chart_repo)):
        status = trials.wait_phase(trial_status, "agent", other_namespace, "Passed", "Failed", "Error")
        assert status["phase"] == "Passed", trials.condition(status, "Ready")  # helm reached it too
    assert process.alive, process.output()
