"""The helm post-renderer: labels on every rendered object, everything else as it was."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from toollab import errors
from toollab.installers import postrender

LABELS = {"toollab.dev/trial": "falco", "toollab.dev/trial-uid": "uid-1"}


def load(text: str) -> list[Any]:
    return list(yaml.safe_load_all(text))


def labels_of(doc: Any) -> Any:
    return doc["metadata"].get("labels")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n",
            [{**LABELS}],
            id="plain object",
        ),
        pytest.param(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"
            "  labels: {app: x, toollab.dev/trial: old}\n",
            [{"app": "x", **LABELS}],
            id="the chart's labels kept, ours win on the same key",
        ),
        pytest.param(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n",
            [{**LABELS}],
            id="null labels",
        ),
        pytest.param(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Secret\n"
            "metadata: {name: b}\n",
            [{**LABELS}, {**LABELS}],
            id="several documents",
        ),
    ],
)
def test_objects_get_the_labels(text: str, expected: list[dict[str, str]]) -> None:
    assert [labels_of(doc) for doc in load(postrender.label_manifests(text, LABELS))] == expected


def test_list_items_get_the_labels_but_not_the_list() -> None:
    text = """
apiVersion: v1
kind: List
metadata: {resourceVersion: ""}
items:
- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}
- {apiVersion: v1, kind: Secret, metadata: {name: b, labels: {app: x}}}
- just a string
"""
    [doc] = load(postrender.label_manifests(text, LABELS))
    assert doc["metadata"] == {"resourceVersion": ""}
    assert [labels_of(item) for item in doc["items"][:2]] == [LABELS, {"app": "x", **LABELS}]
    assert doc["items"][2] == "just a string"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty input"),
        pytest.param("---\n---\n\n---\n", id="empty documents"),
        pytest.param("# Source: agent/templates/off.yaml\n# nothing rendered\n", id="only comments"),
        pytest.param("---\njust: a mapping\n---\n- a list\n---\nplain text\n", id="not objects"),
        pytest.param("---\nkind: ConfigMap\nmetadata: {name: a}\n", id="no apiVersion"),
        pytest.param("---\napiVersion: v1\nkind: List\nitems: [1, 2]\n", id="a list of no objects"),
    ],
)
def test_documents_without_objects_stay_byte_for_byte(text: str) -> None:
    assert postrender.label_manifests(text, LABELS) == text


def test_documents_keep_their_order_markers_and_the_comments_above_them() -> None:
    text = (
        "---\n# Source: agent/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"
        "---\n# Source: agent/templates/notes.yaml\nnot: an object\n"
    )
    out = postrender.label_manifests(text, LABELS)
    assert out.startswith("---\n# Source: agent/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\n")
    assert out.endswith("---\n# Source: agent/templates/notes.yaml\nnot: an object\n")


def test_scalars_keep_their_text_so_go_reads_what_it_read_before() -> None:
    # pyyaml and Go's yaml resolve `12:30`, `1e3`, timestamps differently: their text must not change
    body = """\
data:
  clock: 12:30
  flag: on
  created: 2024-01-01T00:00:00Z
  big: 1e3
  mode: 0755
  quoted: "007"
  single: 'x'
  script: |
    #!/bin/sh
    echo ---
"""
    text = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    app: x\n{body}"
    out = postrender.label_manifests(text, LABELS)
    assert out.endswith(body)
    assert out.startswith("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    app: x\n")


@pytest.mark.parametrize("value", ["1e3", "on", "123", "true", "null", "12:30", "2024-01-01"])
def test_label_values_that_look_like_other_types_stay_strings(value: str) -> None:
    out = postrender.label_manifests("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n", {"k": value})
    assert f'"k": "{value}"' in out  # double-quoted: a string for pyyaml and for Go alike
    assert labels_of(load(out)[0]) == {"k": value}


def test_a_label_map_shared_by_an_anchor_does_not_change_the_selector() -> None:
    text = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: a
  labels: &labels {app: x}
spec:
  selector:
    matchLabels: *labels
"""
    [doc] = load(postrender.label_manifests(text, LABELS))
    assert doc["metadata"]["labels"] == {"app": "x", **LABELS}
    assert doc["spec"]["selector"]["matchLabels"] == {"app": "x"}


def test_an_object_on_the_marker_line_stays_a_valid_document() -> None:
    text = "--- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n--- {apiVersion: v1, kind: Secret}\n"
    docs = load(postrender.label_manifests(text, LABELS))
    assert [labels_of(doc) for doc in docs] == [LABELS, LABELS]


