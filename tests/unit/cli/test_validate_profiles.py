"""`toollab validate` on trials that name a ToolProfile: checked as the operator would expand them,
against the built-in catalog, extra --catalog files, or a cluster's profiles (tests/cluster)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from toollab.cli import main

REPO = Path(__file__).resolve().parents[3]


def trial(tool: dict[str, Any], steps: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "apiVersion": "toollab.dev/v1alpha1",
        "kind": "ToolTrial",
        "metadata": {"name": "t", "namespace": "lab"},
        "spec": {"tool": tool, **({"steps": steps} if steps else {})},
    }


def run(capsys: pytest.CaptureFixture[str], tmp_path: Path, doc: Any, *extra: str) -> tuple[int, str, str]:
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(doc))
    code = main.main(["validate", str(path), *extra])
    out, err = capsys.readouterr()
    return code, out.replace(str(path), "FILE"), err


def test_a_trial_naming_a_built_in_profile_is_ok(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(capsys, tmp_path, trial({"profile": "falco", "preset": "simulated"}))[:2] == (0, "FILE: ok\n")


@pytest.mark.parametrize(
    ("tool", "expected"),
    [
        (
            {"profile": "falcon"},
            'FILE spec.tool.profile: no ToolProfile "falcon" (known: chaos-mesh, contour,',
        ),
        (
            {"profile": "falco", "preset": "cloud"},
            'FILE spec.tool.preset: profile "falco" has no preset "cloud" (has: default, simulated)',
        ),
        (
            {"profile": "linkerd", "params": {"trustAnchor": "x"}},
            'FILE spec.tool.params.trustAnchor: profile "linkerd" has no parameter "trustAnchor"',
        ),
        (
            {"profile": "falco", "helm": {"repo": "https://x", "chart": "c"}},
            "FILE spec.tool: has two sources",
        ),
    ],
)
def test_profile_problems_are_reported_by_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, tool: dict[str, Any], expected: str
) -> None:
    code, out, _ = run(capsys, tmp_path, trial(tool))
    assert code == 1 and out.startswith(expected), out


def test_a_missing_parameter_and_a_preset_the_profile_lacks_come_from_the_catalog(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    body = yaml.safe_load((REPO / "catalog" / "jaeger.yaml").read_text())
    body["metadata"]["name"] = "jaeger-external"
    body["spec"]["params"] = [{"name": "storage", "path": "storage.type", "required": True}]
    body["spec"]["presets"] = [{"name": "kind", "values": {}}]
    catalog = tmp_path / "extra"
    catalog.mkdir()
    (catalog / "jaeger-external.yaml").write_text(yaml.safe_dump(body))
    code, out, _ = run(capsys, tmp_path, trial({"profile": "jaeger-external"}), "--catalog", str(catalog))
    assert (code, out) == (
        1,
        'FILE spec.tool.params.storage: profile "jaeger-external" needs this parameter\n',
    )
    tool = {"profile": "jaeger-external", "preset": "simulated", "params": {"storage": "memory"}}
    code, out, _ = run(capsys, tmp_path, trial(tool), "--catalog", str(catalog))
    assert (code, out) == (
        1,
        'FILE spec.tool.preset: profile "jaeger-external" has no preset "simulated" (has: default, kind)\n',
    )


def test_the_trials_own_steps_are_checked_after_the_expansion(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    steps = [{"name": "healthy", "assert": [{"apiVersion": "v1", "kind": "Pod"}]}]
    code, out, _ = run(capsys, tmp_path, trial({"profile": "jaeger"}, steps))
    assert code == 1 and 'spec.steps[1].name: step names must be unique: "healthy" repeats' in out


def test_a_broken_catalog_file_is_an_input_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "toollab.dev/v1alpha1",
                "kind": "ToolProfile",
                "metadata": {"name": "b"},
                "spec": {"install": {"parts": []}},
            }
        )
    )
    code, _, err = run(capsys, tmp_path, trial({"profile": "falco"}), "--catalog", str(bad))
    assert code == 2 and "ToolProfile spec.install.parts: needs at least one part" in err


def test_the_packaged_catalog_is_the_catalog() -> None:
    packaged = {
        p.name: p.read_bytes() for p in (REPO / "operator" / "toollab" / "data" / "catalog").glob("*.yaml")
    }
    assert packaged == {p.name: p.read_bytes() for p in (REPO / "catalog").glob("*.yaml")}
