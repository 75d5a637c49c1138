"""`toollab test` behaves as kubectl-kuttl v0.26 where KUTTL's own suites rely on it, on the local cluster.

Each test writes a small suite into tmp_path and runs `toollab test` on it as a user would.
"""

from __future__ import annotations

import re
import shutil
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from toollab.cli import main

SUITE_HEADER = "apiVersion: kuttl.dev/v1beta1\nkind: TestSuite\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    return root


def toollab_test(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main.main(["test", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# the step fails after 2 s; the suite timeout (15 s) leaves room for a namespace to go (~5 s here)
QUICK = "apiVersion: kuttl.dev/v1beta1\nkind: TestAssert\ntimeout: 2\n---\n"


def cm(name: str, **data: str) -> str:
    body: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}}
    return yaml.safe_dump({**body, "data": data} if data else body)


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
"""


def test_a_partial_object_that_exists_is_merged_as_kuttl_updates_it(
    kubeconfig: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            "t/scale/00-create.yaml": DEPLOYMENT,
            # not a valid Deployment on its own: creating it would be refused
            "t/scale/01-scale.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
            "spec: {replicas: 2}\n",
            "t/scale/01-assert.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
            "spec: {replicas: 2, template: {spec: {containers: [{name: web, image: nginx}]}}}\n",
        },
    )
    status, out, _ = toollab_test(capsys, str(tmp_path / "t"), "--timeout", "10")
    assert status == 0, out
    assert re.search(r"^scale  step 1-scale  passed", out, re.MULTILINE)


def test_a_namespace_that_does_not_go_within_the_timeout_fails_the_case(
    kubeconfig: str, kube: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    held = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "held", "finalizers": ["toollab.dev/hold"]},
    }
    write(tmp_path, {"t/stuck/00-create.yaml": yaml.safe_dump(held)})
    status, out, _ = toollab_test(capsys, str(tmp_path / "t"), "--timeout", "3", "-v")
    namespace = re.search(r"setup  namespace (kuttl-\S+)", out)
    assert namespace is not None, out
    try:
        assert status == 1, out
        assert re.search(
            r"^stuck  cleanup  failed\n    test namespace not deleted: v1/Namespace "
            + namespace[1]
            + r" still present after 3s \(finalizers: kubernetes\),"
            + r" holding ConfigMap held \(finalizers: toollab.dev/hold\)$",
            out,
            re.M,
        )
        assert re.search(r"^stuck  FAILED  [3-9]\.\ds$", out, re.MULTILINE)  # waited the 3 s, not 60
    finally:
        kube.patch(
            "v1", "ConfigMap", name="held", namespace=namespace[1], patch={"metadata": {"finalizers": None}}
        )


def test_a_case_that_cannot_be_loaded_fails_and_the_others_run(
    kubeconfig: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            "t/broken/00-create.yaml": "data: [1,\n",
            "t/empty/README.md": "no steps here\n",
            "t/chainsaw-in-disguise/00-test.yaml": "apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\n",
            "t/good/00-create.yaml": cm("fine", a="b"),
            "t/good/00-assert.yaml": cm("fine", a="b"),
        },
    )
    status, out, _ = toollab_test(capsys, str(tmp_path / "t"), "--timeout", "15")
    assert status == 1
    assert re.search(r"^good  PASSED", out, re.MULTILINE)
    assert re.search(r"^broken  load  failed\n    .*00-create\.yaml", out, re.MULTILINE)
    assert re.search(
        r"^empty  load  failed\n    .*no step files \(KUTTL runs files named like 00-create", out, re.M
    )
    assert "a Chainsaw Test, not a KUTTL step: name the file chainsaw-test.yaml" in out
    assert "1 passed, 3 failed" in out


CEL_ASSERT = """\
apiVersion: kuttl.dev/v1beta1
kind: TestAssert
timeout: 3
resourceRefs:
  - {apiVersion: v1, kind: ConfigMap, name: sizes, ref: sizes}
  - {apiVersion: v1, kind: Namespace, name: default, ref: ns}
assertAll:
  - celExpr: "quantity(sizes.data.small).isLessThan(quantity(sizes.data.big))"
  - celExpr: "ns.metadata.name == 'default'"
assertAny:
  - celExpr: "sizes.data.small == 'nope'"
  - celExpr: "size(sizes.data) == 2"
"""


def test_cel_assert_all_and_any_over_resource_refs(
    kubeconfig: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failing_any = CEL_ASSERT.replace("size(sizes.data) == 2", "size(sizes.data) == 5")
    write(
        tmp_path,
        {
            "t/holds/00-create.yaml": cm("sizes", small="100Mi", big="1Gi"),
            "t/holds/00-assert.yaml": CEL_ASSERT,
            "t/fails/00-create.yaml": cm("sizes", small="100Mi", big="1Gi"),
            "t/fails/00-assert.yaml": failing_any,
            "t/missing/00-assert.yaml": CEL_ASSERT,
        },
    )
    status, out, _ = toollab_test(
        capsys, str(tmp_path / "t"), "--report", "junit", "--artifacts-dir", str(tmp_path)
    )
    assert status == 1
    assert re.search(r"^holds  PASSED", out, re.MULTILINE)
    assert "no assertAny expression evaluated to true" in out
    assert "expression 'size(sizes.data) == 5' evaluated to 'false'" in out
    assert "failed to get referenced resource v1/ConfigMap sizes (as sizes): not found" in out
    root = ET.parse(tmp_path / "kuttl-report.xml").getroot()
    holds = next(s for s in root.iter("testsuite") if s.get("name") == "holds")
    assert [(c.get("name"), c.get("assertions")) for c in holds.iter("testcase")] == [("step 0-create", "4")]


def test_sprig_functions_in_gotmpl_steps(
    kubeconfig: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = """\
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: {{ .Vars.app | default "web" | lower }}
    data:
      shout: {{ "hello" | upper | quote }}
      {{- range $i, $tier := splitList ";" .Vars.tiers }}
      tier{{ $i }}: {{ $tier | trim }}
      {{- end }}
      ns-prefix: {{ trunc 6 .Namespace }}
    """
    write(
        tmp_path,
        {
            "t/tmpl/00-create.gotmpl.yaml": template,
            "t/tmpl/00-assert.yaml": cm(
                "shop", shout="HELLO", tier0="front", tier1="back", **{"ns-prefix": "kuttl-"}
            ),
        },
    )
    status, out, _ = toollab_test(
        capsys, str(tmp_path / "t"), "--template-var", "app=SHOP", "--template-var", "tiers=front; back"
    )
    assert status == 0, out


def test_flags_select_cases_labels_crds_and_manifests(
    kubeconfig: str, kube: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suffix = tmp_path.name[-6:].lower().replace("_", "")
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"gadgets{suffix}.toollab.test"},
        "spec": {
            "group": "toollab.test",
            "names": {"kind": f"Gadget{suffix}", "plural": f"gadgets{suffix}"},
            "scope": "Namespaced",
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {
                        "openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
                    },
                }
            ],
        },
    }
    gadget = {"apiVersion": "toollab.test/v1", "kind": f"Gadget{suffix}", "metadata": {"name": "g"}}
    selected_file = "apiVersion: kuttl.dev/v1beta1\nkind: TestFile\n"
    selected_file += "testRunSelector: {matchLabels: {flavour: mint}}\n---\n"
    write(
        tmp_path,
        {
            "crds/gadget.yaml": yaml.safe_dump(crd),
            "manifests/setup.yaml": cm(f"setup-{suffix}", ready="yes").replace(
                "name:", "namespace: default\n  name:"
            ),
            "t/wanted/00-create.yaml": yaml.safe_dump(gadget),
            "t/wanted/00-assert.yaml": yaml.safe_dump(gadget),
            "t/wanted/01-mint.yaml": selected_file + cm("mint"),
            "t/wanted/01-assert.yaml": cm("mint"),
            "t/unwanted/00-fail.yaml": "kind: Nonsense\n",
        },
    )
    try:
        status, out, _ = toollab_test(
            capsys,
            str(tmp_path / "t"),
            "--test",
            "wanted",
            "--test-run-labels",
            "flavour=mint",
            "--crd-dir",
            str(tmp_path / "crds"),
            "--manifest-dir",
            str(tmp_path / "manifests"),
            "--config",
            "/dev/null",
        )
        assert status == 0, out
        assert "unwanted" not in out and "1 passed, 0 failed" in out
        assert kube.get("v1", "ConfigMap", name=f"setup-{suffix}", namespace="default") is not None
    finally:
        kube.delete(
            "apiextensions.k8s.io/v1",
            "CustomResourceDefinition",
            name=crd["metadata"]["name"],
            namespace=None,
        )
        kube.delete("v1", "ConfigMap", name=f"setup-{suffix}", namespace="default")


def test_a_step_talks_to_the_cluster_of_its_own_kubeconfig(
    kubeconfig: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(kubeconfig, tmp_path / "same.kubeconfig")
    broken = yaml.safe_load(Path(kubeconfig).read_text())
    for entry in broken["clusters"]:
        entry["cluster"]["server"] = "https://127.0.0.1:1"
    (tmp_path / "nowhere.kubeconfig").write_text(yaml.safe_dump(broken))
    step = "apiVersion: kuttl.dev/v1beta1\nkind: TestStep\nkubeconfig: ../../{}\n---\n"
    write(
        tmp_path,
        {
            "t/same/00-create.yaml": step.format("same.kubeconfig") + cm("via-step"),
            "t/same/00-assert.yaml": cm("via-step"),
            "t/nowhere/00-create.yaml": step.format("nowhere.kubeconfig") + cm("never"),
        },
    )
    status, out, _ = toollab_test(capsys, str(tmp_path / "t"), "--timeout", "15")
    assert status == 1
    assert re.search(r"^same  PASSED", out, re.MULTILINE)
    assert re.search(r"^nowhere  setup  failed\n    failed to create test namespace", out, re.MULTILINE)


def test_a_path_to_one_case_runs_that_case(
    kubeconfig: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"t/solo/00-create.yaml": cm("solo"), "t/solo/00-assert.yaml": cm("solo")})
    status, out, _ = toollab_test(capsys, str(tmp_path / "t" / "solo"))
    assert status == 0, out
    assert re.search(r"^solo  PASSED", out, re.MULTILINE) and "1 passed, 0 failed" in out


def test_reports_tell_same_named_cases_apart_and_keep_the_step_name(
    kubeconfig: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            "one/same/00-create.yaml": cm("x"),
            "two/same/00-assert.yaml": QUICK + cm("x", wrong="value"),
            "two/same/01-later.yaml": cm("y"),
        },
    )
    argv = [str(tmp_path / "one"), str(tmp_path / "two"), "--timeout", "15", "--report", "junit"]
    status, out, _ = toollab_test(capsys, *argv, "--artifacts-dir", str(tmp_path))
    assert status == 1
    assert re.search(r"^same  PASSED", out, re.M) and re.search(r"^same#01  FAILED", out, re.M)
    root = ET.parse(tmp_path / "kuttl-report.xml").getroot()
    names = [(s.get("name"), [c.get("name") for c in s.findall("testcase")]) for s in root.iter("testsuite")]
    assert ("same", ["step 0-create"]) in names
    assert ("same#01", ["step 0", "step 1-later"]) in names  # no setup, no "step 0-"
    failure = root.find(".//testcase[@name='step 0']/failure")
    assert failure is not None and failure.get("message", "").startswith("step 0: ")
