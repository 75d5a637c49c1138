"""Shared installer helpers: YAML to objects, URL schemes, key references, the cleanup rule."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.support import fakes
from toollab import errors
from toollab.installers import objects, process
from toollab.model import trial


def test_parse_objects_skips_empty_documents_and_flattens_lists() -> None:
    text = "---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMapList\nitems:\n" \
        "- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n" \
        "- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n"  # fmt: skip
    assert [o["metadata"]["name"] for o in objects.parse_objects(text, source="x.yaml")] == ["a", "b"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: [", "x.yaml: not valid YAML"),
        ("- 1\n- 2\n", "x.yaml: document 1 is not an object"),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: Pod\n",
            "x.yaml: document 2: object without apiVersion, metadata.name",
        ),
        (
            "apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, metadata: {name: a}}]\n",
            r"document 1 items\[0\]: object without kind",
        ),
    ],
)
def test_parse_objects_names_the_bad_document(text: str, message: str) -> None:
    with pytest.raises(errors.InstallError, match=message):
        objects.parse_objects(text, source="x.yaml")


@pytest.mark.parametrize(
    ("url", "allow_http", "what", "refused"),
    [
        ("https://example.org/x", False, "manifest URL", None),
        ("HTTPS://example.org/x", False, "manifest URL", None),
        ("oci://ghcr.io/org", False, "chart repository", None),
        ("oci://ghcr.io/org", False, "manifest URL", "unsupported scheme 'oci'"),
        ("http://127.0.0.1:1/x", True, "manifest URL", None),
        (
            "http://127.0.0.1:1/x",
            False,
            "manifest URL",
            "plain http is refused; use https, or start the operator with --allow-http",
        ),
        ("file:///etc/passwd", True, "manifest URL", "unsupported scheme 'file'"),
        ("example.org/x", True, "manifest URL", "unsupported scheme '\\(none\\)'"),
    ],
)
def test_check_url(url: str, allow_http: bool, what: str, refused: str | None) -> None:
    if refused is None:
        objects.check_url(url, allow_http=allow_http, what=what)
    else:
        with pytest.raises(errors.InstallError, match=refused):
            objects.check_url(url, allow_http=allow_http, what=what)


def test_read_key_decodes_secrets_and_never_echoes_a_bad_value() -> None:
    cluster = fakes.FakeCluster()
    data = {"good": base64.b64encode("héllo".encode()).decode(), "bad": "!!hunter2!!"}
    cluster.add(
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "lab"}, "data": data}
    )
    good = trial.KeyRef(trial.RefKind.SECRET, "s", "good")
    assert objects.read_key(cluster, good, namespace="lab") == "héllo"
    with pytest.raises(
        errors.InstallError, match="Secret lab/s key 'bad': the value is not base64"
    ) as caught:
        objects.read_key(cluster, trial.KeyRef(trial.RefKind.SECRET, "s", "bad"), namespace="lab")
    assert "hunter2" not in str(caught.value)


def test_read_key_looks_only_in_the_given_namespace() -> None:
    cluster = fakes.FakeCluster()
    cluster.add(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "m", "namespace": "other"},
            "data": {"k": "v"},
        }
    )
    with pytest.raises(errors.InstallError, match="ConfigMap lab/m key 'k': ConfigMap not found"):
        objects.read_key(cluster, trial.KeyRef(trial.RefKind.CONFIG_MAP, "m", "k"), namespace="lab")


def test_with_metadata_copies_and_sets_labels_and_namespace() -> None:
    original = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "a", "namespace": "x", "labels": {"k": "v"}},
    }
    body = objects.with_metadata(original, labels={"t": "1"}, namespace=None)
    assert body["metadata"] == {"name": "a", "labels": {"k": "v", "t": "1"}}
    assert original["metadata"] == {"name": "a", "namespace": "x", "labels": {"k": "v"}}


def test_process_failure_message_has_the_first_stderr_lines_only() -> None:
    stderr = "\n".join(f"line {n}" for n in range(1, 20))
    error = process.failure(["/opt/bin/helm", "upgrade", "--install", "r"], fakes.failed(stderr, code=3))
    assert str(error) == "helm upgrade exited 3: line 1\nline 2\nline 3\nline 4\nline 5"


def test_process_failure_falls_back_to_stdout_then_to_no_output() -> None:
    assert str(process.failure(["helm"], process.Completed(1, "out", ""))) == "helm exited 1: out"
    assert str(process.failure([], process.Completed(1, "", ""))) == "<empty command> exited 1: no output"


def test_process_check_passes_success_through() -> None:
    done = fakes.ok("fine")
    assert process.check(["helm", "version"], done) is done
    with pytest.raises(errors.InstallError):
        process.check(["helm", "version"], fakes.failed("x"))


def test_first_lines_trims_long_output() -> None:
    assert len(process.first_lines("x" * 5000)) == process.STDERR_CHARS


def values_source(**kwargs: Any) -> trial.HelmSource:
    return trial.HelmSource(repo="https://c", chart="c", **kwargs)


def test_values_documents_put_inline_values_last() -> None:
    refs = (
        trial.KeyRef(trial.RefKind.CONFIG_MAP, "a", "v.yaml"),
        trial.KeyRef(trial.RefKind.SECRET, "b", "v"),
    )
    texts = {"a": "replicas: 1\n", "b": "token: x\n"}
    docs = objects.values_documents(
        values_source(values={"replicas": 3, "nested": {"list": (1, 2)}}, values_from=refs),
        read=lambda ref: texts[ref.name],
        namespace="lab",
    )
    assert docs[:2] == ["replicas: 1\n", "token: x\n"]
    assert docs[2] == "replicas: 3\nnested:\n  list:\n  - 1\n  - 2\n"


def test_values_from_that_is_not_a_mapping_names_the_reference() -> None:
    ref = trial.KeyRef(trial.RefKind.CONFIG_MAP, "vals", "values.yaml")
    with pytest.raises(
        errors.InstallError, match=r"ConfigMap lab/vals key 'values.yaml': values must be a YAML mapping"
    ):
        objects.values_documents(
            values_source(values_from=(ref,)), read=lambda _: "- a\n- b\n", namespace="lab"
        )
