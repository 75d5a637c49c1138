"""`toollab assert` in process, offline (--actual): exit codes, output, one-line errors."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest

from toollab.cli import main
from toollab.cluster import objects
from toollab.suites.core import polling

DATA = Path(__file__).resolve().parents[2] / "data" / "assert"
OBJECTS = str(DATA / "objects.yaml")


def run(*args: str) -> int:
    return main.main(["assert", *args])


def offline(*args: str) -> int:
    return run("--actual", OBJECTS, *[str(DATA / a) if a.endswith(".yaml") else a for a in args])


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


def test_a_match_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline("deployment-pass.yaml") == 0
    assert capsys.readouterr().out == "passed: 1 document (1 attempt)\n"


def test_a_mismatch_exits_1_naming_object_path_and_values(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline("deployment-fail.yaml") == 1
    out = capsys.readouterr().out
    assert out.startswith(
        "apps/v1/Deployment shop/web: mismatch\n"
        "  - spec.replicas: expected 3, got 2 (value)\n"
        '  - spec.template.spec.containers[0].image: expected "nginx:1.27", got "nginx:1.25" (value)\n'
        "  - status.readyReplicas: expected 3, got 2 (value)\n"
        "  --- expected\n"
    )
    assert out.endswith("failed: 1 of 1 document (1 attempt)\n")
    assert "uid" not in out and "ports" not in out  # pruned, never the whole object


def test_every_file_and_document_is_checked(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        offline("deployment-pass.yaml", "deployment-fail.yaml", "configmap.yaml", "--namespace", "shop") == 1
    )
    assert capsys.readouterr().out.endswith("failed: 1 of 3 documents (1 attempt)\n")


def test_an_unnamed_document_passes_when_any_labelled_candidate_matches(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert offline("pods-running.yaml") == 0


def test_an_unnamed_document_fails_listing_the_candidates(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline("pods-succeeded.yaml") == 1
    out = capsys.readouterr().out
    assert out.startswith("v1/Pod shop [app=web] (2 candidates): mismatch\n  closest: v1/Pod shop/web-1\n")
    assert '    v1/Pod shop/web-2: status.phase: expected "Succeeded", got "Running" (value)\n' in out
    assert "db-1" not in out  # not selected by the labels


def test_the_namespace_is_injected_for_namespaced_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    # settings has no namespace in objects.yaml: it lives in --namespace, where the lookup goes too
    assert offline("configmap.yaml", "--namespace", "team-a") == 0
    assert offline("configmap.yaml") == 0  # NS defaults to `default`, on both sides


def test_an_explicit_namespace_is_kept(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline("deployment-pass.yaml", "--namespace", "elsewhere") == 0


def test_cluster_scoped_kinds_get_no_namespace(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline("clusterrole.yaml", "--namespace", "team-a") == 0


def test_a_missing_object_is_not_found(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline("configmap.yaml", "--namespace", "team-a", "--actual", str(DATA / "clusterrole.yaml")) == 1
    assert capsys.readouterr().out.startswith("v1/ConfigMap team-a/settings: not found\n")


def test_an_unknown_kind_fails_naming_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline("unknown-kind.yaml") == 1
    out = capsys.readouterr().out
    assert (
        "example.com/v1/Widget: unknown kind\n  kind Widget (example.com/v1) is not served by the cluster"
        in out
    )


def test_an_unknown_kind_fails_with_errors_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline("--errors", "unknown-kind.yaml") == 1


def test_errors_pass_when_nothing_matches(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline("--errors", "pods-succeeded.yaml") == 0  # candidates, none matching
    assert offline("--errors", "deployment-fail.yaml") == 0  # found, but not matching
    assert (
        run("--errors", "--actual", str(DATA / "clusterrole.yaml"), str(DATA / "configmap.yaml")) == 0
    )  # absent


def test_errors_fail_when_an_object_matches(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline("--errors", "errors-failed-pods.yaml") == 1
    assert "  Pod shop/db-1 matched an errors expectation\n" in capsys.readouterr().out
    assert offline("--errors", "errors-any-pod.yaml") == 1
    assert "  Pod shop/db-1 (and 2 others) matched an errors expectation\n" in capsys.readouterr().out


def test_offline_checks_do_not_retry(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_polling(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("offline checks must not poll")

    monkeypatch.setattr(polling, "poll", no_polling)
    assert offline("pods-succeeded.yaml", "--timeout", "60") == 1
    assert capsys.readouterr().out.endswith("(1 attempt)\n")


def test_verbose_shows_every_candidate(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline("-v", "pods-succeeded.yaml") == 1
    assert "    v1/Pod shop/web-2\n      - status.phase:" in capsys.readouterr().out


BAD_INPUT = [
    (["bad-yaml.yaml"], "bad-yaml.yaml: line 4: invalid YAML"),
    (["not-an-object.yaml"], "not-an-object.yaml: document 2 (line 5) is not an object (got a list)"),
    (["missing.yaml"], "missing.yaml: cannot read: No such file or directory"),
    (["deployment-pass.yaml", "--actual", "missing.yaml"], "missing.yaml: cannot read"),
    (["deployment-pass.yaml", "--actual", "bad-yaml.yaml"], "bad-yaml.yaml: line 4: invalid YAML"),
    (
        ["--dialect", "chainsaw", "chainsaw/bad-expression.yaml"],
        "bad-expression.yaml: document 1: spec: JMESPath (replicas ==): parse error: incomplete expression",
    ),
    (
        ["--dialect", "chainsaw", "chainsaw/unknown-function.yaml"],
        "spec: JMESPath (count(template.spec.containers)): unknown function count()",
    ),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT, ids=[m for _, m in BAD_INPUT])
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    resolved = [str(DATA / a) if a.endswith(".yaml") else a for a in args]
    if "--actual" not in args:
        resolved = ["--actual", OBJECTS, *resolved]
    assert run(*resolved) == 2
    line = one_error_line(capsys)
    assert line.startswith("toollab assert: error: ")
    assert message in line


def test_a_directory_is_unreadable(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline(str(DATA)) == 2
    assert "cannot read" in one_error_line(capsys)


def test_a_file_without_objects_is_bad_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("---\n# nothing\n")
    assert run("--actual", OBJECTS, str(empty)) == 2
    assert "no objects to check" in one_error_line(capsys)


@pytest.mark.parametrize(
    "args",
    [
        ["--bogus", "x.yaml"],
        [],
        ["--timeout", "-1", "x.yaml"],
        ["--timeout", "soon", "x.yaml"],
        ["--dialect", "x", "y.yaml"],
    ],
)
def test_bad_flags_exit_2_with_one_line(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run(*args)
    assert exited.value.code == 2
    line = one_error_line(capsys)
    assert line.startswith("toollab") and ": error: " in line


def test_live_mode_retries_until_the_object_appears(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --actual the cluster comes from the kubeconfig and rounds repeat until a pass."""
    from toollab.cluster import kube

    empty = objects.ObjectsCluster([], default_namespace="shop")
    full = objects.ObjectsCluster(
        [
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "settings"},
                "data": {"mode": "fast"},
            }
        ],
        default_namespace="shop",
    )
    rounds = [empty, empty, full]

    class Appearing(objects.ObjectsCluster):
        def get(
            self, api_version: str, kind: str, *, name: str, namespace: str | None
        ) -> dict[str, Any] | None:
            return (rounds.pop(0) if len(rounds) > 1 else rounds[0]).get(
                api_version, kind, name=name, namespace=namespace
            )

    monkeypatch.setattr(
        kube.KubeCluster,
        "from_kubeconfig",
        classmethod(lambda cls, *_, **__: Appearing([], default_namespace="shop")),
    )
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "in-a-pod")  # no kubeconfig needed
    sleeps: list[float] = []
    monkeypatch.setattr(
        polling, "poll", functools.partial(polling.poll, sleep=sleeps.append, clock=lambda: 0.0)
    )
    assert run("--namespace", "shop", str(DATA / "configmap.yaml")) == 0
    assert capsys.readouterr().out == "passed: 1 document (3 attempts)\n"
    assert sleeps == [1.0, 1.0]