def test_a_stream_with_directives_is_labelled_as_a_whole() -> None:
    text = "%YAML 1.1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n...\n"
    assert [labels_of(doc) for doc in load(postrender.label_manifests(text, LABELS))] == [LABELS]


def test_labelling_twice_changes_nothing_more() -> None:
    text = "---\n# Source: x\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {app: x}\n"
    once = postrender.label_manifests(text, LABELS)
    assert postrender.label_manifests(once, LABELS) == once


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("apiVersion: v1\nkind: ConfigMap\nmetadata: [a]\n", "^ConfigMap: metadata is not a mapping"),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: [a]}\n",
            "^ConfigMap a: metadata.labels is not a mapping",
        ),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n", "not valid YAML"),
    ],
)
def test_broken_objects_are_install_errors(text: str, message: str) -> None:
    with pytest.raises(errors.InstallError, match=message):
        postrender.label_manifests(text, LABELS)


names = st.text(alphabet="abcxyz-.019:", min_size=1, max_size=6)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), names, st.text(max_size=12))
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names, inner, max_size=3),
    max_leaves=12,
)
objects_ = st.fixed_dictionaries(
    {
        "apiVersion": st.just("v1"),
        "kind": st.sampled_from(["ConfigMap", "Secret", "ServiceAccount"]),
        "metadata": st.fixed_dictionaries(
            {"name": names}, optional={"labels": st.dictionaries(names, names, max_size=3)}
        ),
        "data": values,
    }
)


@given(docs=st.lists(st.one_of(objects_, values), max_size=4))
def test_everything_but_the_labels_loads_as_before(docs: list[Any]) -> None:
    out = load(postrender.label_manifests(yaml.safe_dump_all(docs), LABELS))
    expected = [
        {**doc, "metadata": {**doc["metadata"], "labels": {**doc["metadata"].get("labels", {}), **LABELS}}}
        if isinstance(doc, dict) and "kind" in doc
        else doc
        for doc in docs
    ]
    assert out == expected


# --- the process helm runs -------------------------------------------------------------------


def run_main(argv: list[str], text: str) -> tuple[int, str]:
    stdout = io.BytesIO()
    code = postrender.main(argv, stdin=io.BytesIO(text.encode()), stdout=stdout)
    return code, stdout.getvalue().decode()


def test_main_labels_stdin_to_stdout_with_labels_from_arguments() -> None:
    code, out = run_main(["a=b", "toollab.dev/trial=x=y"], "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n")
    assert code == 0
    assert labels_of(load(out)[0]) == {"a": "b", "toollab.dev/trial": "x=y"}


@pytest.mark.parametrize(
    ("argv", "text", "message"),
    [
        (["no-equals-sign"], "", "expected KEY=VALUE, got 'no-equals-sign'"),
        (["=v"], "", "expected KEY=VALUE"),
        (["a=b"], "a: [", "the rendered chart is not valid YAML"),
    ],
)
def test_main_fails_with_a_message_for_helm_to_show(
    argv: list[str], text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run_main(argv, text)
    assert (code, out) == (1, "")
    assert capsys.readouterr().err.startswith(f"toollab post-render: {message}")


def test_the_wrapper_runs_this_module_with_our_python() -> None:
    assert postrender.__name__ == postrender.MODULE
    script = postrender.wrapper_script(python="/opt/py thon/bin/python3")
    assert script == "#!/bin/sh\nexec '/opt/py thon/bin/python3' -m toollab.installers.postrender \"$@\"\n"


def test_the_wrapper_puts_a_source_checkout_first_on_the_path() -> None:
    script = postrender.wrapper_script(python="python3", source_root="/src/operator")
    assert 'export PYTHONPATH=/src/operator"${PYTHONPATH:+:$PYTHONPATH}"\n' in script


def test_write_wrapper_writes_an_executable_once_and_repairs_a_stale_one(tmp_path: Path) -> None:
    path = postrender.write_wrapper(tmp_path / "bin")
    assert os.access(path, os.X_OK)
    assert path.read_text().endswith('-m toollab.installers.postrender "$@"\n')
    before = path.stat().st_ino
    assert postrender.write_wrapper(tmp_path / "bin") == path
    assert path.stat().st_ino == before  # unchanged: not rewritten under a running helm
    path.write_text("#!/bin/sh\nexit 1\n")
    postrender.write_wrapper(tmp_path / "bin")
    assert path.read_text().endswith('-m toollab.installers.postrender "$@"\n')
    assert sorted(p.name for p in (tmp_path / "bin").iterdir()) == ["toollab-post-render"]
