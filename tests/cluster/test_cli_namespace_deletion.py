"""`toollab test` empties and finalizes a finished case's namespace itself, on the local cluster.

The namespace controller starts 5 s after a namespace is deleted; toollab does its job at once
where the control plane runs one API server, and hands the namespace back to it when it cannot.
Each test runs `toollab test` as a user would and checks what is left on the API server.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import shipped
from toollab.cli import main
from toollab.cluster import kube as kube_module

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
"""
ASSERT = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nstatus: {readyReplicas: 2}\n"
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: b}\n"


def write_suite(root: Path) -> Path:
    files = {"t/web/00-create.yaml": DEPLOYMENT + "---\n" + CONFIGMAP, "t/web/00-assert.yaml": ASSERT}
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    return root / "t"


@pytest.fixture
def finalizes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The namespaces toollab finalized, as the API server saw the requests."""
    seen: list[str] = []
    request = kube_module.KubeCluster.request

    def spy(self: kube_module.KubeCluster, method: str, path: str, **kwargs: Any) -> Any:
        answer = request(self, method, path, **kwargs)
        if method == "PUT" and path.endswith("/finalize"):
            seen.append(path.split("/")[4])
        return answer

    monkeypatch.setattr(kube_module.KubeCluster, "request", spy)
    yield seen


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main.main(["test", *argv, "-v"])
    out = capsys.readouterr().out
    found = re.search(r"setup  namespace (kuttl-\S+)", out)
    assert found is not None, out
    return status, out, found[1]


def left_in(kube: Any, namespace: str) -> list[str]:
    """Every object still stored under the namespace, in any namespaced collection."""
    found = []
    groups = ["/api/v1"] + [
        f"/apis/{g['preferredVersion']['groupVersion']}" for g in kube.request("GET", "/apis")["groups"]
    ]
    for group in groups:
        for resource in kube.request("GET", group).get("resources", []):
            if "/" in resource["name"] or not resource.get("namespaced") or "list" not in resource["verbs"]:
                continue
            items = kube.request("GET", f"{group}/namespaces/{namespace}/{resource['name']}").get("items", [])
            found += [f"{resource['kind']} {item['metadata']['name']}" for item in items]
    return found


def test_toollab_empties_and_finalizes_the_namespace_leaving_nothing_behind(
    kubeconfig: str, kube: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], finalizes: list[str]
) -> None:
    status, out, namespace = run(capsys, str(write_suite(tmp_path)), "--timeout", "20")
    assert status == 0, out
    assert finalizes == [namespace]
    assert kube.get("v1", "Namespace", name=namespace, namespace=None) is None
    assert left_in(kube, namespace) == []  # pods, replica sets, the default ServiceAccount: all gone


def test_controller_mode_leaves_the_namespace_to_the_namespace_controller(
    kubeconfig: str, kube: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], finalizes: list[str]
) -> None:
    suite = str(write_suite(tmp_path))
    status, out, namespace = run(capsys, suite, "--timeout", "20", "--namespace-deletion", "controller")
    assert status == 0, out
    assert finalizes == []
    assert "web  cleanup  namespace left to the namespace controller: --namespace-deletion controller" in out
    assert kube.get("v1", "Namespace", name=namespace, namespace=None) is None
    assert left_in(kube, namespace) == []


def test_a_tester_who_may_not_empty_a_namespace_gets_the_namespace_controllers_way(
    kubeconfig: str, kube: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], finalizes: list[str]
) -> None:
    """Rights for the case's own objects only (no deletecollection, no finalize): the case passes
    and the namespace still goes, deleted by the namespace controller."""
    name = "toollab-plain-tester"
    role = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": name},
        "rules": [
            {
                "apiGroups": ["", "apps"],
                "resources": CASE_RESOURCES,
                "verbs": ["get", "list", "create", "patch", "delete"],
            },
            {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["get", "list"]},
            {"nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*", "/version"], "verbs": ["get"]},
        ],
    }
    account = {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": name, "namespace": "default"},
    }
    binding = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": {"name": name},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name},
        "subjects": [{"kind": "ServiceAccount", "name": name, "namespace": "default"}],
    }
    objects = [role, account, binding]
    shipped.apply_all(kube, objects)
    try:
        token = shipped.token_for(kube, "default", name)
        config = shipped.write_token_kubeconfig(kubeconfig, token, tmp_path / "tester", user=name)
        suite = str(write_suite(tmp_path))
        status, out, namespace = run(capsys, suite, "--timeout", "20", "--kubeconfig", config)
        assert status == 0, out
        assert finalizes == []  # refused at the first collection it may not empty
        assert re.search(
            rf"^web  cleanup  namespace left to the namespace controller: toollab cannot empty"
            rf" namespace {namespace} itself: .*forbidden",
            out,
            re.MULTILINE,
        ), out
        assert kube.get("v1", "Namespace", name=namespace, namespace=None) is None
    finally:
        shipped.remove(kube, objects)


CASE_RESOURCES = ["namespaces", "configmaps", "deployments", "replicasets", "pods"]


CHAINSAW_TEST = """\
apiVersion: chainsaw.kyverno.io/v1alpha1
kind: Test
metadata: {name: web}
spec:
  steps:
    - try:
        - apply:
            file: deployment.yaml
        - assert:
            resource:
              apiVersion: apps/v1
              kind: Deployment
              metadata: {name: web}
              status: {readyReplicas: 2}
"""


def test_a_chainsaw_tests_namespace_is_emptied_and_finalized_too(
    kubeconfig: str, kube: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], finalizes: list[str]
) -> None:
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "chainsaw-test.yaml").write_text(CHAINSAW_TEST)
    (tmp_path / "web" / "deployment.yaml").write_text(DEPLOYMENT)
    status = main.main(["test", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 0, out
    assert len(finalizes) == 1 and finalizes[0].startswith("chainsaw-"), finalizes
    assert kube.get("v1", "Namespace", name=finalizes[0], namespace=None) is None
    assert left_in(kube, finalizes[0]) == []