def test_live_mode_with_no_kubeconfig_at_all_says_where_it_looked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "nowhere"))
    assert run(str(DATA / "configmap.yaml")) == 2
    assert one_error_line(capsys) == (
        f"toollab assert: error: no kubeconfig at {tmp_path / 'nowhere'}: pass --kubeconfig or set KUBECONFIG"
    )


def test_live_mode_with_a_broken_kubeconfig_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from toollab.cluster import kube

    def broken(**_: Any) -> Any:  # the client's own error, translated by KubeCluster
        raise RuntimeError("Invalid kube-config file.\nNo configuration found.")

    monkeypatch.setattr(kube.k8s_config, "load_kube_config", broken)
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    config = tmp_path / "config"
    config.write_text("not: a kubeconfig\n")
    assert run("--kubeconfig", str(config), str(DATA / "configmap.yaml")) == 2
    assert (
        one_error_line(capsys)
        == "toollab assert: error: cannot load the kubeconfig: Invalid kube-config file."
    )


def test_a_refusing_cluster_fails_with_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from toollab import errors
    from toollab.cluster import kube

    class Refusing(objects.ObjectsCluster):
        def get(
            self, api_version: str, kind: str, *, name: str, namespace: str | None
        ) -> dict[str, Any] | None:
            raise errors.Forbidden("configmaps is forbidden: User cannot get resource")

    refusing = Refusing([], default_namespace="default")
    monkeypatch.setattr(kube.KubeCluster, "from_kubeconfig", classmethod(lambda cls, *_, **__: refusing))
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "in-a-pod")  # no kubeconfig needed
    assert run("--timeout", "0", str(DATA / "configmap.yaml")) == 1
    assert (
        one_error_line(capsys) == "toollab assert: error: configmaps is forbidden: User cannot get resource"
    )


