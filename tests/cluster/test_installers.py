"""The installers against the local cluster: real helm, our charts over http, server-side apply."""

from __future__ import annotations

import base64
import gzip
import json
import secrets
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support import chartserver
from toollab import errors
from toollab.installers import base, helm, manifests, process
from toollab.model import quantities, trial
from toollab.runner import footprint

CRD_API = "apiextensions.k8s.io/v1"
RBAC_API = "rbac.authorization.k8s.io/v1"


def wait_for(check: Callable[[], Any], *, timeout: float = 30.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what}: not met within {timeout:.0f}s")


@pytest.fixture(scope="module")
def repo() -> Iterator[str]:
    with chartserver.chart_repo() as url:
        yield url


def make_ctx(kube: Any, kubeconfig: str, namespace: str, **kwargs: Any) -> base.InstallContext:
    return base.InstallContext(
        trial_name=kwargs.pop("trial_name", "lab"),
        trial_uid=secrets.token_hex(8),
        trial_namespace=namespace,
        target_namespace=namespace,
        cluster=kwargs.pop("cluster", kube),
        allow_http=True,
        kubeconfig=kubeconfig,
        timeout_seconds=60,
        **kwargs,
    )


def helm_installer(repo: str, chart: str, **values: Any) -> helm.HelmInstaller:
    source = trial.HelmSource(repo=repo, chart=chart, version="1.0.0", values=values)
    return helm.HelmInstaller(
        source, runner=process.SubprocessRunner(), helm_path=str(chartserver.helm_path())
    )


def release_status(ctx: base.InstallContext) -> str:
    argv = helm.status_argv(
        helm=str(chartserver.helm_path()), release=ctx.release_name, namespace=ctx.target_namespace,
        kubeconfig=ctx.kubeconfig,
    )  # fmt: skip
    done = process.SubprocessRunner().run(argv, env=None, timeout=60)
    return helm.parse_release(done.stdout).status if done.ok else "absent"


def exists(kube: Any, entry: Any) -> bool:
    try:
        return kube.get(entry.api_version, entry.kind, name=entry.name, namespace=entry.namespace) is not None
    except errors.UnknownKind:
        return False


def test_helm_installs_the_agent_chart_and_uninstall_leaves_nothing(
    kube: Any, kubeconfig: str, namespace: str, repo: str
) -> None:
    ctx = make_ctx(kube, kubeconfig, namespace)
    installer = helm_installer(repo, "agent")
    result = installer.install(ctx)
    assert (result.method, result.chart, result.version, result.app_version) == (
        "helm",
        "agent",
        "1.0.0",
        "0.44.1",
    )
    assert sorted((e.kind, e.namespace, e.created) for e in result.objects) == [
        ("ClusterRole", None, True),
        ("ClusterRoleBinding", None, True),
        ("ConfigMap", namespace, True),
        ("DaemonSet", namespace, True),
        ("ServiceAccount", namespace, True),
    ]
    assert all(exists(kube, entry) for entry in result.objects)
    assert release_status(ctx) == "deployed"

    again = installer.install(ctx)  # a repeated pass converges on the same objects
    assert again.objects == result.objects

    installer.uninstall(ctx, result.objects)
    assert release_status(ctx) == "absent"
    assert [str(entry) for entry in result.objects if exists(kube, entry)] == []


def test_every_object_of_a_helm_install_carries_the_trial_labels(
    kube: Any, kubeconfig: str, namespace: str, repo: str
) -> None:
    ctx = make_ctx(kube, kubeconfig, namespace)
    installer = helm_installer(repo, "agent")
    result = installer.install(ctx)
    try:
        live = [kube.get(e.api_version, e.kind, name=e.name, namespace=e.namespace) for e in result.objects]
        labels = {f"{obj['kind']}/{obj['metadata']['name']}": obj["metadata"].get("labels") for obj in live}
        assert len(labels) == 5
        unlabelled = [key for key, found in labels.items() if not ctx.labels.items() <= (found or {}).items()]
        assert unlabelled == []
        chart_labels = {found.get("app.kubernetes.io/name") for found in labels.values()}
        assert chart_labels == {"agent"}  # the chart's own labels stay
    finally:
        installer.uninstall(ctx, result.objects)


