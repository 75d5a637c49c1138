"""What a step watches between rounds, and the plain sleep where nothing can be watched."""

from __future__ import annotations

from tests.support import fakes
from toollab.cluster import port
from toollab.suites.core import celchecks, wakeups


def test_a_step_watches_the_objects_its_checks_name_in_the_test_namespace() -> None:
    objects = [
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}},
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"namespace": "elsewhere"}},
        {"kind": "NoVersion", "metadata": {"name": "x"}},
    ]
    cel = celchecks.compile_checks(
        [celchecks.ResourceRef("v1", "ConfigMap", "settings", "cm")], all_of=("cm.data.a == 'b'",), where="t"
    )
    refs = wakeups.checked_refs(objects, cel, namespace="t")
    assert refs == [
        port.ObjectRef("apps/v1", "Deployment", "web", "t"),
        port.ObjectRef("v1", "Pod", "", "elsewhere"),
        port.ObjectRef("v1", "ConfigMap", "settings", "t"),
    ]


def test_a_cluster_that_cannot_watch_gets_the_plain_sleep() -> None:
    slept: list[float] = []
    refs = [port.ObjectRef("v1", "ConfigMap", "a", "t")]
    with wakeups.waking(fakes.FakeCluster(), refs, seconds=5, sleep=slept.append) as wait:
        wait(0.5)
    assert slept == [0.5]


def test_a_chainsaw_document_is_watched_by_its_literal_parts_only() -> None:
    from toollab.suites.chainsaw import checks

    named = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "n"}}
    templated = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "($name)"}}
    by_expression = {"apiVersion": "v1", "kind": "(join('', ['Config', 'Map']))"}
    assert checks._plain(named) == [named]
    assert checks._plain(templated) == [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}}]
    assert checks._plain(by_expression) == []