def test_chainsaw_projections_iteration_and_bindings_pass(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline("--dialect", "chainsaw", "--namespace", "shop", "chainsaw/deployment-pass.yaml") == 0
    assert capsys.readouterr().out == "passed: 1 document (1 attempt)\n"


def test_the_same_file_under_kuttl_compares_literally(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline("--namespace", "shop", "chainsaw/deployment-pass.yaml") == 1
    assert "apps/v1/Deployment ($namespace)/web: not found" in capsys.readouterr().out


def test_chainsaw_reports_every_mismatch_with_indexed_paths(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline("--dialect", "chainsaw", "--namespace", "shop", "chainsaw/deployment-fail.yaml") == 1
    out = capsys.readouterr().out
    assert out == (
        "apps/v1/Deployment shop/web: mismatch\n"
        "  - spec.(replicas > `2`): expected true, got false (value)\n"
        "  - spec.template.spec.containers[0].(ports[?containerPort == `443`] | length(@)):"
        " expected 1, got 0 (value)\n"
        '  - spec.template.spec.containers[0].image: expected "nginx:1.27", got "nginx:1.25" (value)\n'
        "failed: 1 of 1 document (1 attempt)\n"
    )


def test_chainsaw_list_lookup_passes_when_any_candidate_matches(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline("--dialect", "chainsaw", "--namespace", "shop", "chainsaw/pods-running.yaml") == 0


def test_chainsaw_errors_file_fails_while_a_candidate_matches(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("--dialect", "chainsaw", "--namespace", "shop", "--errors", "chainsaw/pods-running.yaml")
    assert offline(*args) == 1
    assert "Pod shop/web-1 (and 1 other) matched an errors expectation" in capsys.readouterr().out


def test_an_evaluation_error_fails_at_once_and_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert offline("--dialect", "chainsaw", "--namespace", "shop", "chainsaw/not-comparable.yaml") == 1
    out = capsys.readouterr().out
    assert out.startswith("apps/v1/Deployment shop/web: evaluation error (not retried)\n")
    assert 'spec.replicas: types are not comparable: expected a string "2", got an int 2' in out


def test_a_document_without_kind_checks_bindings_and_lookups(capsys: pytest.CaptureFixture[str]) -> None:
    assert offline("--dialect", "chainsaw", "--namespace", "shop", "chainsaw/no-resource.yaml") == 0
    assert offline("--dialect", "chainsaw", "--namespace", "other", "chainsaw/no-resource.yaml") == 1
    out = capsys.readouterr().out
    assert '(no resource): mismatch\n  - ($namespace): expected "shop", got "other" (value)\n' in out
