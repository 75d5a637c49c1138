"""The manifests installer: collection, apply order, labels, CRD wait, inventory and cleanup."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from tests.support import fakes
from toollab import errors
from toollab.installers import base, manifests
from toollab.model import records, trial

CRD_API = "apiextensions.k8s.io/v1"
RBAC_API = "rbac.authorization.k8s.io/v1"


def obj(kind: str, name: str, api_version: str = "v1", **extra: Any) -> dict[str, Any]:
    return {"apiVersion": api_version, "kind": kind, "metadata": {"name": name}, **extra}


CRD = obj(
    "CustomResourceDefinition",
    "engines.lab.toollab.dev",
    CRD_API,
    spec={
        "group": "lab.toollab.dev",
        "scope": "Namespaced",
        "names": {"kind": "Engine", "plural": "engines"},
        "versions": [{"name": "v1", "served": True, "storage": True}],
    },
)
ENGINE = obj("Engine", "demo", "lab.toollab.dev/v1", spec={"size": 1})
DEPLOYMENT = obj("Deployment", "op", "apps/v1", spec={"replicas": 1})
ROLE = obj("ClusterRole", "op", RBAC_API, rules=[])
WEBHOOK = obj("ValidatingWebhookConfiguration", "op", "admissionregistration.k8s.io/v1")


def make_ctx(cluster: fakes.FakeCluster, **kwargs: Any) -> base.InstallContext:
    return base.InstallContext(
        trial_name="chaos",
        trial_uid="uid-7",
        trial_namespace="lab",
        target_namespace="trial-chaos",
        cluster=cluster,
        **kwargs,
    )


class Clock:
    """A clock that moves only when paused."""

    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[float] = []

    def __call__(self) -> float:
        return self.now

    def pause(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


def install(
    cluster: fakes.FakeCluster, *objs: Mapping[str, Any], clock: Clock | None = None, **kw: Any
) -> Any:
    clock = clock or Clock()
    source = trial.ManifestSource(inline=objs)
    installer = manifests.ManifestInstaller(source, pause=clock.pause, clock=clock, **kw)
    return installer.install(make_ctx(cluster))


def test_order_puts_namespaces_and_crds_first_rbac_next_webhooks_last() -> None:
    shuffled = [WEBHOOK, ENGINE, DEPLOYMENT, ROLE, obj("ConfigMap", "c"), CRD, obj("Namespace", "extra")]
    kinds = [o["kind"] for o in manifests.order_objects(shuffled)]
    assert kinds == [
        "Namespace",
        "CustomResourceDefinition",
        "ClusterRole",
        "ConfigMap",
        "Deployment",
        "Engine",
        "ValidatingWebhookConfiguration",
    ]


def test_order_keeps_the_given_order_within_a_kind() -> None:
    maps = [obj("ConfigMap", name) for name in "cab"]
    assert [o["metadata"]["name"] for o in manifests.order_objects(maps)] == ["c", "a", "b"]


def test_install_applies_in_order_waits_for_the_crd_then_applies_its_custom_resource() -> None:
    cluster = fakes.FakeCluster(establish_after=2)
    clock = Clock()
    result = install(cluster, DEPLOYMENT, ENGINE, ROLE, CRD, clock=clock)
    applied = [(kind, name) for verb, kind, _, name in cluster.log if verb == "apply"]
    assert applied == [
        ("CustomResourceDefinition", "engines.lab.toollab.dev"),
        ("ClusterRole", "op"),
        ("Deployment", "op"),
        ("Engine", "demo"),
    ]
    assert clock.pauses == [0.1, 0.1]  # two reads before Established
    assert result.method == "manifests"
    assert [(e.kind, e.namespace, e.created) for e in result.objects] == [
        ("CustomResourceDefinition", None, True),
        ("ClusterRole", None, True),
        ("Deployment", "trial-chaos", True),
        ("Engine", "trial-chaos", True),
    ]


def test_a_crd_that_never_establishes_is_pending_not_failed() -> None:
    cluster = fakes.FakeCluster(establish_after=10**6)
    with pytest.raises(errors.InstallPending, match=r"engines.lab.toollab.dev: not Established yet"):
        install(cluster, CRD, ENGINE, crd_wait_seconds=1.0)
    assert cluster.names("Engine") == []


def test_a_crd_whose_names_are_refused_is_an_install_error() -> None:
    refused = {"type": "NamesAccepted", "status": "False", "message": "plural already in use"}
    with pytest.raises(errors.InstallError, match=r"engines\.lab\.toollab\.dev: plural already in use"):
        manifests.crd_established({**CRD, "status": {"conditions": [refused]}})


def test_objects_are_labelled_and_namespaced_into_the_target() -> None:
    cluster = fakes.FakeCluster()
    labelled = obj("ConfigMap", "c", metadata={"name": "c", "labels": {"app": "x"}})
    install(cluster, labelled, ROLE)
    stored = cluster.get("v1", "ConfigMap", name="c", namespace="trial-chaos")
    assert stored is not None
    assert stored["metadata"]["namespace"] == "trial-chaos"
    assert stored["metadata"]["labels"] == {
        "app": "x",
        "toollab.dev/trial": "chaos",
        "toollab.dev/trial-namespace": "lab",
        "toollab.dev/trial-uid": "uid-7",
    }
    role = cluster.get(RBAC_API, "ClusterRole", name="op", namespace=None)
    assert role is not None and "namespace" not in role["metadata"]


def test_an_explicit_namespace_is_kept() -> None:
    cluster = fakes.FakeCluster()
    result = install(cluster, obj("ConfigMap", "c", metadata={"name": "c", "namespace": "elsewhere"}))
    assert result.objects[0].namespace == "elsewhere"


def test_the_inputs_are_not_mutated() -> None:
    before = repr(DEPLOYMENT)
    install(fakes.FakeCluster(), DEPLOYMENT)
    assert repr(DEPLOYMENT) == before


def test_an_object_that_exists_and_is_not_the_trials_is_a_conflict_and_untouched() -> None:
    cluster = fakes.FakeCluster()
    theirs = {"name": "op", "labels": {"team": "a"}, "annotations": {"meta.helm.sh/release-name": "x"}}
    cluster.add(obj("ClusterRole", "op", RBAC_API, metadata={**theirs, "uid": "r-1"}))
    cluster.add(obj("ConfigMap", "cm", metadata={"name": "cm", "namespace": "trial-chaos", "uid": "c-1"}))
    before = cluster.get(RBAC_API, "ClusterRole", name="op", namespace=None)
    with pytest.raises(errors.NotOwned, match=r"ClusterRole op exists and is not this trial's \(owner: helm"):
        install(cluster, ROLE, DEPLOYMENT)
    assert cluster.get(RBAC_API, "ClusterRole", name="op", namespace=None) == before
    foreign_cm = obj("ConfigMap", "cm", data={"mine": "1"})
    with pytest.raises(errors.NotOwned, match="ConfigMap trial-chaos/cm exists") as caught:
        install(cluster, foreign_cm)
    assert caught.value.reason == "Conflict" and not caught.value.retryable
    assert "data" not in (cluster.get("v1", "ConfigMap", name="cm", namespace="trial-chaos") or {})
    assert cluster.names("Deployment") == []


def test_a_retry_recognises_what_the_first_attempt_created() -> None:
    cluster = fakes.FakeCluster()
    install(cluster, ROLE)
    again = install(cluster, ROLE)
    assert again.objects[0].created is True


def test_an_unknown_kind_stops_the_install() -> None:
    with pytest.raises(errors.UnknownKind):
        install(fakes.FakeCluster(), obj("Gadget", "g", "example.org/v1"))


def test_a_forbidden_write_surfaces_as_forbidden() -> None:
    with pytest.raises(errors.Forbidden):
        install(fakes.FakeCluster(forbidden={"ClusterRole"}), DEPLOYMENT, ROLE)


def test_collect_reads_urls_and_a_configmap_key() -> None:
    cluster = fakes.FakeCluster()
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-cm}\n"
    cluster.add(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "m", "namespace": "lab"},
            "data": {"k": text},
        }
    )
    fetched: list[tuple[str, bool]] = []

    def fetch(url: str, *, allow_http: bool) -> str:
        fetched.append((url, allow_http))
        return "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Secret, metadata: {name: s}}\n"

    source = trial.ManifestSource(
        inline=(ROLE,),
        urls=("https://example.org/x.yaml",),
        config_map_ref=trial.KeyRef(trial.RefKind.CONFIG_MAP, "m", "k"),
    )
    found = manifests.ManifestInstaller(source, fetch=fetch).collect(make_ctx(cluster))
    assert [o["metadata"]["name"] for o in found] == ["op", "s", "from-cm"]
    assert fetched == [("https://example.org/x.yaml", False)]


def test_http_urls_are_refused_unless_allowed() -> None:
    source = trial.ManifestSource(urls=("http://127.0.0.1:9/x.yaml",))
    installer = manifests.ManifestInstaller(source, fetch=lambda url, *, allow_http: "")
    with pytest.raises(errors.InstallError, match="plain http is refused"):
        installer.collect(make_ctx(fakes.FakeCluster()))


def test_an_inline_object_without_a_name_is_named_in_the_error() -> None:
    source = trial.ManifestSource(inline=({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}},))
    with pytest.raises(errors.InstallError, match=r"manifests.inline\[0\]: object without metadata.name"):
        manifests.ManifestInstaller(source).collect(make_ctx(fakes.FakeCluster()))


def entry(
    kind: str, name: str, namespace: str | None, *, created: bool, api: str = "v1"
) -> records.InventoryEntry:
    return records.InventoryEntry(api, kind, name, namespace=namespace, created=created)


def test_uninstall_deletes_in_reverse_only_the_objects_it_created() -> None:
    cluster = fakes.FakeCluster()
    created = install(cluster, CRD, obj("ConfigMap", "mine")).objects
    assert all(entry.uid for entry in created)
    cluster.add(
        obj("ConfigMap", "theirs", metadata={"name": "theirs", "namespace": "trial-chaos", "uid": "t"})
    )
    forged = [entry("ConfigMap", "theirs", "trial-chaos", created=True)]
    replaced = records.InventoryEntry("v1", "ConfigMap", "mine", "trial-chaos", uid="an-earlier-one")
    manifests.ManifestInstaller(trial.ManifestSource()).uninstall(make_ctx(cluster), [*forged, replaced])
    assert cluster.names("ConfigMap") == ["mine", "theirs"]  # no uid, or not the uid recorded: kept
    manifests.ManifestInstaller(trial.ManifestSource()).uninstall(make_ctx(cluster), [*created, *forged])
    deleted = [(kind, name) for verb, kind, _, name in cluster.log if verb == "delete"]
    assert deleted == [("ConfigMap", "mine"), ("CustomResourceDefinition", "engines.lab.toollab.dev")]
    assert cluster.names("ConfigMap") == ["theirs"]


def test_uninstall_tolerates_objects_already_gone_and_kinds_no_longer_served() -> None:
    inventory = [
        entry("Gadget", "g", "trial-chaos", created=True, api="gone.example.org/v1"),
        entry("ConfigMap", "c", "trial-chaos", created=True),
    ]
    manifests.ManifestInstaller(trial.ManifestSource()).uninstall(make_ctx(fakes.FakeCluster()), inventory)


def test_a_refused_write_removes_what_this_attempt_created_and_nothing_else() -> None:
    cluster = fakes.FakeCluster(forbidden={"Deployment"})
    mine = obj("ConfigMap", "mine")
    with pytest.raises(errors.Forbidden):
        install(cluster, CRD, mine, DEPLOYMENT)
    assert cluster.names("CustomResourceDefinition") == []
    assert cluster.names("ConfigMap") == []


def test_a_retryable_failure_keeps_what_was_applied_for_the_next_attempt() -> None:
    cluster = fakes.FakeCluster(establish_after=10**6)
    with pytest.raises(errors.InstallPending):
        install(cluster, CRD, ENGINE, crd_wait_seconds=0.3)
    assert cluster.names("CustomResourceDefinition") == ["engines.lab.toollab.dev"]
