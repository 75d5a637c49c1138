"""A ToolTrial step's `refs` and `cel`: shapes and names checked with the exact field path."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.model.samples import body_with
from toollab import errors
from toollab.model import parse, step

REF = {"ref": "web", "apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}


def first_step(**fields: Any) -> step.Step:
    return parse.parse_trial(body_with({"spec.steps.0": {"name": "s", **fields}})).steps[0]


def test_refs_and_cel_make_a_step_with_checks() -> None:
    pods = {"ref": "pods", "apiVersion": "v1", "kind": "Pod", "labels": {"app": "web"}}
    parsed = first_step(refs=[REF, pods], cel=["web.spec.replicas == size(pods)"])
    assert parsed.has_checks and not parsed.has_actions
    assert parsed.refs == (
        step.CelRef("web", "apps/v1", "Deployment", name="web"),
        step.CelRef("pods", "v1", "Pod", labels={"app": "web"}),
    )
    assert parsed.cel == ("web.spec.replicas == size(pods)",)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"refs": [{**REF, "ref": "my-web"}], "cel": ["true"]},
            "spec.steps[0].refs[0].ref: 'my-web' is not a CEL",
        ),
        ({"refs": [REF, REF], "cel": ["true"]}, "spec.steps[0].refs[1].ref: 'web' is already used"),
        ({"refs": [REF], "apply": [REF]}, "spec.steps[0].refs: refs are only read by cel expressions"),
        ({"refs": [{**REF, "labels": {"a": "b"}}], "cel": ["true"]}, "not both"),
        ({"refs": [{**REF, "labels": {"a": 1}}], "cel": ["true"]}, "spec.steps[0].refs[0].labels: must map"),
        (
            {"refs": [{**REF, "selector": {}}], "cel": ["true"]},
            "spec.steps[0].refs[0].selector: unknown field",
        ),
        ({"cel": ["  "]}, "spec.steps[0].cel[0]: must be 1 to 4096 characters"),
        ({"cel": [7]}, "spec.steps[0].cel"),
    ],
)
def test_bad_refs_and_cel_name_the_field(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(errors.SpecError) as caught:
        first_step(**fields)
    assert message in str(caught.value)
