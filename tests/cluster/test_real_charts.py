"""examples/real/* against their upstream charts: everything a trial asserts by name or by labels
exists in `helm template` of that chart version with the trial's values, or is made by an earlier
step, or is listed below as made by the tool while it runs. Falco's detection greps a log line
the chart's own configuration produces.

The charts come from the offline mirror (`../shared/charts` beside the repository, or
TOOLLAB_CHART_MIRROR). Without one these tests skip with that reason, except in CI, where a
missing mirror fails.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import chartserver

REPO = Path(__file__).resolve().parents[2]
REAL = REPO / "examples" / "real"
TRIALS = sorted(REAL.glob("*/tooltrial.yaml"))

# Objects a trial checks that no chart renders: the tool writes them while it runs.
MADE_AT_RUN_TIME = {
    ("litmuschaos", "ChaosResult", "nginx-chaos-pod-delete"): "the chaos operator records the verdict",
}
# Labels the tool adds to pods at run time (so no rendered template carries them).
LABELS_AT_RUN_TIME = {("linkerd", "linkerd.io/control-plane-ns"): "the proxy injector labels meshed pods"}
# A trial's valuesFrom is per cluster (secrets); the mirror's throwaway stand-in renders the chart.
VALUES_FROM_STAND_IN = {"linkerd": "linkerd-simulated.yaml"}


def mirror() -> Path:
    configured = os.environ.get("TOOLLAB_CHART_MIRROR")
    path = Path(configured) if configured else REPO.parent / "shared" / "charts"
    if (path / "index.yaml").exists():
        return path
    if os.environ.get("CI"):
        pytest.fail(f"no chart mirror at {path} (CI must have it)", pytrace=False)
    pytest.skip(f"no chart mirror at {path}: set TOOLLAB_CHART_MIRROR to the shared charts folder")


def load(path: Path) -> dict[str, Any]:
    body: dict[str, Any] = yaml.safe_load(path.read_text())
    return body


def render(trial: Mapping[str, Any], example: str, tmp_path: Path) -> list[dict[str, Any]]:
    """`helm template` of the trial's chart and version, release = trial name, with its values."""
    source = trial["spec"]["tool"]["helm"]
    charts = mirror()
    package = charts / f"{source['chart']}-{source['version']}.tgz"
    assert package.exists(), f"{example}: {package.name} is not in the mirror"
    values = tmp_path / "values.yaml"
    values.write_text(yaml.safe_dump(source.get("values") or {}))
    argv = [str(chartserver.helm_path()), "template", trial["metadata"]["name"], str(package)]
    argv += ["--namespace", trial["spec"]["target"]["namespace"], "--include-crds"]
    if source.get("valuesFrom"):
        argv += ["--values", str(charts / "values" / VALUES_FROM_STAND_IN[example])]
    argv += ["--values", str(values)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return [d for d in yaml.safe_load_all(done.stdout) if d]


def pod_labels(obj: Mapping[str, Any]) -> dict[str, str]:
    """The labels of the pods an object is or makes."""
    if obj.get("kind") == "Pod":
        return dict((obj.get("metadata") or {}).get("labels") or {})
    template = ((obj.get("spec") or {}).get("template") or {}).get("metadata") or {}
    return dict(template.get("labels") or {})


def checked(trial: Mapping[str, Any]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(step index, document) of every assert and errors document."""
    for index, step in enumerate(trial["spec"]["steps"]):
        for doc in [*(step.get("assert") or []), *(step.get("errors") or [])]:
            yield index, doc


def applied_before(trial: Mapping[str, Any], index: int) -> list[Mapping[str, Any]]:
    """What the steps up to `index` apply (a step's own apply runs before its checks)."""
    return [obj for step in trial["spec"]["steps"][: index + 1] for obj in step.get("apply") or []]


def problems(example: str, trial: Mapping[str, Any], rendered: list[dict[str, Any]]) -> list[str]:
    found = []
    for index, doc in checked(trial):
        known = [*rendered, *applied_before(trial, index)]
        meta = doc.get("metadata") or {}
        if meta.get("name"):
            same = [o for o in known if (o["kind"], o["metadata"]["name"]) == (doc["kind"], meta["name"])]
            if not same and (example, doc["kind"], meta["name"]) not in MADE_AT_RUN_TIME:
                found.append(f"{doc['kind']} {meta['name']}: not in the chart, not applied by a step")
        elif meta.get("labels"):
            wanted = {k: v for k, v in meta["labels"].items() if (example, k) not in LABELS_AT_RUN_TIME}
            if not any(wanted.items() <= pod_labels(o).items() for o in known):
                found.append(f"{doc['kind']} with labels {wanted}: no pod of the chart or a step has them")
    return found


@pytest.mark.parametrize("path", TRIALS, ids=[p.parent.name for p in TRIALS])
def test_what_each_real_trial_checks_is_what_its_chart_makes(path: Path, tmp_path: Path) -> None:
    example = path.parent.name
    trial = load(path)
    rendered = render(trial, example, tmp_path)
    assert problems(example, trial, rendered) == []


def test_the_check_finds_a_name_the_chart_does_not_make(tmp_path: Path) -> None:
    trial = load(REAL / "falco" / "tooltrial.yaml")
    rendered = render(trial, "falco", tmp_path)
    trial["spec"]["steps"][0]["assert"][0]["metadata"]["name"] = "falco-agent"  # a name from an older chart
    assert problems("falco", trial, rendered) == [
        "DaemonSet falco-agent: not in the chart, not applied by a step"
    ]


def test_falcos_detection_greps_what_this_chart_logs(tmp_path: Path) -> None:
    """Chart 9.1.0 logs text unless json_output is on; only JSON lines carry the rule's name."""
    trial = load(REAL / "falco" / "tooltrial.yaml")
    rendered = render(trial, "falco", tmp_path)
    (config,) = [o for o in rendered if o["kind"] == "ConfigMap" and o["metadata"]["name"] == "falco"]
    falco = yaml.safe_load(config["data"]["falco.yaml"])
    assert falco["json_output"] is True and falco["stdout_output"]["enabled"] is True
    assert "/etc/falco/falco_rules.yaml" in falco["rules_files"]  # the default rules, with the rule below
    script = next(s for s in trial["spec"]["steps"] if s["name"] == "detected")["run"]["command"][-1]
    assert '"rule":"Read sensitive file untrusted"' in script and "/etc/shadow" in script
    (daemonset,) = [o for o in rendered if o["kind"] == "DaemonSet"]
    containers = [c["name"] for c in daemonset["spec"]["template"]["spec"]["containers"]]
    assert "falco" in containers and "container=falco" in script  # the log it reads
    assert pod_labels(daemonset)["app.kubernetes.io/name"] == "falco"  # the pods it finds


def test_falcos_chart_is_namespaced_so_the_tenant_role_is_enough(tmp_path: Path) -> None:
    rendered = render(load(REAL / "falco" / "tooltrial.yaml"), "falco", tmp_path)
    kinds = {o["kind"] for o in rendered}
    assert kinds == {"ConfigMap", "DaemonSet", "ServiceAccount"}, kinds
    readme = (REAL / "falco" / "README.md").read_text()
    assert "creates a ClusterRole" not in readme


def tenant_rules() -> list[dict[str, Any]]:
    """What lab-runner holds in a target namespace: the tenant role's aggregated rules (shipped
    workloads rules and the lab's tools from the opt-in cluster-tools.yaml)."""
    files = (REPO / "manifests" / "rbac.yaml", REPO / "manifests" / "tenant-example" / "cluster-tools.yaml")
    label = ("toollab.dev/aggregate-to-tenant", "true")
    return [
        rule
        for path in files
        for doc in yaml.safe_load_all(path.read_text())
        if doc and label in ((doc["metadata"].get("labels") or {}).items())
        for rule in doc["rules"]
    ]


def uncovered(rule: Mapping[str, Any], held: list[dict[str, Any]]) -> list[str]:
    """The (group, resource, verb) of `rule` that no held rule grants (RBAC's escalation check)."""

    def grants(have: Mapping[str, Any], group: str, resource: str, verb: str) -> bool:
        names = have.get("resourceNames") or []
        return (
            any(g in ("*", group) for g in have["apiGroups"])
            and any(r in ("*", resource) for r in have["resources"])
            and any(v in ("*", verb) for v in have["verbs"])
            and (not names or set(rule.get("resourceNames") or ["(all)"]) <= set(names))
        )

    return [
        f"{group or 'core'}/{resource} {verb}"
        for group in rule.get("apiGroups") or []
        for resource in rule.get("resources") or []
        for verb in rule.get("verbs") or []
        if not any(grants(have, group, resource, verb) for have in held)
    ]


@pytest.mark.parametrize("path", TRIALS, ids=[p.parent.name for p in TRIALS])
def test_the_tenant_may_create_every_role_the_chart_and_the_steps_make(path: Path, tmp_path: Path) -> None:
    """RBAC lets an account create a Role only with rights it holds itself."""
    example = path.parent.name
    trial = load(path)
    applied = [obj for step in trial["spec"]["steps"] for obj in step.get("apply") or []]
    roles = [o for o in [*render(trial, example, tmp_path), *applied] if o["kind"] == "Role"]
    held = tenant_rules()
    missing = {
        r["metadata"]["name"]: [u for rule in r["rules"] for u in uncovered(rule, held)] for r in roles
    }
    assert {name: gaps for name, gaps in missing.items() if gaps} == {}