def test_uninstall_finds_cluster_scoped_objects_by_label_when_the_release_record_is_gone(
    kube: Any, kubeconfig: str, namespace: str, repo: str
) -> None:
    ctx = make_ctx(kube, kubeconfig, namespace)
    installer = helm_installer(repo, "agent")
    scoped = [e for e in installer.install(ctx).objects if e.namespace is None]
    assert sorted(e.kind for e in scoped) == ["ClusterRole", "ClusterRoleBinding"]
    kube.delete("v1", "Secret", name=f"sh.helm.release.v1.{ctx.release_name}.v1", namespace=namespace)
    assert release_status(ctx) == "absent"

    try:
        installer.uninstall(ctx, [])  # helm knows nothing, nothing was recorded: only the labels tell
        assert [str(e) for e in scoped if exists(kube, e)] == []
    finally:
        for entry in scoped:
            kube.delete(entry.api_version, entry.kind, name=entry.name, namespace=None)


def test_the_agent_footprint_counts_its_privileged_pods(
    kube: Any, kubeconfig: str, namespace: str, repo: str
) -> None:
    ctx = make_ctx(kube, kubeconfig, namespace)
    installer = helm_installer(repo, "agent")
    result = installer.install(ctx)
    try:
        nodes = len(kube.list("v1", "Node", namespace=None))
        pods = wait_for(
            lambda: (found := kube.list("v1", "Pod", namespace=namespace)) and len(found) == nodes and found,
            what=f"one agent pod on each of {nodes} nodes",
        )
        seen = footprint.compute_footprint(pods=pods, cluster_scoped_objects=result.cluster_scoped_objects)
        assert (seen.pods, seen.containers) == (nodes, 2 * nodes)
        assert (seen.privileged_containers, seen.host_path_volumes) == (nodes, 4 * nodes)
        assert seen.cpu_requests == quantities.format_cpu(quantities.parse_quantity("110m") * nodes)
        assert seen.memory_requests == quantities.format_memory(quantities.parse_quantity("576Mi") * nodes)
        assert seen.cluster_scoped_objects == 2
    finally:
        installer.uninstall(ctx, result.objects)


def _rewrite_release(kube: Any, namespace: str, release: str, status: str) -> None:
    """Make the stored release look like a helm process died mid-operation."""
    name = f"sh.helm.release.v1.{release}.v1"
    secret = kube.get("v1", "Secret", name=name, namespace=namespace)
    record = json.loads(gzip.decompress(base64.b64decode(base64.b64decode(secret["data"]["release"]))))
    record["info"]["status"] = status
    encoded = base64.b64encode(gzip.compress(json.dumps(record).encode())).decode()
    patch = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name, "labels": {"status": status}},
        "data": {"release": base64.b64encode(encoded.encode()).decode()},
    }
    kube.apply(patch, namespace=namespace, field_manager="test-crash")


def test_a_release_left_pending_install_is_reinstalled(
    kube: Any, kubeconfig: str, namespace: str, repo: str
) -> None:
    ctx = make_ctx(kube, kubeconfig, namespace)
    installer = helm_installer(repo, "agent")
    installer.install(ctx)
    _rewrite_release(kube, namespace, ctx.release_name, "pending-install")
    assert release_status(ctx) == "pending-install"

    result = installer.install(ctx)
    assert release_status(ctx) == "deployed"
    assert exists(kube, next(e for e in result.objects if e.kind == "DaemonSet"))
    installer.uninstall(ctx, result.objects)


def _delete_and_wait(kube: Any, api_version: str, kind: str, name: str) -> None:
    kube.delete(api_version, kind, name=name, namespace=None)
    wait_for(
        lambda: kube.get(api_version, kind, name=name, namespace=None) is None, what=f"{kind} {name} gone"
    )


