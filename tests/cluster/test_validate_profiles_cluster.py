"""`toollab validate --cluster`: trials naming a profile are checked against the ToolProfiles the
cluster has (one applied here that the built-in catalog lacks), not the built-in catalog."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from toollab.cli import main

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def cluster_profile(kube: Any, crds: list[str]) -> Iterator[str]:
    """A copy of the Jaeger profile under a fresh name, with a required parameter."""
    body = yaml.safe_load((REPO / "catalog" / "jaeger.yaml").read_text())
    name = f"jaeger-{secrets.token_hex(3)}"
    body["metadata"] = {"name": name}
    body["spec"]["params"] = [{"name": "storage", "path": "storage.type", "required": True}]
    kube.apply(body, namespace=None)
    yield name
    kube.delete("toollab.dev/v1alpha1", "ToolProfile", name=name, namespace=None)


def validate(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, tool: dict[str, Any], *extra: str
) -> tuple[int, str]:
    path = tmp_path / "t.yaml"
    doc = {
        "apiVersion": "toollab.dev/v1alpha1",
        "kind": "ToolTrial",
        "metadata": {"name": "t"},
        "spec": {"tool": tool},
    }
    path.write_text(yaml.safe_dump(doc))
    code = main.main(["validate", str(path), *extra])
    out, err = capsys.readouterr()
    return code, (out + err).replace(str(path), "FILE")


def test_the_clusters_profiles_are_the_catalog_with_cluster(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kubeconfig: str, cluster_profile: str
) -> None:
    given = {"profile": cluster_profile, "params": {"storage": "memory"}}
    assert validate(capsys, tmp_path, given, "--cluster", "--kubeconfig", kubeconfig) == (0, "FILE: ok\n")
    code, out = validate(
        capsys, tmp_path, {"profile": cluster_profile}, "--cluster", "--kubeconfig", kubeconfig
    )
    assert (code, out) == (
        1,
        f'FILE spec.tool.params.storage: profile "{cluster_profile}" needs this parameter\n',
    )
    code, out = validate(capsys, tmp_path, given)  # offline: only the built-in catalog
    assert code == 1 and out.startswith(f'FILE spec.tool.profile: no ToolProfile "{cluster_profile}"')
