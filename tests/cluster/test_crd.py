"""The API server enforces the ToolTrial CRD: it accepts a valid trial, rejects bad ones at
`kubectl apply` time with the rule's words, and stores the status the operator writes.

`toollab validate` must reject the same bodies, so each rejection is checked offline too.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.unit.model import samples
from tests.unit.model.samples import DELETE, body_with
from toollab import errors
from toollab.cli import cmd_validate
from toollab.model import parse, status
from toollab.runner import transitions as tr

API = "toollab.dev/v1alpha1"


def trial_in(namespace: str, changes: dict[str, Any], base: dict[str, Any] = samples.TRIAL) -> dict[str, Any]:
    body = body_with({"metadata": {"name": "falco", "namespace": namespace}, **changes}, base)
    return body


def test_accepts_a_valid_trial_and_fills_in_defaults(kube: Any, crds: list[str], namespace: str) -> None:
    _, created = kube.create_or_merge(trial_in(namespace, {}, samples.MANIFESTS_TRIAL), namespace=namespace)
    assert created
    stored = kube.get(API, "ToolTrial", name="falco", namespace=namespace)
    assert stored["spec"]["timeout"] == "15m"
    assert stored["spec"]["steps"][0]["timeout"] == "30s"
    assert stored["metadata"]["generation"] == 1
    parsed = parse.parse_trial(stored)
    assert (parsed.namespace, parsed.uid, parsed.target.namespace) == (
        namespace,
        stored["metadata"]["uid"],
        "trial-falco",
    )


def test_accepts_the_full_sample_with_every_part(kube: Any, crds: list[str], namespace: str) -> None:
    _, created = kube.create_or_merge(trial_in(namespace, {}), namespace=namespace)
    stored = kube.get(API, "ToolTrial", name="falco", namespace=namespace)
    assert created
    assert stored["spec"]["tool"]["helm"]["values"] == {"driver": {"kind": "modern_ebpf"}}
    assert parse.parse_trial(stored).steps == parse.parse_trial(samples.TRIAL).steps


MANY_STEPS = [{"name": f"s{i}", "apply": [{"apiVersion": "v1", "kind": "Pod"}]} for i in range(51)]
REJECTED = [
    pytest.param(
        {"spec.tool.manifests": {"urls": ["https://x/a.yaml"]}},
        "spec.tool: Forbidden: has two sources",
        id="two sources",
    ),
    pytest.param({"spec.tool.helm": DELETE}, "spec.tool: Required value: needs a source", id="no source"),
    pytest.param(
        {"spec.steps.1": {"name": "idle"}},
        'spec.steps[1]: Invalid value: step "idle" has nothing to do',
        id="empty step",
    ),
    pytest.param(
        {"spec.steps.0.timeout": "5 minutes"},
        'spec.steps[0].timeout: Invalid value: "5 minutes"',
        id="malformed timeout",
    ),
    pytest.param(
        {"spec.steps.2.name": "running"},
        "spec.steps: Invalid value: step names must be unique",
        id="repeated step name",
    ),
    pytest.param(
        {"spec.tool.helm.valuesFrom": [{}]},
        "spec.tool.helm.valuesFrom[0]: Invalid value: set exactly one",
        id="empty values ref",
    ),
    pytest.param({"spec.steps": MANY_STEPS}, "spec.steps: Too many", id="51 steps"),
    pytest.param(
        {"spec.cleanup.policy": "Never"}, 'spec.cleanup.policy: Unsupported value: "Never"', id="policy"
    ),
    pytest.param(
        {"spec.dialect": "jsonpath"}, 'spec.dialect: Unsupported value: "jsonpath"', id="trial dialect"
    ),
    pytest.param(
        {"spec.steps.0.dialect": "Chainsaw"},
        'spec.steps[0].dialect: Unsupported value: "Chainsaw"',
        id="step dialect",
    ),
    pytest.param({"spec.timeout": "99999999h"}, "spec.timeout: Invalid value", id="timeout past 24h"),
    pytest.param({"spec.timeout": "24h1s"}, "spec.timeout is at most 24h", id="timeout just past 24h"),
    pytest.param(
        {"spec.steps.0.timeout": "999999999999999999999h"},
        "spec.steps[0].timeout: Invalid value",
        id="step timeout that overflows",
    ),
    pytest.param(
        {"spec.cleanup.ttlSecondsAfterFinished": 9223372036854775807},
        "spec.cleanup.ttlSecondsAfterFinished: Invalid value: 9223372036854775807",
        id="ttl past 30 days",
    ),
    pytest.param(
        {"metadata.name": "n" * 60},
        "spec.target: Invalid value: the default target namespace",
        id="name too long for the default namespace",
    ),
]


@pytest.mark.parametrize(("changes", "text"), REJECTED)
def test_rejects_at_apply_time_naming_the_rule(
    kube: Any, crds: list[str], namespace: str, changes: dict[str, Any], text: str
) -> None:
    body = trial_in(namespace, changes)
    with pytest.raises(errors.Invalid) as rejected:
        kube.create_or_merge(body, namespace=namespace)
    assert text in str(rejected.value)
    assert kube.list(API, "ToolTrial", namespace=namespace) == []
    assert cmd_validate.problems_in(body, cmd_validate.load_schema()), "toollab validate must reject it too"


def test_accepts_the_largest_bounds(kube: Any, crds: list[str], namespace: str) -> None:
    changes = {
        "spec.timeout": "24h",
        "spec.steps.0.timeout": "23h59m60s",
        "spec.cleanup.ttlSecondsAfterFinished": 2592000,
    }
    kube.create_or_merge(trial_in(namespace, changes), namespace=namespace)
    parsed = parse.parse_trial(kube.get(API, "ToolTrial", name="falco", namespace=namespace))
    assert parsed.timeout_seconds == 86400 and parsed.steps[0].timeout_seconds == 86400


def test_stores_the_dialects_of_the_trial_and_its_steps(kube: Any, crds: list[str], namespace: str) -> None:
    body = trial_in(namespace, {"spec.dialect": "chainsaw", "spec.steps.0.dialect": "kuttl"})
    kube.create_or_merge(body, namespace=namespace)
    stored = kube.get(API, "ToolTrial", name="falco", namespace=namespace)
    assert [s.dialect for s in parse.parse_trial(stored).steps] == ["kuttl", "chainsaw", "chainsaw"]


def test_rejects_manifests_without_objects(kube: Any, crds: list[str], namespace: str) -> None:
    body = trial_in(namespace, {"spec.tool.manifests": {}}, samples.MANIFESTS_TRIAL)
    with pytest.raises(
        errors.Invalid, match=r"spec\.tool\.manifests: Invalid value: needs at least one of inline"
    ):
        kube.create_or_merge(body, namespace=namespace)


def test_stores_the_status_the_operator_writes_without_a_new_generation(
    kube: Any, crds: list[str], namespace: str
) -> None:
    kube.create_or_merge(trial_in(namespace, {}), namespace=namespace)
    stored = kube.get(API, "ToolTrial", name="falco", namespace=namespace)
    tool_trial = parse.parse_trial(stored)
    now = datetime.now(UTC).replace(microsecond=0)
    current = tr.start_run(tool_trial, status.TrialStatus(), now=now)
    current = tr.namespace_ready(current, created=True, now=now)
    info = status.InstallInfo("helm", "falco", "9.1.0", "0.44.1", 23, 4.1)
    current = tr.install_succeeded(
        current, info, now=now, release="falco", footprint=status.Footprint(pods=1)
    )
    current = tr.step_attempt_failed(
        tr.begin_step(current, 0, timeout_seconds=300, now=now), 0, "no", now=now
    )
    current = tr.finish(
        current, status.Result.FAILED, status.Reason.ASSERTIONS_FAILED, "no", now=now + timedelta(seconds=2)
    )
    kube.patch_status(API, "ToolTrial", name="falco", namespace=namespace, status=current.to_patch())
    after = kube.get(API, "ToolTrial", name="falco", namespace=namespace)
    assert after["metadata"]["generation"] == stored["metadata"]["generation"]
    assert status.TrialStatus.from_raw(after["status"], now=now) == current
    assert after["status"]["passedText"] == "0/3"
    restarted = tr.start_run(tool_trial, status.TrialStatus.from_raw(after["status"], now=now), now=now)
    kube.patch_status(API, "ToolTrial", name="falco", namespace=namespace, status=restarted.to_patch())
    cleared = kube.get(API, "ToolTrial", name="falco", namespace=namespace)["status"]
    assert "finishedAt" not in cleared and "install" not in cleared  # a merge patch of None removes them
