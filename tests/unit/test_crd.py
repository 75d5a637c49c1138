"""The ToolTrial CRD: structural, agreeing with the Python model, with printer columns and CEL rules.

Whether the API server accepts it and enforces the rules is tests/cluster/test_crd.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.unit.model import samples
from toollab.model import durations, fields, limits, parse, schema, status, step, trial
from toollab.runner import transitions as tr

REPO = Path(__file__).resolve().parents[2]
CRD_FILE = REPO / "crds" / "tooltrials.toollab.dev.yaml"
PACKAGED = REPO / "operator" / "toollab" / "data" / "tooltrials.crd.yaml"
IN_CHART = REPO / "charts" / "toollab" / "crds" / "tooltrials.toollab.dev.yaml"
CRD: dict[str, Any] = yaml.safe_load(CRD_FILE.read_text())
VERSION: dict[str, Any] = CRD["spec"]["versions"][0]
ROOT: dict[str, Any] = VERSION["schema"]["openAPIV3Schema"]
SPEC: dict[str, Any] = ROOT["properties"]["spec"]
STATUS: dict[str, Any] = ROOT["properties"]["status"]


def at(path: str) -> dict[str, Any]:
    """The schema node at a dotted path of properties (`[]` for array items): `spec.steps[].name`."""
    node = ROOT
    for part in path.split("."):
        items = part.endswith("[]")
        node = node["properties"][part.removesuffix("[]")]
        if items:
            node = node["items"]
    return node


def nodes(node: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    yield path, node
    for key, child in (node.get("properties") or {}).items():
        yield from nodes(child, f"{path}.{key}" if path else key)
    if isinstance(node.get("items"), dict):
        yield from nodes(node["items"], f"{path}[]")
    if isinstance(node.get("additionalProperties"), dict):
        yield from nodes(node["additionalProperties"], f"{path}{{}}")


def test_the_packaged_copy_is_identical() -> None:
    assert PACKAGED.read_bytes() == CRD_FILE.read_bytes(), (
        f"copy crds/tooltrials.toollab.dev.yaml to {PACKAGED}"
    )


def test_the_operator_chart_ships_every_crd_unchanged() -> None:
    shipped = {p.name: p.read_bytes() for p in CRD_FILE.parent.glob("*.yaml")}
    in_chart = {p.name: p.read_bytes() for p in IN_CHART.parent.glob("*.yaml")}
    assert sorted(in_chart) == sorted(shipped), "charts/toollab/crds/ must hold the files of crds/"
    for name, text in shipped.items():
        assert in_chart[name] == text, f"copy crds/{name} to charts/toollab/crds/"


def test_names_scope_and_version() -> None:
    assert CRD["metadata"]["name"] == "tooltrials.toollab.dev"
    assert CRD["spec"]["group"] == trial.GROUP and CRD["spec"]["scope"] == "Namespaced"
    assert CRD["spec"]["names"] == {
        "kind": "ToolTrial",
        "listKind": "ToolTrialList",
        "plural": "tooltrials",
        "singular": "tooltrial",
        "shortNames": ["tt"],
        "categories": ["toollab"],
    }
    assert [v["name"] for v in CRD["spec"]["versions"]] == [trial.VERSION]
    assert VERSION["served"] and VERSION["storage"]
    assert VERSION["subresources"] == {"status": {}}


def test_the_schema_is_structural() -> None:
    for path, node in nodes(ROOT):
        preserve = node.get("x-kubernetes-preserve-unknown-fields") is True
        assert "type" in node or preserve, f"{path or '<root>'}: no type"
        if node.get("type") == "array":
            assert isinstance(node.get("items"), dict), f"{path}: array without items"
        if node.get("type") == "object" and path != "metadata":
            assert node.get("properties") or node.get("additionalProperties") or preserve, (
                f"{path}: empty object"
            )
        for key in ("allOf", "anyOf", "oneOf", "not"):
            assert key not in node, f"{path}: {key} makes structural rules harder; use CEL"


def test_every_spec_list_is_bounded() -> None:
    unbounded = [
        path for path, node in nodes(SPEC, "spec") if node.get("type") == "array" and "maxItems" not in node
    ]
    assert unbounded == []


def test_printer_columns() -> None:
    columns = [
        (c["name"].upper(), c["type"], c["jsonPath"], c.get("priority", 0))
        for c in VERSION["additionalPrinterColumns"]
    ]
    assert [c for c in columns if c[3] == 0] == [
        ("TOOL", "string", ".spec.tool.name", 0),
        ("VERSION", "string", ".status.install.version", 0),
        ("PHASE", "string", ".status.phase", 0),
        ("PASSED", "string", ".status.passedText", 0),
        ("READY-IN", "number", ".status.timeToReadySeconds", 0),
        ("AGE", "date", ".metadata.creationTimestamp", 0),
    ]
    assert [c[0] for c in columns if c[3] == 1] == ["PROFILE", "READY", "RESULT", "NEXT-RUN", "MESSAGE"]


def rules(path: str) -> list[str]:
    node = ROOT if not path else at(path)
    return [r.get("message", "") for r in node.get("x-kubernetes-validations", [])]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("spec.tool", "needs a source: set exactly one of helm, manifests, parts or profile"),
        ("spec.tool", "has two sources: set exactly one of helm, manifests, parts or profile"),
        ("spec.tool.manifests", "needs at least one of inline, urls or configMapRef"),
        ("spec.tool.helm.valuesFrom[]", "set exactly one of configMapRef or secretRef"),
        ("spec.steps", "step names must be unique"),
        ("spec.steps[]", "step has nothing to do (need one of apply, assert, errors, delete, run, cel)"),
        (
            "",
            "the default target namespace trial-<metadata.name> is not a valid namespace name;"
            " set spec.target.namespace",
        ),
    ],
)
def test_cel_rules_carry_the_same_words_as_parse(path: str, message: str) -> None:
    assert message in rules(path)


def test_the_parse_messages_are_the_rule_messages() -> None:
    """validate and the operator say what `kubectl apply` says."""
    for changes in ({"spec.tool.helm": samples.DELETE}, {"spec.tool.manifests": {"urls": ["https://x"]}}):
        problem = parse.find_problems(samples.body_with(changes))[0]
        assert problem.detail in rules("spec.tool")


def test_fields_referenced_by_cel_have_bounds_for_the_cost_budget() -> None:
    assert at("spec.steps")["maxItems"] == parse.MAX_STEPS
    assert at("spec.steps[].name")["maxLength"] == 63


def test_limits_and_patterns_agree_with_parse() -> None:
    for part in ("apply", "assert", "errors", "delete"):
        assert at(f"spec.steps[].{part}")["maxItems"] == parse.MAX_OBJECTS
    assert at("spec.tool.manifests.inline")["maxItems"] == parse.MAX_INLINE
    assert at("spec.tool.manifests.urls")["maxItems"] == parse.MAX_URLS
    assert at("spec.tool.helm.valuesFrom")["maxItems"] == parse.MAX_VALUES_FROM
    assert {at(f"spec.steps[].run.{k}")["maxItems"] for k in ("command", "args", "env")} == {parse.MAX_ARGS}
    assert at("spec.timeout")["pattern"] == at("spec.steps[].timeout")["pattern"] == durations.PATTERN
    assert at("spec.target.namespace")["pattern"] == fields.DNS_LABEL
    assert at("spec.serviceAccountName")["pattern"] == fields.DNS_SUBDOMAIN
    assert at("spec.steps[].name")["pattern"] == fields.STEP_NAME
    assert at("spec.tool.helm.repo")["pattern"] == fields.REPO_URL
    assert at("spec.tool.manifests.urls[]")["pattern"] == fields.MANIFEST_URL


def test_defaults_agree_with_parse() -> None:
    assert at("spec.timeout")["default"] == trial.DEFAULT_TIMEOUT
    assert at("spec.steps[].timeout")["default"] == step.DEFAULT_STEP_TIMEOUT
    assert at("spec.cleanup.policy")["default"] == trial.CleanupPolicy.DELETE
    assert at("spec.cleanup.policy")["enum"] == [str(p) for p in trial.CleanupPolicy]
    assert at("spec.target.createNamespace")["default"] is True
    assert at("spec.dialect")["enum"] == list(step.DIALECTS)
    assert at("spec.steps[].dialect")["enum"] == list(step.DIALECTS)


def test_the_inline_manifests_are_plain_objects() -> None:
    inline = at("spec.tool.manifests.inline[]")
    assert inline["x-kubernetes-preserve-unknown-fields"] is True
    assert inline["x-kubernetes-embedded-resource"] is False
    assert at("spec.tool.helm.values")["x-kubernetes-preserve-unknown-fields"] is True


def test_status_vocabularies_are_the_model_enums() -> None:
    assert at("status.phase")["enum"] == [str(p) for p in status.Phase]
    assert at("status.result")["enum"] == [str(r) for r in status.Result]
    assert at("status.steps[].phase")["enum"] == [str(p) for p in status.StepPhase]
    assert at("status.run.stage")["enum"] == [str(s) for s in status.Stage]
    assert at("status.conditions[].status")["enum"] == [str(s) for s in status.ConditionStatus]


def test_conditions_are_a_map_list_keyed_by_type() -> None:
    conditions = at("status.conditions")
    assert conditions["x-kubernetes-list-type"] == "map"
    assert conditions["x-kubernetes-list-map-keys"] == ["type"]
    assert "type" in conditions["items"]["required"]


def test_every_field_the_operator_writes_is_declared_in_the_status_schema() -> None:
    now = datetime(2026, 5, 1, tzinfo=UTC)
    tool_trial = parse.parse_trial(samples.TRIAL)
    current = tr.start_run(tool_trial, status.TrialStatus(), now=now)
    current = tr.namespace_ready(current, created=True, now=now)
    entry = status.InventoryEntry("apps/v1", "DaemonSet", "falco", "trial-falco")
    info = status.InstallInfo("helm", "falco", "9.1.0", "0.44.1", 3, 1.5)
    current = tr.install_succeeded(
        current, info, now=now, entries=(entry,), release="falco", footprint=status.Footprint()
    )
    current = tr.step_applied(tr.begin_step(current, 0, timeout_seconds=30, now=now), 0)
    current = tr.step_attempt_failed(current, 0, "no", now=now + timedelta(seconds=1))
    current = tr.finish(current, status.Result.FAILED, status.Reason.ASSERTIONS_FAILED, "no", now=now)
    strict = {**STATUS, "x-kubernetes-preserve-unknown-fields": False}
    assert schema.validate(current.to_patch(), strict, path="status") == []


def test_bounds_agree_with_limits() -> None:
    assert at("spec.cleanup.ttlSecondsAfterFinished")["maximum"] == limits.MAX_TTL_SECONDS
    for path in ("spec.timeout", "spec.steps[].timeout"):
        rules = [rule["rule"] for rule in at(path)["x-kubernetes-validations"]]
        assert rules == [f"duration(self) <= duration('{limits.MAX_DURATION_SECONDS // 3600}h')"]
