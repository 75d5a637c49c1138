"""ToolProfiles: the built-in catalog parses, and expanding a trial that names one gives ordered
parts (preset values, parameters, generated values) and the health steps before the trial's own."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from toollab import errors
from toollab.model import parse, profile, trial

REPO = Path(__file__).resolve().parents[3]
CATALOG = REPO / "catalog"
FILES = sorted(CATALOG.glob("*.yaml"))


def load(name: str) -> dict[str, Any]:
    body: dict[str, Any] = yaml.safe_load((CATALOG / f"{name}.yaml").read_text())
    return body


def trial_body(tool: dict[str, Any], steps: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "apiVersion": "toollab.dev/v1alpha1",
        "kind": "ToolTrial",
        "metadata": {"name": "t", "namespace": "lab"},
        "spec": {"tool": tool, "steps": steps or []},
    }


def test_the_catalog_has_the_twelve_tools_and_the_chart_ships_it_unchanged() -> None:
    names = [p.stem for p in FILES]
    assert names == sorted(
        ["falco", "litmus", "linkerd", "chaos-mesh", "gatekeeper", "kyverno", "contour", "jaeger",
         "opentelemetry-operator", "keptn", "flagger", "sealed-secrets"]
    )  # fmt: skip
    in_chart = {p.name: p.read_bytes() for p in (REPO / "charts" / "toollab" / "catalog").glob("*.yaml")}
    assert in_chart == {p.name: p.read_bytes() for p in FILES}, "copy catalog/ to charts/toollab/catalog/"
    listed = yaml.safe_load((CATALOG / "Kustomization").read_text())["resources"]
    assert sorted(listed) == [p.name for p in FILES]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("preset", ["default", "simulated"])
def test_every_profile_expands_into_a_valid_trial(path: Path, preset: str) -> None:
    body = yaml.safe_load(path.read_text())
    parsed = profile.parse_profile(body)
    assert body["metadata"]["name"] == path.stem and parsed.default_version
    expanded = profile.expand(trial_body({"profile": path.stem, "preset": preset}), parsed)
    tool_trial = parse.parse_trial(expanded)
    assert isinstance(tool_trial.source, trial.PartsSource)
    assert tool_trial.tool.name == path.stem and tool_trial.tool.profile == path.stem
    assert tool_trial.steps[0].name == "healthy"
    for part in tool_trial.source.parts:
        assert isinstance(part.source, trial.HelmSource)
        assert part.source.version == parsed.default_version
        assert part.source.repo.startswith("https://")


def test_linkerd_installs_its_crds_first_and_generates_the_identity_when_absent() -> None:
    linkerd = profile.parse_profile(load("linkerd"))
    parsed = parse.parse_trial(profile.expand(trial_body({"profile": "linkerd"}), linkerd))
    assert isinstance(parsed.source, trial.PartsSource)
    crds, control_plane = parsed.source.parts
    assert (crds.name, control_plane.name) == ("linkerd-crds", "linkerd-control-plane")
    assert crds.generated == ()
    assert {(g.path, g.kind) for g in control_plane.generated} == {
        ("identityTrustAnchorsPEM", "ca-certificate"),
        ("identity.issuer.tls.crtPEM", "issuer-certificate"),
        ("identity.issuer.tls.keyPEM", "issuer-key"),
    }


def test_given_parameters_go_into_the_values_and_are_not_generated() -> None:
    linkerd = profile.parse_profile(load("linkerd"))
    params = {
        "identityTrustAnchorsPEM": "CA",
        "identityIssuerCertificatePEM": "CRT",
        "identityIssuerKeyPEM": "KEY",
    }
    parsed = parse.parse_trial(profile.expand(trial_body({"profile": "linkerd", "params": params}), linkerd))
    assert isinstance(parsed.source, trial.PartsSource)
    control_plane = parsed.source.parts[1]
    assert isinstance(control_plane.source, trial.HelmSource)
    assert control_plane.generated == ()
    assert control_plane.source.values["identityTrustAnchorsPEM"] == "CA"
    assert control_plane.source.values["identity"] == {"issuer": {"tls": {"crtPEM": "CRT", "keyPEM": "KEY"}}}


def test_the_preset_values_the_version_and_a_mirror_apply() -> None:
    gatekeeper = profile.parse_profile(load("gatekeeper"))
    tool = {"profile": "gatekeeper", "preset": "simulated", "version": "3.22.0", "repo": "http://127.0.0.1:1"}
    parsed = parse.parse_trial(profile.expand(trial_body(tool), gatekeeper))
    assert isinstance(parsed.source, trial.PartsSource)
    (part,) = parsed.source.parts
    assert isinstance(part.source, trial.HelmSource)
    assert part.source.values == {"validatingWebhookCheckIgnoreFailurePolicy": "Ignore"}
    assert (part.source.version, part.source.repo) == ("3.22.0", "http://127.0.0.1:1")
    default = parse.parse_trial(profile.expand(trial_body({"profile": "gatekeeper"}), gatekeeper))
    assert isinstance(default.source, trial.PartsSource)
    assert isinstance(default.source.parts[0].source, trial.HelmSource)
    assert default.source.parts[0].source.values == {}


def test_the_trials_own_steps_run_after_the_health_steps() -> None:
    falco = profile.parse_profile(load("falco"))
    own = [{"name": "mine", "assert": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}]}]
    parsed = parse.parse_trial(profile.expand(trial_body({"profile": "falco"}, own), falco))
    assert [s.name for s in parsed.steps] == ["healthy", "daemons-ready", "mine"]
    assert [s.dialect for s in parsed.steps] == ["kuttl", "chainsaw", "kuttl"]


@pytest.mark.parametrize(
    ("tool", "path", "message"),
    [
        ({"profile": "linkerd", "preset": "cloud"}, "spec.tool.preset", 'has no preset "cloud"'),
        ({"profile": "linkerd", "params": {"nope": "x"}}, "spec.tool.params.nope", 'no parameter "nope"'),
        (
            {"profile": "linkerd", "params": {"identityIssuerKeyPEM": 3}},
            "spec.tool.params.identityIssuerKeyPEM",
            "must be a string",
        ),
        ({"profile": "linkerd", "params": "x"}, "spec.tool.params", "must be"),
        ({"profile": "linkerd", "repo": "ftp://x"}, "spec.tool.repo", ""),
    ],
)
def test_problems_name_the_trials_field(tool: dict[str, Any], path: str, message: str) -> None:
    linkerd = profile.parse_profile(load("linkerd"))
    with pytest.raises(errors.SpecError) as caught:
        profile.expand(trial_body(tool), linkerd)
    assert caught.value.path == path and message in str(caught.value)


def test_a_required_parameter_without_default_must_be_given() -> None:
    body = load("jaeger")
    body["spec"]["params"] = [{"name": "storage", "path": "storage.type", "required": True}]
    jaeger = profile.parse_profile(body)
    with pytest.raises(errors.SpecError) as caught:
        profile.expand(trial_body({"profile": "jaeger"}), jaeger)
    assert caught.value.path == "spec.tool.params.storage" and "needs this parameter" in str(caught.value)
    given = profile.expand(trial_body({"profile": "jaeger", "params": {"storage": "memory"}}), jaeger)
    assert given["spec"]["tool"]["parts"][0]["helm"]["values"] == {"storage": {"type": "memory"}}


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda s: s["install"].update(parts=[]), "spec.install.parts"),
        (lambda s: s.update(isolation="shared"), "spec.isolation"),
        (
            lambda s: s.update(presets=[{"name": "simulated", "values": {"ghost": {}}}]),
            "spec.presets[0].values.ghost",
        ),
        (lambda s: s.update(params=[{"name": "p", "path": "a", "part": "ghost"}]), "spec.params[0].part"),
        (
            lambda s: s.update(params=[{"name": "p", "path": "a", "generate": "password"}]),
            "spec.params[0].generate",
        ),
        (lambda s: s.update(health={"steps": "healthy"}), "spec.health.steps"),
    ],
)
def test_a_broken_profile_is_refused_with_its_field(change: Any, path: str) -> None:
    body = copy.deepcopy(load("falco"))
    change(body["spec"])
    with pytest.raises(errors.SpecError) as caught:
        profile.parse_profile(body)
    assert caught.value.path == path


def test_parts_given_directly_are_checked_like_helm_and_manifests() -> None:
    parts = [
        {
            "name": "crds",
            "manifests": {"inline": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}]},
        },
        {
            "name": "app",
            "helm": {"repo": "https://charts.example", "chart": "app"},
            "generate": [{"path": "a.b", "kind": "issuer-key"}],
        },
    ]
    parsed = parse.parse_trial(trial_body({"name": "x", "parts": parts}))
    assert isinstance(parsed.source, trial.PartsSource)
    assert [p.name for p in parsed.source.parts] == ["crds", "app"]
    for broken, path in [
        ([parts[0], parts[0]], "spec.tool.parts[1].name"),
        ([{"name": "Bad_Name", "helm": parts[1]["helm"]}], "spec.tool.parts[0].name"),
        ([{"name": "a", "helm": {"repo": "ftp://x", "chart": "c"}}], "spec.tool.parts[0].helm.repo"),
        ([{"name": "a"}], "spec.tool.parts[0]"),
        (
            [{"name": "a", "helm": parts[1]["helm"], "generate": [{"path": "a", "kind": "password"}]}],
            "spec.tool.parts[0].generate[0].kind",
        ),
        ([], "spec.tool.parts"),
    ]:
        with pytest.raises(errors.SpecError) as caught:
            parse.parse_trial(trial_body({"name": "x", "parts": broken}))
        assert caught.value.path == path, broken


def test_an_unexpanded_profile_is_never_installed_as_is() -> None:
    with pytest.raises(errors.SpecError) as caught:
        parse.parse_trial(trial_body({"name": "x", "profile": "falco"}))
    assert caught.value.path == "spec.tool.profile"
