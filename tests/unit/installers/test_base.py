"""The install context built from a parsed trial, the result's status records, and dispatch."""

from __future__ import annotations

from typing import Any

from tests.support import fakes
from toollab import installers
from toollab.installers import base, helm, manifests
from toollab.model import parse, records

BODY: dict[str, Any] = {
    "apiVersion": "toollab.dev/v1alpha1",
    "kind": "ToolTrial",
    "metadata": {"name": "falco", "namespace": "lab", "uid": "u-1", "generation": 2},
    "spec": {
        "tool": {"name": "falco", "version": "0.44", "helm": {"repo": "https://c", "chart": "falco"}},
        "steps": [{"name": "up", "assert": [{"apiVersion": "v1", "kind": "Pod"}]}],
    },
}


def test_context_for_a_parsed_trial() -> None:
    cluster = fakes.FakeCluster()
    ctx = base.InstallContext.for_trial(
        parse.parse_trial(BODY), cluster=cluster, impersonate="u", allow_http=True
    )
    assert (ctx.trial_name, ctx.trial_uid, ctx.trial_namespace) == ("falco", "u-1", "lab")
    assert (ctx.target_namespace, ctx.release_name, ctx.tool_version) == ("trial-falco", "falco", "0.44")
    assert (ctx.impersonate, ctx.allow_http, ctx.cluster) == ("u", True, cluster)
    assert ctx.labels == {
        "toollab.dev/trial": "falco",
        "toollab.dev/trial-namespace": "lab",
        "toollab.dev/trial-uid": "u-1",
    }


def test_installer_for_picks_the_backend_by_source() -> None:
    trial = parse.parse_trial(BODY)
    assert isinstance(
        installers.installer_for(trial.source, runner=fakes.FakeProcessRunner()), helm.HelmInstaller
    )
    spec = {**BODY["spec"], "tool": {"name": "x", "manifests": {"urls": ["https://e/x.yaml"]}}}
    other = parse.parse_trial({**BODY, "spec": spec})
    assert isinstance(installers.installer_for(other.source), manifests.ManifestInstaller)


def entry(name: str, *, created: bool, namespace: str | None = None) -> records.InventoryEntry:
    return records.InventoryEntry("v1", "ConfigMap", name, namespace=namespace, created=created)


def test_result_records_for_the_status() -> None:
    objects = (entry("a", created=True, namespace="n"), entry("b", created=False), entry("c", created=True))
    result = base.InstallResult(
        base.Method.HELM, "agent", "1.0.0", "0.44.1", objects, seconds=4.26, release="falco"
    )
    assert result.info().to_raw() == {
        "method": "helm",
        "chart": "agent",
        "version": "1.0.0",
        "appVersion": "0.44.1",
        "objects": 3,
        "seconds": 4.3,
    }
    assert result.cluster_scoped_objects == 2
    earlier = records.Inventory(entries=(entry("b", created=True), entry("old", created=True)), release=None)
    merged = result.inventory(earlier)
    assert merged.release == "falco"
    # an object an earlier attempt created stays ours, and nothing recorded is forgotten
    assert [(e.name, e.created) for e in merged.entries] == [
        ("b", True),
        ("old", True),
        ("a", True),
        ("c", True),
    ]
