"""The helm installer's argv, release parsing, values, stuck-release recovery and inventory."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from tests.support import fakes
from toollab import errors
from toollab.installers import base, helm, objects, process
from toollab.model import records, trial

HELM = "/bin/helm"
CHART = trial.HelmSource(repo="https://charts.example.org", chart="agent", version="1.0.0")


@pytest.mark.parametrize(
    ("chart", "kwargs", "expected"),
    [
        pytest.param(
            CHART,
            {},
            "upgrade --install falco agent --repo https://charts.example.org --version 1.0.0"
            " --namespace trial-falco --timeout 300s --output json",
            id="https repo",
        ),
        pytest.param(
            trial.HelmSource(repo="oci://ghcr.io/org/charts/", chart="agent", version="2.1.0"),
            {},
            "upgrade --install falco oci://ghcr.io/org/charts/agent --version 2.1.0"
            " --namespace trial-falco --timeout 300s --output json",
            id="oci repo: chart in the reference",
        ),
        pytest.param(
            trial.HelmSource(repo="https://charts.example.org", chart="agent"),
            {},
            "upgrade --install falco agent --repo https://charts.example.org"
            " --namespace trial-falco --timeout 300s --output json",
            id="no version: latest",
        ),
        pytest.param(
            CHART,
            {
                "values_files": ["/tmp/a.yaml", "/tmp/b.yaml"],
                "impersonate": "system:serviceaccount:lab:runner",
                "kubeconfig": "/k/config",
                "timeout_seconds": 61.4,
                "labels": {"toollab.dev/trial": "falco", "a": "b"},
                "wait": True,
            },
            "upgrade --install falco agent --repo https://charts.example.org --version 1.0.0"
            " --namespace trial-falco --kubeconfig /k/config --kube-as-user system:serviceaccount:lab:runner"
            " --values /tmp/a.yaml --values /tmp/b.yaml --labels a=b,toollab.dev/trial=falco"
            " --wait --wait-for-jobs --timeout 61s --output json",
            id="everything",
        ),
    ],
)
def test_helm_argv(chart: trial.HelmSource, kwargs: dict[str, Any], expected: str) -> None:
    argv = helm.helm_argv(helm=HELM, release="falco", chart=chart, namespace="trial-falco", **kwargs)
    assert argv == [HELM, *expected.split()]


def test_values_files_keep_their_order_so_later_ones_win() -> None:
    argv = helm.helm_argv(helm=HELM, release="r", chart=CHART, namespace="n", values_files=["1", "2", "3"])
    assert [argv[i + 1] for i, arg in enumerate(argv) if arg == "--values"] == ["1", "2", "3"]


def test_other_commands_target_the_same_release_namespace_and_identity() -> None:
    kube = {"impersonate": "system:serviceaccount:lab:sa", "kubeconfig": "/k"}
    tail = ["--namespace", "ns", "--kubeconfig", "/k", "--kube-as-user", "system:serviceaccount:lab:sa"]
    assert helm.status_argv(helm=HELM, release="r", namespace="ns", **kube) == [
        HELM, "status", "r", *tail, "--output", "json",
    ]  # fmt: skip
    assert helm.uninstall_argv(helm=HELM, release="r", namespace="ns", **kube) == [
        HELM, "uninstall", "r", *tail, "--ignore-not-found",
    ]  # fmt: skip
    assert helm.rollback_argv(helm=HELM, release="r", namespace="ns", **kube) == [
        HELM,
        "rollback",
        "r",
        *tail,
    ]


def test_template_renders_crds_too() -> None:
    argv = helm.template_argv(helm=HELM, release="r", chart=CHART, namespace="ns", values_files=["v"])
    assert argv[:3] == [HELM, "template", "r"]
    assert "--include-crds" in argv
    assert argv[-2:] == ["--values", "v"]


def release_json(*, status: str = "deployed", manifest: str = "", version: int = 1) -> str:
    return json.dumps(
        {
            "name": "falco",
            "namespace": "trial-falco",
            "version": version,
            "info": {"status": status},
            "chart": {"metadata": {"name": "agent", "version": "1.0.0", "appVersion": "0.44.1"}},
            "config": {"secret": "hunter2"},
            "manifest": manifest,
        }
    )


def test_parse_release_reads_chart_version_and_app_version() -> None:
    release = helm.parse_release(release_json(status="pending-install", version=3))
    assert (release.chart, release.version, release.app_version) == ("agent", "1.0.0", "0.44.1")
    assert (release.status, release.revision) == ("pending-install", 3)


def test_parse_release_never_echoes_the_output() -> None:
    with pytest.raises(errors.InstallError) as caught:
        helm.parse_release("password: hunter2")
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize(
    ("stderr", "kind"),
    [
        (
            'Error: clusterroles.rbac.authorization.k8s.io is forbidden: User "x" cannot create',
            errors.Forbidden,
        ),
        (
            "Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress",
            errors.InstallPending,
        ),
        ("Error: looks like http://127.0.0.1:1 is not a valid chart repository", errors.InstallError),
    ],
)
def test_classify_failures(stderr: str, kind: type[errors.ToollabError]) -> None:
    error = helm.classify([HELM, "upgrade"], fakes.failed(stderr))
    assert type(error) is kind
    assert stderr.splitlines()[0] in str(error)


# --- HelmInstaller with a FakeProcessRunner ----------------------------------------------

MANIFEST = """
---
# Source: agent/templates/sa.yaml
apiVersion: v1
kind: ServiceAccount
metadata: {name: agent}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agent}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
"""
CRD = """
---
# Source: agent/crds/rules.yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: rules.lab.toollab.dev}
spec:
  group: lab.toollab.dev
  scope: Namespaced
  names: {kind: Rule, plural: rules}
  versions: [{name: v1, served: true, storage: true}]
