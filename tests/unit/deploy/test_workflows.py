"""The CI and release workflows say what the README promises (actionlint checks their syntax in
tests/cluster/test_packaging.py): CI runs every tier; a tag releases a multi-arch image and the chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[3]
WORKFLOWS = REPO / ".github" / "workflows"


def workflow(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    loaded["on"] = loaded.pop(True, loaded.get("on"))  # YAML 1.1 reads the key `on` as true
    return loaded


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job["steps"])


def scripts(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in steps(job))


def test_ci_runs_every_tier_through_ci_run_on_pushes_and_pull_requests() -> None:
    ci = workflow("ci.yaml")
    assert set(ci["on"]) == {"push", "pull_request"}
    (job,) = ci["jobs"].values()
    assert "bash .ci/run" in scripts(job)
    assert "make test" in (REPO / ".ci" / "run").read_text()
    assert job["timeout-minutes"] <= 90


def test_a_version_tag_releases_the_image_for_two_architectures() -> None:
    release = workflow("release.yaml")
    assert release["on"] == {"push": {"tags": ["v*.*.*"]}}
    assert release["permissions"]["packages"] == "write"
    build = next(
        s for s in steps(release["jobs"]["image"]) if s.get("uses", "").startswith("docker/build-push")
    )
    assert set(build["with"]["platforms"].split(",")) == {"linux/amd64", "linux/arm64"}
    assert build["with"]["push"] is True
    assert (
        "ghcr.io/${{ needs.version.outputs.owner }}/toollab:${{ needs.version.outputs.version }}"
        in build["with"]["tags"]
    )
    for arg in (
        "HELM_VERSION=",
        "KUBE_MINOR=",
        "KUBE_SCORE_VERSION=",
    ):  # the pins, as `make image` passes them
        assert arg in build["with"]["build-args"], arg


def test_the_chart_is_pushed_as_an_oci_artifact_after_the_image() -> None:
    release = workflow("release.yaml")
    chart = release["jobs"]["chart"]
    assert set(chart["needs"]) == {"version", "image"}
    script = scripts(chart)
    assert "helm lint --strict charts/toollab" in script
    assert 'helm push "dist/toollab-${VERSION}.tgz" "oci://ghcr.io/${OWNER}/charts"' in script
    assert "go install" in script  # helm from its Go module, at the project's pin


def test_the_tag_must_match_the_chart_and_the_package() -> None:
    script = scripts(workflow("release.yaml")["jobs"]["version"])
    for source in ("charts/toollab/Chart.yaml", "operator/toollab/__init__.py"):
        assert source in script
    assert "exit 1" in script