def test_a_chart_crd_is_inventoried_labelled_and_removed(
    kube: Any, kubeconfig: str, namespace: str, repo: str
) -> None:
    crd_name = "chaosengines.lab.toollab.dev"
    _delete_and_wait(
        kube, CRD_API, "CustomResourceDefinition", crd_name
    )  # a leftover would not count as ours
    ctx = make_ctx(kube, kubeconfig, namespace)
    installer = helm_installer(repo, "operator", customResource={"enabled": True})
    result = installer.install(ctx)
    kinds = {e.kind: e for e in result.objects}
    assert kinds["CustomResourceDefinition"].created
    assert kinds["ChaosEngine"].namespace == namespace
    crd = kube.get(CRD_API, "CustomResourceDefinition", name=crd_name, namespace=None)
    assert crd["metadata"]["labels"]["toollab.dev/trial-uid"] == ctx.trial_uid

    installer.uninstall(ctx, result.objects)
    wait_for(lambda: not exists(kube, kinds["CustomResourceDefinition"]), what="the chart's CRD removed")


def test_the_mesh_webhook_fails_open_and_blocks_nothing(
    kube: Any, kubeconfig: str, namespace: str, repo: str
) -> None:
    ctx = make_ctx(kube, kubeconfig, namespace)
    installer = helm_installer(repo, "mesh")
    result = installer.install(ctx)
    try:
        assert sum(e.kind == "Deployment" for e in result.objects) == 3
        probe = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "probe"}, "data": {"a": "b"}}
        assert kube.apply(probe, namespace=namespace)["data"] == {"a": "b"}
    finally:
        installer.uninstall(ctx, result.objects)
    assert [str(e) for e in result.objects if exists(kube, e)] == []


def test_an_identity_without_rights_gets_forbidden_and_nothing_is_installed(
    kube: Any, kubeconfig: str, namespace: str, repo: str
) -> None:
    user = base.service_account_user(namespace, "default")
    ctx = make_ctx(kube, kubeconfig, namespace, impersonate=user, cluster=kube.impersonating(user))
    with pytest.raises(errors.Forbidden, match="forbidden"):
        helm_installer(repo, "agent").install(ctx)
    assert kube.list("apps/v1", "DaemonSet", namespace=namespace) == []


# --- manifests ----------------------------------------------------------------------------


def widget_crd(group: str) -> dict[str, Any]:
    schema = {
        "type": "object",
        "properties": {"spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
    }
    return {
        "apiVersion": CRD_API,
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"widgets.{group}"},
        "spec": {
            "group": group,
            "scope": "Namespaced",
            "names": {"kind": "Widget", "plural": "widgets", "singular": "widget"},
            "versions": [
                {"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": schema}}
            ],
        },
    }