"""


def make_ctx(cluster: fakes.FakeCluster, **kwargs: Any) -> base.InstallContext:
    return base.InstallContext(
        trial_name="falco",
        trial_uid="uid-1",
        trial_namespace="lab",
        target_namespace="trial-falco",
        cluster=cluster,
        **kwargs,
    )


def installer(
    runner: fakes.FakeProcessRunner, tmp_path: Path, chart: trial.HelmSource = CHART
) -> helm.HelmInstaller:
    return helm.HelmInstaller(
        chart, runner=runner, helm_path=HELM, home=tmp_path, clock=iter([10.0, 14.5]).__next__
    )


def happy_runner(status: fakes.Reply | None = None) -> fakes.FakeProcessRunner:
    runner = fakes.FakeProcessRunner()
    runner.reply("status", status or fakes.failed("Error: release: not found"))
    runner.reply("template", fakes.ok(CRD + MANIFEST))
    return runner.reply("upgrade", fakes.ok(release_json(manifest=MANIFEST)))


def test_install_reports_chart_versions_and_inventory(tmp_path: Path) -> None:
    cluster = fakes.FakeCluster()
    result = installer(happy_runner(), tmp_path).install(make_ctx(cluster))
    assert (result.method, result.chart, result.version, result.app_version) == (
        "helm",
        "agent",
        "1.0.0",
        "0.44.1",
    )
    assert result.seconds == 4.5
    assert result.release == "falco"
    assert [(e.kind, e.namespace, e.created) for e in result.objects] == [
        ("CustomResourceDefinition", None, True),  # from crds/: helm tracks it nowhere else
        ("ServiceAccount", "trial-falco", True),
        ("ClusterRole", None, True),
        ("DaemonSet", "trial-falco", True),
    ]
    assert result.info() == records.InstallInfo("helm", "agent", "1.0.0", "0.44.1", objects=4, seconds=4.5)


def test_install_marks_cluster_scoped_objects_that_existed_before(tmp_path: Path) -> None:
    cluster = fakes.FakeCluster()
    cluster.add(
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "agent"}}
    )
    result = installer(happy_runner(), tmp_path).install(make_ctx(cluster))
    created = {e.kind: e.created for e in result.objects}
    assert created["ClusterRole"] is False
    assert created["CustomResourceDefinition"] is True


def test_objects_left_by_our_own_earlier_attempt_count_as_created(tmp_path: Path) -> None:
    cluster = fakes.FakeCluster()
    helm_marks = {"meta.helm.sh/release-name": "falco", "meta.helm.sh/release-namespace": "trial-falco"}
    role = {"metadata": {"name": "agent", "annotations": helm_marks}}
    cluster.add({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", **role})
    result = installer(happy_runner(), tmp_path).install(make_ctx(cluster))
    assert all(entry.created for entry in result.objects)


def test_created_crds_get_the_trial_labels_so_a_retry_knows_them(tmp_path: Path) -> None:
    cluster = fakes.FakeCluster()
    cluster.add(
        {
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": {"name": "x"},
        }
    )
    ctx = make_ctx(cluster)
    installer(happy_runner(), tmp_path).install(ctx)
    crd = cluster.get(
        "apiextensions.k8s.io/v1", "CustomResourceDefinition", name="rules.lab.toollab.dev", namespace=None
    )
    assert crd is not None
    assert crd["metadata"]["labels"] == ctx.labels
    second = installer(happy_runner(), tmp_path).install(ctx)
    assert {e.name: e.created for e in second.objects}["rules.lab.toollab.dev"] is True


def test_install_runs_status_template_then_upgrade_as_the_trial_identity(tmp_path: Path) -> None:
    runner = happy_runner()
    ctx = make_ctx(fakes.FakeCluster(), impersonate="system:serviceaccount:lab:runner", kubeconfig="/k")
    installer(runner, tmp_path).install(ctx)
    assert runner.subcommands() == ["status", "template", "upgrade"]
    upgrade = runner.calls[-1]
    assert upgrade[upgrade.index("--kube-as-user") + 1] == "system:serviceaccount:lab:runner"
    assert (
        upgrade[upgrade.index("--labels") + 1]
        == "toollab.dev/trial=falco,toollab.dev/trial-namespace=lab,toollab.dev/trial-uid=uid-1"
    )
    env = runner.envs[-1]
    assert env is not None
    assert env["HELM_CACHE_HOME"] == str(tmp_path / "cache")


def test_helm_runs_in_an_empty_folder_so_a_local_folder_never_shadows_the_chart(tmp_path: Path) -> None:
    runner = happy_runner()
    installer(runner, tmp_path).install(make_ctx(fakes.FakeCluster()))
    assert set(runner.cwds) == {str(tmp_path / "work")}
    assert list((tmp_path / "work").iterdir()) == []


@pytest.mark.parametrize(
    ("status", "recovery"),
    [
        ("pending-install", ["uninstall"]),
        ("uninstalling", ["uninstall"]),
        ("pending-upgrade", ["rollback"]),
        ("pending-rollback", ["rollback"]),
        ("deployed", []),
        ("failed", []),
    ],
)
def test_a_stuck_release_is_recovered_before_installing(
    tmp_path: Path, status: str, recovery: list[str]
) -> None:
    runner = happy_runner(fakes.ok(release_json(status=status)))
    installer(runner, tmp_path).install(make_ctx(fakes.FakeCluster()))
    assert runner.subcommands() == ["status", *recovery, "template", "upgrade"]


def test_status_failing_for_another_reason_stops_the_install(tmp_path: Path) -> None:
    runner = happy_runner(
        fakes.failed('Error: secrets is forbidden: User "x" cannot list resource "secrets"')
    )
    with pytest.raises(errors.Forbidden, match="helm status exited 1"):
        installer(runner, tmp_path).install(make_ctx(fakes.FakeCluster()))
    assert runner.subcommands() == ["status"]


def test_a_failed_upgrade_is_an_install_error_with_helms_message(tmp_path: Path) -> None:
    runner = happy_runner().reply("upgrade", fakes.failed("Error: INSTALLATION FAILED: boom\nmore\n"))
    with pytest.raises(
        errors.InstallError, match="helm upgrade exited 1: Error: INSTALLATION FAILED: boom\nmore"
    ):
        installer(runner, tmp_path).install(make_ctx(fakes.FakeCluster()))


def test_http_repositories_are_refused_unless_allowed(tmp_path: Path) -> None:
    chart = trial.HelmSource(repo="http://127.0.0.1:8000", chart="agent")
    runner = happy_runner()
    with pytest.raises(errors.InstallError, match="plain http is refused"):
        installer(runner, tmp_path, chart).install(make_ctx(fakes.FakeCluster()))
    assert runner.calls == []
    installer(runner, tmp_path, chart).install(make_ctx(fakes.FakeCluster(), allow_http=True))
    assert runner.subcommands()[-1] == "upgrade"


def test_values_from_a_secret_reach_helm_in_a_file_never_in_argv(tmp_path: Path) -> None:
    cluster = fakes.FakeCluster()
    secret = base64.b64encode(b"token: hunter2\n").decode()
    cluster.add(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "vals", "namespace": "lab"},
            "data": {"v": secret},
        }
    )
    chart = trial.HelmSource(
        repo="https://c", chart="agent", values_from=(trial.KeyRef(trial.RefKind.SECRET, "vals", "v"),)
    )
    seen: list[str] = []

    def upgrade(argv: Any) -> Any:
        seen.extend(Path(argv[i + 1]).read_text() for i, arg in enumerate(argv) if arg == "--values")
        return fakes.ok(release_json(manifest=MANIFEST))

    runner = happy_runner().reply("upgrade", upgrade)
    installer(runner, tmp_path, chart).install(make_ctx(cluster))
    assert seen == ["token: hunter2\n"]
    assert not any("hunter2" in arg for argv in runner.calls for arg in argv)


def test_a_helm_error_quoting_a_value_from_a_secret_hides_it(tmp_path: Path) -> None:
    cluster = fakes.FakeCluster()
    secret = base64.b64encode(b"auth:\n  token: hunter2-secret\n").decode()
    meta = {"name": "vals", "namespace": "lab"}
    cluster.add({"apiVersion": "v1", "kind": "Secret", "metadata": meta, "data": {"v": secret}})
    chart = trial.HelmSource(
        repo="https://c", chart="agent", values_from=(trial.KeyRef(trial.RefKind.SECRET, "vals", "v"),)
    )
    failing = process.Completed(
        1, "", "Error: values don't meet the schema: auth.token: hunter2-secret is invalid"
    )
    runner = happy_runner().reply("upgrade", failing)
    with pytest.raises(errors.InstallError) as caught:
        installer(runner, tmp_path, chart).install(make_ctx(cluster))
    assert "hunter2" not in str(caught.value)
    assert "the schema: auth.<hidden: from a Secret> is invalid" in str(caught.value)  # its whole line


def test_a_missing_values_configmap_is_a_clear_install_error(tmp_path: Path) -> None:
    chart = trial.HelmSource(
        repo="https://c", chart="agent", values_from=(trial.KeyRef(trial.RefKind.CONFIG_MAP, "nope", "v"),)
    )
    with pytest.raises(errors.InstallError, match="ConfigMap lab/nope key 'v': ConfigMap not found"):
        installer(happy_runner(), tmp_path, chart).install(make_ctx(fakes.FakeCluster()))


def test_uninstall_removes_the_release_then_what_helm_leaves_behind(tmp_path: Path) -> None:
    cluster = fakes.FakeCluster()
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition"}
    labelled = {"toollab.dev/trial-uid": "uid-1"}  # as label_created_crds left it
    cluster.add({**crd, "metadata": {"name": "ours.lab.toollab.dev", "labels": labelled}})
    cluster.add({**crd, "metadata": {"name": "shared.lab.toollab.dev"}})
    inventory = [
        records.InventoryEntry(crd["apiVersion"], crd["kind"], "ours.lab.toollab.dev", created=True),
        records.InventoryEntry(crd["apiVersion"], crd["kind"], "shared.lab.toollab.dev", created=False),
    ]
    runner = fakes.FakeProcessRunner()
    installer(runner, tmp_path).uninstall(make_ctx(cluster), inventory)
    assert runner.subcommands() == ["uninstall"]
    assert cluster.names("CustomResourceDefinition") == ["shared.lab.toollab.dev"]


def crd_on_server(cluster: fakes.FakeCluster, name: str = "rules.lab.toollab.dev") -> dict[str, Any] | None:
    return cluster.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", name=name, namespace=None)


def test_a_failed_install_leaves_its_crds_labelled_and_uninstall_sweeps_them(tmp_path: Path) -> None:
    cluster = fakes.FakeCluster()

    def upgrade_dies_after_the_crds(argv: Any) -> Any:
        cluster.apply(objects.parse_objects(CRD, source="crd")[0], namespace=None)  # what helm did first
        return fakes.failed("Error: INSTALLATION FAILED: timed out")

    ctx = make_ctx(cluster)
    with pytest.raises(errors.InstallError, match="timed out"):
        installer(happy_runner().reply("upgrade", upgrade_dies_after_the_crds), tmp_path).install(ctx)
    crd = crd_on_server(cluster)
    assert crd is not None and crd["metadata"]["labels"] == ctx.labels

    installer(fakes.FakeProcessRunner(), tmp_path).uninstall(ctx, [])  # nothing was ever recorded
    assert crd_on_server(cluster) is None


def test_the_sweep_never_touches_crds_of_others(tmp_path: Path) -> None:
    cluster = fakes.FakeCluster()
    other = {"toollab.dev/trial-uid": "someone-else"}
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition"}
    cluster.add({**crd, "metadata": {"name": "a.example.org", "labels": other}})
    cluster.add({**crd, "metadata": {"name": "b.example.org"}})
    installer(fakes.FakeProcessRunner(), tmp_path).uninstall(make_ctx(cluster), [])
    assert cluster.names("CustomResourceDefinition") == ["a.example.org", "b.example.org"]


def test_uninstall_as_an_identity_that_may_not_list_crds_still_succeeds(tmp_path: Path) -> None:
    cluster = fakes.FakeCluster(unreadable={"CustomResourceDefinition"})
    runner = fakes.FakeProcessRunner()
    installer(runner, tmp_path).uninstall(make_ctx(cluster), [])
    assert runner.subcommands() == ["uninstall"]


# --- labels on every object: the post-renderer, and the sweep that relies on them --------------


def test_the_labels_reach_the_post_renderer_as_arguments() -> None:
    labels = {"toollab.dev/trial": "falco", "a": "b"}
    argv = helm.helm_argv(
        helm=HELM, release="r", chart=CHART, namespace="n", labels=labels, post_renderer="/h/bin/pr"
    )
    at = argv.index("--post-renderer")
    assert argv[at : at + 6] == [
        "--post-renderer", "/h/bin/pr",
        "--post-renderer-args", "a=b",
        "--post-renderer-args", "toollab.dev/trial=falco",
    ]  # fmt: skip
    assert argv[argv.index("--labels") + 1] == "a=b,toollab.dev/trial=falco"  # the release record's


def test_no_labels_no_post_renderer() -> None:
    argv = helm.helm_argv(helm=HELM, release="r", chart=CHART, namespace="n", post_renderer="/h/bin/pr")
    assert not {"--post-renderer", "--post-renderer-args", "--labels"} & set(argv)


def test_install_post_renders_with_the_wrapper_in_its_own_home(tmp_path: Path) -> None:
    runner = happy_runner()
    ctx = make_ctx(fakes.FakeCluster())
    installer(runner, tmp_path).install(ctx)
    upgrade = runner.calls[-1]
    wrapper = Path(upgrade[upgrade.index("--post-renderer") + 1])
    assert wrapper.parent == tmp_path / "bin"
    assert wrapper.read_text().endswith('-m toollab.installers.postrender "$@"\n')
    args = [upgrade[i + 1] for i, arg in enumerate(upgrade) if arg == "--post-renderer-args"]
    assert args == [f"{key}={value}" for key, value in sorted(ctx.labels.items())]
    template = runner.calls[1]
    assert "--post-renderer" not in template  # what exists before is compared with the chart as written


RBAC = "rbac.authorization.k8s.io/v1"
HELM_MARKS = {"meta.helm.sh/release-name": "falco", "meta.helm.sh/release-namespace": "trial-falco"}


def cluster_role(name: str, *, uid: str | None = "uid-1", helm_marks: bool = True) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if uid:
        meta["labels"] = {"toollab.dev/trial-uid": uid}
    if helm_marks:
        meta["annotations"] = HELM_MARKS
    return {"apiVersion": RBAC, "kind": "ClusterRole", "metadata": meta}


def test_uninstall_sweeps_cluster_scoped_leftovers_of_our_release_only(tmp_path: Path) -> None:
    cluster = fakes.FakeCluster()
    cluster.add(cluster_role("kept-by-policy"))  # ours: our uid label and our release's marks
    cluster.add(cluster_role("step-labelled", helm_marks=False))  # a step's apply labelled it
    cluster.add(cluster_role("other-trial", uid="uid-2"))  # same release name, another trial
    cluster.add(cluster_role("unlabelled", uid=None))  # installed before the post-renderer existed
    cluster.add(cluster_role("was-there-before"))
    before = [records.InventoryEntry(RBAC, "ClusterRole", "was-there-before", created=False)]
    installer(fakes.FakeProcessRunner(), tmp_path).uninstall(make_ctx(cluster), before)
    assert cluster.names("ClusterRole") == ["other-trial", "step-labelled", "unlabelled", "was-there-before"]


def test_uninstall_sweeps_the_inventorys_cluster_scoped_kinds_too(tmp_path: Path) -> None:
    cluster = fakes.FakeCluster(scopes={("lab.toollab.dev/v1", "Tenant"): False})
    tenant = {"apiVersion": "lab.toollab.dev/v1", "kind": "Tenant"}
    meta = {"labels": {"toollab.dev/trial-uid": "uid-1"}, "annotations": HELM_MARKS}
    cluster.add({**tenant, "metadata": {"name": "left", **meta}})
    cluster.add({**tenant, "metadata": {"name": "recorded", **meta}})
    recorded = [records.InventoryEntry(tenant["apiVersion"], "Tenant", "recorded")]
    installer(fakes.FakeProcessRunner(), tmp_path).uninstall(make_ctx(cluster), recorded)
    assert cluster.names("Tenant") == []


def test_the_crd_sweep_spares_a_crd_that_existed_before_even_when_labelled(tmp_path: Path) -> None:
    cluster = fakes.FakeCluster()
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition"}
    labels = {"toollab.dev/trial-uid": "uid-1"}
    cluster.add({**crd, "metadata": {"name": "theirs.example.org", "labels": labels}})
    cluster.add({**crd, "metadata": {"name": "ours.example.org", "labels": labels}})
    before = [records.InventoryEntry(crd["apiVersion"], crd["kind"], "theirs.example.org", created=False)]
    installer(fakes.FakeProcessRunner(), tmp_path).uninstall(make_ctx(cluster), before)
    assert cluster.names("CustomResourceDefinition") == ["theirs.example.org"]


def test_the_sweep_skips_kinds_the_identity_may_not_list(tmp_path: Path) -> None:
    cluster = fakes.FakeCluster(unreadable={"ClusterRole", "ValidatingWebhookConfiguration"})
    cluster.add(cluster_role("kept-by-policy"))
    installer(fakes.FakeProcessRunner(), tmp_path).uninstall(make_ctx(cluster), [])
    assert cluster.names("ClusterRole") == ["kept-by-policy"]


def test_in_a_namespace_being_deleted_helm_is_not_asked_and_cluster_scoped_leftovers_are_swept(
    tmp_path: Path,
) -> None:
    """The release record goes with the namespace (and helm, as the trial, may not read it any
    more); what the release made outside the namespace is found by its labels."""
    cluster = fakes.FakeCluster()
    ctx = make_ctx(cluster, namespace_going=True)
    marks = {
        helm.ownership.HELM_RELEASE_NAME: ctx.release_name,
        helm.ownership.HELM_RELEASE_NAMESPACE: ctx.target_namespace,
    }
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole"}
    cluster.add({**role, "metadata": {"name": "agent-lab", "labels": ctx.labels, "annotations": marks}})
    runner = fakes.FakeProcessRunner()
    installer(runner, tmp_path).uninstall(ctx, [])
    assert runner.subcommands() == []
    assert cluster.names("ClusterRole") == []
