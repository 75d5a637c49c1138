"""ToolTrialSet: parsing, matrix expansion, each cell's ToolTrial, summing the cells; and index.yaml."""

from __future__ import annotations

from typing import Any

import pytest

from toollab import errors
from toollab.model import chartindex, parse, trialset

TEMPLATE = {
    "tool": {
        "name": "agent",
        "helm": {"repo": "https://charts.example", "chart": "agent", "values": {"a": {"b": 1}}},
    },
    "steps": [
        {"name": "up", "assert": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}]}
    ],
}


def a_set(matrix: dict[str, Any], **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "toollab.dev/v1alpha1",
        "kind": "ToolTrialSet",
        "metadata": {"name": "agents", "namespace": "lab", "uid": "set-uid", "generation": 2},
        "spec": {
            "template": {"metadata": {"labels": {"team": "a"}}, "spec": TEMPLATE},
            "matrix": matrix,
            **spec,
        },
    }


def test_versions_times_presets_make_the_cells_in_order() -> None:
    parsed = trialset.parse_trial_set(
        a_set(
            {
                "versions": ["1.0.0", "1.1.0"],
                "presets": [{"name": "small"}, {"name": "ha", "values": {"a": {"c": 2}}}],
            }
        )
    )
    cells = trialset.expand(parsed, parsed.versions)
    assert [c.name for c in cells] == [
        "agents-1-0-0-small",
        "agents-1-0-0-ha",
        "agents-1-1-0-small",
        "agents-1-1-0-ha",
    ]


def test_each_cell_is_a_valid_trial_owned_by_the_set() -> None:
    parsed = trialset.parse_trial_set(
        a_set({"versions": ["1.1.0"], "presets": [{"name": "ha", "values": {"a": {"c": 2}}}]})
    )
    (cell,) = trialset.expand(parsed, parsed.versions)
    body = trialset.build_trial(parsed, cell)
    assert body["metadata"]["ownerReferences"] == [
        {"apiVersion": "toollab.dev/v1alpha1", "kind": "ToolTrialSet", "name": "agents", "uid": "set-uid",
         "controller": True, "blockOwnerDeletion": True}
    ]  # fmt: skip
    assert body["metadata"]["labels"] == {
        "team": "a",
        "toollab.dev/trial-set": "agents",
        "toollab.dev/cell": cell.name,
    }
    helm = body["spec"]["tool"]["helm"]
    assert helm["version"] == "1.1.0" and helm["values"] == {"a": {"b": 1, "c": 2}}  # presets merge like helm
    assert (
        parse.parse_trial({**body, "metadata": {**body["metadata"], "uid": "u"}}).target.namespace
        == f"trial-{cell.name}"
    )
    assert TEMPLATE["tool"]["helm"]["values"] == {"a": {"b": 1}}  # the template is never changed


@pytest.mark.parametrize(
    ("matrix", "spec", "path", "says"),
    [
        ({"versions": ["1"], "versionPolicy": "latest-3"}, {}, "spec.matrix", "not both"),
        ({"versionPolicy": "newest"}, {}, "spec.matrix.versionPolicy", "latest-3"),
        ({"versions": ["1", "1"]}, {}, "spec.matrix.versions", "unique"),
        ({"versions": [""]}, {}, "spec.matrix.versions[0]", "not a version"),
        ({"presets": [{"name": "Bad Name"}]}, {}, "spec.matrix.presets[0].name", "Bad Name"),
        (
            {"versions": [str(i) for i in range(5)], "presets": [{"name": f"p{i}"} for i in range(5)]},
            {},
            "spec.matrix",
            "more than 20",
        ),
        ({}, {"parallelism": 0}, "spec.parallelism", "0"),
    ],
)
def test_bad_sets_name_the_field(matrix: dict[str, Any], spec: dict[str, Any], path: str, says: str) -> None:
    with pytest.raises(errors.SpecError, match=says) as caught:
        trialset.parse_trial_set(a_set(matrix, **spec))
    assert caught.value.path == path


def test_the_template_is_checked_like_a_trial_with_its_path() -> None:
    body = a_set({"versions": ["1.0.0"]})
    body["spec"]["template"]["spec"] = {**TEMPLATE, "timeout": "soon"}
    with pytest.raises(errors.SpecError) as caught:
        trialset.parse_trial_set(body)
    assert caught.value.path == "spec.template.spec.timeout"


def test_oci_repositories_have_no_index_to_read_versions_from() -> None:
    body = a_set({"versionPolicy": "latest-3"})
    body["spec"]["template"]["spec"] = {
        **TEMPLATE,
        "tool": {"name": "x", "helm": {"repo": "oci://r.example/c", "chart": "x"}},
    }
    with pytest.raises(
        errors.SpecError, match=r"OCI registries have none: list spec\.matrix\.versions instead"
    ):
        trialset.parse_trial_set(body)


def test_a_fixed_target_namespace_would_make_cells_collide() -> None:
    body = a_set({"versions": ["1.0.0"]})
    body["spec"]["template"]["spec"] = {**TEMPLATE, "target": {"namespace": "shared"}}
    with pytest.raises(errors.SpecError, match="its own namespace"):
        trialset.parse_trial_set(body)


def cell(outcome: str | None, *, generation: int = 1, observed: int = 1) -> dict[str, Any]:
    status = {} if outcome is None else {"phase": outcome, "result": outcome, "observedGeneration": observed}
    return {"metadata": {"generation": generation}, "status": status}


def test_the_set_sums_its_cells() -> None:
    parsed = trialset.parse_trial_set(a_set({"versions": ["1", "2", "3"]}))
    cells = trialset.expand(parsed, parsed.versions)
    bodies = {
        cells[0].name: cell("Passed"),
        cells[1].name: cell("Failed"),
        cells[2].name: cell("Passed", generation=2),
    }
    figures = trialset.summarize(cells, bodies)
    assert (figures["summary"], figures["phase"], figures["running"]) == ("1/3 passed", "Running", 1)
    bodies[cells[2].name] = cell("Passed", generation=2, observed=2)
    assert trialset.summarize(cells, bodies)["phase"] == "Failed"
    assert trialset.summarize(cells, {c.name: cell("Passed") for c in cells})["summary"] == "3/3 passed"
    assert trialset.unfinished(cells, {cells[0].name: cell(None)}) == 1


INDEX = {
    "apiVersion": "v1",
    "entries": {
        "agent": [{"version": v} for v in ("1.2.0", "1.10.0", "1.9.1", "2.0.0-rc.1", "v1.3.0", "latest")]
        + [{"version": "1.11.0", "deprecated": True}]
    },
}


def test_latest_versions_are_released_semver_newest_first() -> None:
    assert chartindex.latest_versions(INDEX, chart="agent", count=3) == ["1.10.0", "1.9.1", "v1.3.0"]
    assert chartindex.latest_versions(INDEX, chart="agent", count=20)[-1] == "1.2.0"


@pytest.mark.parametrize(
    ("index", "says"),
    [
        ({}, "no entries"),
        ({"entries": {}}, "no chart named agent"),
        ({"entries": {"agent": [{"version": "x"}]}}, "no released"),
    ],
)
def test_an_index_without_the_chart_says_so(index: dict[str, Any], says: str) -> None:
    with pytest.raises(errors.InstallError, match=says):
        chartindex.latest_versions(index, chart="agent", count=3)