def test_manifests_apply_crd_then_cr_and_deployment_and_never_touch_a_preexisting_clusterrole(
    kube: Any, kubeconfig: str, namespace: str
) -> None:
    group = f"{namespace}.toollab.dev"  # unique per test: CRDs are cluster-wide
    shared = {
        "apiVersion": RBAC_API,
        "kind": "ClusterRole",
        "metadata": {"name": f"shared-{namespace}"},
        "rules": [],
    }
    before = kube.apply(shared, namespace=None)
    labels = {"app": "widget-operator"}
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "widget-operator"},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "op", "image": "op:1"}]},
            },
        },
    }
    widget = {"apiVersion": f"{group}/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": 3}}
    ctx = make_ctx(kube, kubeconfig, namespace, tool_version="0.1")
    crd_name = f"widgets.{group}"
    try:
        grabbing = manifests.ManifestInstaller(trial.ManifestSource(inline=(shared, widget_crd(group))))
        with pytest.raises(errors.NotOwned, match=f"ClusterRole shared-{namespace} exists and is not this"):
            grabbing.install(ctx)
        role = kube.get(RBAC_API, "ClusterRole", name=f"shared-{namespace}", namespace=None)
        assert role["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]
        wait_for(lambda: kube.get(CRD_API, "CustomResourceDefinition", name=crd_name, namespace=None) is None,
                 what="the refused attempt's CRD rolled back")  # fmt: skip

        installer = manifests.ManifestInstaller(
            trial.ManifestSource(inline=(widget, deployment, widget_crd(group)))
        )
        result = installer.install(ctx)
        assert [(e.kind, e.created) for e in result.objects] == [
            ("CustomResourceDefinition", True),
            ("Deployment", True),
            ("Widget", True),
        ]
        assert result.version == "0.1"
        stored = kube.get(f"{group}/v1", "Widget", name="w", namespace=namespace)
        assert stored["spec"] == {"size": 3}
        assert stored["metadata"]["labels"]["toollab.dev/trial-uid"] == ctx.trial_uid
        assert [e.uid for e in result.objects if e.kind == "Widget"] == [stored["metadata"]["uid"]]

        installer.uninstall(ctx, result.objects)
        wait_for(lambda: not any(exists(kube, e) for e in result.objects), what="created objects removed")
        assert kube.get(RBAC_API, "ClusterRole", name=f"shared-{namespace}", namespace=None) is not None
    finally:
        kube.delete(RBAC_API, "ClusterRole", name=f"shared-{namespace}", namespace=None)
        kube.delete(CRD_API, "CustomResourceDefinition", name=crd_name, namespace=None)


def test_manifests_are_fetched_over_http_when_allowed(
    kube: Any, kubeconfig: str, namespace: str, tmp_path: Any
) -> None:
    (tmp_path / "app.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fetched}\ndata: {k: v}\n"
    )
    from toollab.localcluster import chartserver as server

    with server.serve_directory(tmp_path) as url:
        source = trial.ManifestSource(urls=(f"{url}/app.yaml",))
        result = manifests.ManifestInstaller(source).install(make_ctx(kube, kubeconfig, namespace))
    assert [(e.kind, e.name, e.namespace) for e in result.objects] == [("ConfigMap", "fetched", namespace)]


def test_a_write_the_trial_identity_may_not_make_ends_forbidden_and_leaves_nothing(
    kube: Any, kubeconfig: str, namespace: str
) -> None:
    runner = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "runner"}}
    role = {
        "apiVersion": RBAC_API,
        "kind": "Role",
        "metadata": {"name": "configmaps"},
        "rules": [
            {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "create", "patch", "delete"]}
        ],
    }
    binding = {
        "apiVersion": RBAC_API,
        "kind": "RoleBinding",
        "metadata": {"name": "runner-configmaps"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "configmaps"},
        "subjects": [{"kind": "ServiceAccount", "name": "runner", "namespace": namespace}],
    }
    for body in (runner, role, binding):
        kube.apply(body, namespace=namespace)
    user = base.service_account_user(namespace, "runner")
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}, "data": {"a": "b"}}
    hook = {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingWebhookConfiguration",
        "metadata": {"name": f"hook-{namespace}"},
        "webhooks": [],
    }
    ctx = make_ctx(kube, kubeconfig, namespace, impersonate=user, cluster=kube.impersonating(user))
    with pytest.raises(errors.Forbidden):
        manifests.ManifestInstaller(trial.ManifestSource(inline=(hook, config))).install(ctx)
    assert kube.get("v1", "ConfigMap", name="settings", namespace=namespace) is None
    assert kube.get(hook["apiVersion"], hook["kind"], name=f"hook-{namespace}", namespace=None) is None


# --- the process seam ---------------------------------------------------------------------


def test_a_command_that_runs_too_long_is_an_install_error() -> None:
    with pytest.raises(errors.InstallError, match=r"did not finish within 0\.2s"):
        process.SubprocessRunner().run(["sleep", "5"], env=None, timeout=0.2)


def test_a_missing_program_is_an_install_error() -> None:
    with pytest.raises(errors.InstallError, match="could not start"):
        process.SubprocessRunner().run(["/nonexistent/helm", "version"], env=None, timeout=5)


def test_a_failing_command_returns_its_status_and_output() -> None:
    done = process.SubprocessRunner().run([str(chartserver.helm_path()), "nonsense"], env=None, timeout=30)
    assert done.returncode != 0 and "unknown command" in done.stderr
