"""`toollab assert` live against the local cluster: pass, fail with field paths, retry, errors."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from toollab.cli import main


def configmap(namespace: str | None = None, **data: str) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": "settings", "labels": {"app": "toollab-test"}}
    if namespace:
        metadata["namespace"] = namespace
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": data}


def write(tmp_path: Path, *docs: dict[str, Any]) -> str:
    path = tmp_path / "expected.yaml"
    path.write_text(yaml.safe_dump_all(docs))
    return str(path)


def toollab_assert(*args: str) -> int:
    return main.main(["assert", *args])


def test_passes_once_the_object_exists(
    kubeconfig: str, kube: Any, namespace: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kube.apply(configmap(mode="fast", retries="3"), namespace=namespace)
    expected = write(tmp_path, configmap(mode="fast"))  # no namespace: --namespace is injected
    assert toollab_assert("--namespace", namespace, "--timeout", "5", expected) == 0
    assert capsys.readouterr().out.startswith("passed: 1 document (1 attempt)")


def test_fails_naming_the_object_path_and_values(
    kubeconfig: str, kube: Any, namespace: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kube.apply(configmap(mode="fast"), namespace=namespace)
    expected = write(tmp_path, configmap(mode="slow"))
    assert toollab_assert("--namespace", namespace, "--timeout", "1", expected) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"v1/ConfigMap {namespace}/settings: mismatch\n")
    assert '  - data.mode: expected "slow", got "fast" (value)\n' in out
    assert "resourceVersion" not in out and "managedFields" not in out


def test_a_missing_object_is_retried_until_it_appears(
    kubeconfig: str, kube: Any, namespace: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = write(tmp_path, configmap(mode="fast"))
    creator = threading.Timer(2.0, lambda: kube.apply(configmap(mode="fast"), namespace=namespace))
    creator.start()
    try:
        started = time.monotonic()
        assert toollab_assert("--namespace", namespace, "--timeout", "20", expected) == 0
        assert time.monotonic() - started >= 2.0
    finally:
        creator.join()
    out = capsys.readouterr().out
    assert out.startswith("passed: 1 document (") and "(1 attempt)" not in out


def test_a_missing_object_fails_after_the_timeout(
    kubeconfig: str, namespace: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = write(tmp_path, configmap(mode="fast"))
    started = time.monotonic()
    assert toollab_assert("--namespace", namespace, "--timeout", "2", expected) == 1
    assert 2.0 <= time.monotonic() - started < 10
    assert capsys.readouterr().out.startswith(f"v1/ConfigMap {namespace}/settings: not found\n")


def test_unnamed_documents_select_by_labels(
    kubeconfig: str, kube: Any, namespace: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kube.apply(configmap(mode="fast"), namespace=namespace)
    unnamed = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"labels": {"app": "toollab-test"}}}
    assert (
        toollab_assert(
            "--namespace", namespace, "--timeout", "5", write(tmp_path, {**unnamed, "data": {"mode": "fast"}})
        )
        == 0
    )
    assert (
        toollab_assert(
            "--namespace", namespace, "--timeout", "1", write(tmp_path, {**unnamed, "data": {"mode": "x"}})
        )
        == 1
    )
    assert f"v1/ConfigMap {namespace} [app=toollab-test] (1 candidate): mismatch" in capsys.readouterr().out


def test_errors_pass_only_while_nothing_matches(
    kubeconfig: str, kube: Any, namespace: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = write(tmp_path, configmap(mode="fast"))
    assert toollab_assert("--errors", "--namespace", namespace, "--timeout", "1", expected) == 0  # absent
    kube.apply(configmap(mode="fast"), namespace=namespace)
    assert toollab_assert("--errors", "--namespace", namespace, "--timeout", "1", expected) == 1
    assert f"  ConfigMap {namespace}/settings matched an errors expectation\n" in capsys.readouterr().out
    different = write(tmp_path, configmap(mode="slow"))
    assert toollab_assert("--errors", "--namespace", namespace, "--timeout", "1", different) == 0


def test_a_kind_the_server_does_not_serve_fails(
    kubeconfig: str, namespace: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    assert toollab_assert("--namespace", namespace, "--timeout", "0", write(tmp_path, widget)) == 1
    assert "example.com/v1/Widget: unknown kind" in capsys.readouterr().out
