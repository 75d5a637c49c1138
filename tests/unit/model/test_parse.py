"""parse_trial: a stored ToolTrial becomes the frozen model, or a SpecError naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.model import samples
from tests.unit.model.samples import DELETE, body_with
from toollab import errors
from toollab.model import parse, trial


def test_parses_every_field_of_a_helm_trial() -> None:
    parsed = parse.parse_trial(samples.TRIAL)
    assert (parsed.name, parsed.namespace, parsed.uid, parsed.generation) == ("falco", "lab", "uid-1", 3)
    assert parsed.tool == trial.Tool("falco", None)
    assert parsed.source == trial.HelmSource(
        repo="https://falcosecurity.github.io/charts",
        chart="falco",
        version="9.1.0",
        values={"driver": {"kind": "modern_ebpf"}},
        values_from=(trial.KeyRef(trial.RefKind.CONFIG_MAP, "falco-values", "values.yaml"),),
    )
    assert parsed.target == trial.Target("trial-falco", create_namespace=True)
    assert parsed.service_account == "lab-runner"
    assert parsed.timeout_seconds == 900
    assert parsed.cleanup == trial.Cleanup(trial.CleanupPolicy.DELETE_ON_SUCCESS, 3600)


def test_parses_steps_in_order_with_their_parts() -> None:
    running, chaos, smoke = parse.parse_trial(samples.TRIAL).steps
    assert (running.name, running.timeout_seconds) == ("running", 300)
    assert running.asserts[0]["kind"] == "DaemonSet"
    assert running.errors[0]["status"] == {"phase": "Failed"}
    assert chaos.delete[0]["metadata"]["labels"] == {"app": "falco"}
    assert chaos.timeout_seconds == 30  # kuttl's default
    assert smoke.run is not None
    assert (smoke.run.image, smoke.run.command) == ("busybox", ("sh", "-c", "true"))
    assert (running.has_checks, running.has_actions, chaos.has_actions) == (True, False, True)


def test_defaults_for_a_minimal_manifests_trial() -> None:
    parsed = parse.parse_trial(samples.MANIFESTS_TRIAL)
    assert parsed.source == trial.ManifestSource(
        inline=({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "demo"}},)
    )
    assert parsed.target == trial.Target("trial-demo", True)
    assert parsed.service_account is None
    assert parsed.timeout_seconds == 15 * 60
    assert parsed.cleanup == trial.Cleanup(trial.CleanupPolicy.DELETE, None)
    assert parsed.labels == {
        "toollab.dev/trial": "demo",
        "toollab.dev/trial-namespace": "lab",
        "toollab.dev/trial-uid": "uid-2",
    }
    assert parsed.release_name == "demo"


def test_the_model_does_not_share_dicts_with_the_body() -> None:
    body = body_with({})
    parsed = parse.parse_trial(body)
    body["spec"]["tool"]["helm"]["values"]["driver"]["kind"] = "changed"
    body["spec"]["steps"][0]["assert"][0]["kind"] = "changed"
    assert isinstance(parsed.source, trial.HelmSource)
    assert parsed.source.values["driver"]["kind"] == "modern_ebpf"
    assert parsed.steps[0].asserts[0]["kind"] == "DaemonSet"


def test_nulls_read_as_absent_like_the_api_server_prunes_them() -> None:
    body = body_with({"spec.target": None, "spec.cleanup": None, "spec.steps.0.errors": None})
    parsed = parse.parse_trial(body)
    assert parsed.target.namespace == "trial-falco"
    assert parsed.steps[0].errors == ()


def test_an_explicit_target_namespace_and_create_flag() -> None:
    parsed = parse.parse_trial(
        body_with({"spec.target": {"namespace": "falco-lab", "createNamespace": False}})
    )
    assert parsed.target == trial.Target("falco-lab", create_namespace=False)


HELM = {"repo": "https://charts.example", "chart": "x"}
OBJ = {"apiVersion": "v1", "kind": "ConfigMap"}

BAD: list[tuple[dict[str, Any], str]] = [
    ({"spec": DELETE}, "spec: required"),
    ({"metadata.name": DELETE}, "metadata.name: required"),
    ({"spec.tool": DELETE}, "spec.tool: required"),
    ({"spec.tool.name": DELETE}, "spec.tool.name: required"),
    ({"spec.tool.name": ""}, "spec.tool.name: required"),
    (
        {"spec.tool.helm": DELETE},
        "spec.tool: needs a source: set exactly one of helm, manifests, parts or profile",
    ),
    (
        {"spec.tool.manifests": {"urls": ["https://x/y.yaml"]}},
        "spec.tool: has two sources: set exactly one of helm, manifests, parts or profile",
    ),
    (
        {"spec.tool.helm.repo": "ftp://x"},
        'spec.tool.helm.repo: "ftp://x" is not a https://, http:// or oci:// URL',
    ),
    ({"spec.tool.helm.chart": DELETE}, "spec.tool.helm.chart: required"),
    ({"spec.tool.helm.values": [1]}, "spec.tool.helm.values: must be an object, not [1]"),
    (
        {"spec.tool.helm.valuesFrom": [{}]},
        "spec.tool.helm.valuesFrom[0]: set exactly one of configMapRef or secretRef",
    ),
    (
        {"spec.tool.helm.valuesFrom": [{"secretRef": {"name": "s"}}]},
        "spec.tool.helm.valuesFrom[0].secretRef.key: required",
    ),
    ({"spec.steps.1.name": "running"}, 'spec.steps[1].name: step names must be unique: "running" repeats'),
    (
        {"spec.steps.1": {"name": "idle"}},
        'spec.steps[1]: step "idle" has nothing to do (need one of apply, assert, errors, delete, run, cel)',
    ),
    (
        {"spec.steps.1": {"name": "idle", "apply": [], "assert": []}},
        'spec.steps[1]: step "idle" has nothing to do (need one of apply, assert, errors, delete, run, cel)',
    ),
    (
        {"spec.steps.1.timeout": "5 minutes"},
        'spec.steps[1].timeout: "5 minutes" is not a duration like 30s or 5m',
    ),
    ({"spec.timeout": 30}, "spec.timeout: 30 is not a duration like 30s or 5m"),
    ({"spec.steps.0.name": DELETE}, "spec.steps[0].name: required"),
    ({"spec.steps.0.name": "has space"}, 'spec.steps[0].name: "has space" is not a step name'),
    ({"spec.steps.0.assert": [{"kind": "Pod"}]}, "spec.steps[0].assert[0].apiVersion: required"),
    ({"spec.steps.0.assert": {"kind": "Pod"}}, "spec.steps[0].assert: must be a list, not {'kind': 'Pod'}"),
    (
        {"spec.steps.1.delete": [{"apiVersion": "v1", "kind": "Pod"}]},
        "spec.steps[1].delete[0]: name the object (metadata.name) or select it (metadata.labels)",
    ),
    ({"spec.steps.2.run": {"command": ["true"]}}, "spec.steps[2].run.image: required"),
    ({"spec.steps.2.run.args": [1]}, "spec.steps[2].run.args[0]: must be a string, not 1"),
    ({"spec.steps.2.run.env": [{"value": "1"}]}, "spec.steps[2].run.env[0].name: required"),
    (
        {"spec.steps": [{"name": f"s{i}", "assert": [OBJ]} for i in range(51)]},
        "spec.steps: has 51 items, at most 50",
    ),
    ({"spec.target": {"namespace": "Bad_NS"}}, 'spec.target.namespace: "Bad_NS" is not a DNS label'),
    (
        {"spec.target": {"createNamespace": "yes"}},
        'spec.target.createNamespace: must be true or false, not "yes"',
    ),
    (
        {"metadata.name": "a.b"},
        'spec.target.namespace: the default "trial-a.b" is not a valid namespace name',
    ),
    ({"metadata.name": "n" * 60}, "spec.target.namespace: the default"),
    ({"spec.serviceAccountName": "Runner"}, 'spec.serviceAccountName: "Runner" is not a DNS name'),
    (
        {"spec.cleanup.policy": "Never"},
        'spec.cleanup.policy: "Never" is not one of Delete, Retain, DeleteOnSuccess',
    ),
    (
        {"spec.cleanup.ttlSecondsAfterFinished": -1},
        "spec.cleanup.ttlSecondsAfterFinished: must be 0 or more, not -1",
    ),
    (
        {"spec.cleanup.ttlSecondsAfterFinished": True},
        "spec.cleanup.ttlSecondsAfterFinished: must be an integer",
    ),
    ({"spec.dialect": "jsonpath"}, 'spec.dialect: "jsonpath" is not one of kuttl, chainsaw'),
    ({"spec.steps.1.dialect": "Chainsaw"}, 'spec.steps[1].dialect: "Chainsaw" is not one of kuttl, chainsaw'),
]


@pytest.mark.parametrize(("changes", "expected"), BAD, ids=[expected.split(":")[0] for _, expected in BAD])
def test_rejects_with_the_exact_field_path(changes: dict[str, Any], expected: str) -> None:
    with pytest.raises(errors.SpecError) as caught:
        parse.parse_trial(body_with(changes))
    assert str(caught.value).startswith(expected)
    assert caught.value.reason == "InvalidSpec"


MANIFEST_BAD: list[tuple[dict[str, Any], str]] = [
    ({"spec.tool.manifests": {}}, "spec.tool.manifests: needs at least one of inline, urls or configMapRef"),
    (
        {"spec.tool.manifests": {"inline": []}},
        "spec.tool.manifests: needs at least one of inline, urls or configMapRef",
    ),
    (
        {"spec.tool.manifests": {"urls": ["file:///etc/passwd"]}},
        'spec.tool.manifests.urls[0]: "file:///etc/passwd" is not a https:// or http:// URL',
    ),
    (
        {"spec.tool.manifests": {"inline": ["text"]}},
        'spec.tool.manifests.inline[0]: must be an object, not "text"',
    ),
    (
        {"spec.tool.manifests": {"configMapRef": {"name": "m"}}},
        "spec.tool.manifests.configMapRef.key: required",
    ),
]


@pytest.mark.parametrize(("changes", "expected"), MANIFEST_BAD, ids=[e for _, e in MANIFEST_BAD])
def test_rejects_bad_manifest_sources(changes: dict[str, Any], expected: str) -> None:
    with pytest.raises(errors.SpecError) as caught:
        parse.parse_trial(body_with(changes, samples.MANIFESTS_TRIAL))
    assert str(caught.value) == expected


def test_a_manifests_config_map_reference_alone_is_a_source() -> None:
    body = body_with(
        {"spec.tool.manifests": {"configMapRef": {"name": "m", "key": "all.yaml"}}}, samples.MANIFESTS_TRIAL
    )
    source = parse.parse_trial(body).source
    assert source == trial.ManifestSource(
        config_map_ref=trial.KeyRef(trial.RefKind.CONFIG_MAP, "m", "all.yaml")
    )


def test_find_problems_reports_every_independent_problem() -> None:
    body = body_with(
        {
            "spec.timeout": "soon",
            "spec.steps.0": {"name": "idle"},
            "spec.steps.1.name": "smoke",
            "spec.tool.manifests": {"urls": ["https://x"]},
        }
    )
    found = [str(problem) for problem in parse.find_problems(body)]
    assert found == [
        "spec.tool: has two sources: set exactly one of helm, manifests, parts or profile",
        'spec.timeout: "soon" is not a duration like 30s or 5m',
        'spec.steps[2].name: step names must be unique: "smoke" repeats',
        'spec.steps[0]: step "idle" has nothing to do (need one of apply, assert, errors, delete, run, cel)',
    ]


def test_find_problems_is_empty_for_a_valid_trial() -> None:
    assert parse.find_problems(samples.TRIAL) == []


def test_steps_read_kuttl_unless_the_trial_or_the_step_says_chainsaw() -> None:
    assert [s.dialect for s in parse.parse_trial(samples.TRIAL).steps] == ["kuttl", "kuttl", "kuttl"]
    trial_wide = parse.parse_trial(body_with({"spec.dialect": "chainsaw"}))
    assert [s.dialect for s in trial_wide.steps] == ["chainsaw", "chainsaw", "chainsaw"]
    one_step = parse.parse_trial(body_with({"spec.dialect": "chainsaw", "spec.steps.0.dialect": "kuttl"}))
    assert [s.dialect for s in one_step.steps] == ["kuttl", "chainsaw", "chainsaw"]
