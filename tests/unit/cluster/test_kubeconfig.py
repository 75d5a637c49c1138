"""Kubeconfig handling for `--kubeconfig`/`--context`: where kubectl looks, and the copy children get."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from toollab import errors
from toollab.cluster import kubeconfig as kubeconfigs

CONFIG: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Config",
    "current-context": "one",
    "clusters": [
        {"name": "a", "cluster": {"server": "https://a", "certificate-authority": "pki/ca.crt"}},
        {"name": "b", "cluster": {"server": "https://b", "certificate-authority": "/abs/ca.crt"}},
    ],
    "users": [{"name": "u", "user": {"client-certificate": "pki/u.crt", "client-key": "pki/u.key"}}],
    "contexts": [
        {"name": "one", "context": {"cluster": "a", "user": "u"}},
        {"name": "two", "context": {"cluster": "b", "user": "u", "namespace": "lab"}},
    ],
}


def test_the_copy_has_the_chosen_context_and_absolute_file_paths(tmp_path: Path) -> None:
    source = tmp_path / "home" / "config"
    source.parent.mkdir()
    source.write_text(yaml.safe_dump(CONFIG))
    out = tmp_path / "out"
    out.mkdir()
    path = kubeconfigs.for_children(str(source), "two", folder=out)
    assert path == str(out / "kubeconfig")
    copied = yaml.safe_load(Path(path).read_text())
    assert copied["current-context"] == "two"
    assert copied["clusters"][0]["cluster"]["certificate-authority"] == str(source.parent / "pki/ca.crt")
    assert copied["clusters"][1]["cluster"]["certificate-authority"] == "/abs/ca.crt"
    assert copied["users"][0]["user"]["client-key"] == str(source.parent / "pki/u.key")
    assert Path(path).stat().st_mode & 0o077 == 0  # it may hold credentials


def test_without_a_context_children_get_the_file_itself(tmp_path: Path) -> None:
    assert kubeconfigs.for_children("/some/config", None, folder=tmp_path) == "/some/config"
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_context_names_the_ones_there_are() -> None:
    with pytest.raises(
        errors.InputError, match=r"context 'three' is not in the kubeconfig \(contexts: one, two\)"
    ):
        kubeconfigs.select_context(CONFIG, "three", base=Path("/"))


@pytest.mark.parametrize("text", ["- a list\n", "{unclosed: [\n"])
def test_a_file_that_is_not_a_kubeconfig_is_input_error(tmp_path: Path, text: str) -> None:
    bad = tmp_path / "config"
    bad.write_text(text)
    with pytest.raises(errors.InputError, match="kubeconfig"):
        kubeconfigs.for_children(str(bad), "one", folder=tmp_path)


def test_paths_follow_kubectl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBECONFIG", "/a/one:/b/two")
    assert kubeconfigs.kubeconfig_paths(None) == [Path("/a/one"), Path("/b/two")]
    assert kubeconfigs.first_path(None) == "/a/one"
    assert kubeconfigs.first_path("/c") == "/c"
    monkeypatch.delenv("KUBECONFIG")
    assert kubeconfigs.first_path(None) is None
    assert kubeconfigs.absolute_list(None) is None


def test_relative_paths_become_absolute_for_child_processes_elsewhere(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KUBECONFIG", "run/config:/b/two")
    assert kubeconfigs.first_path(None) == str(tmp_path / "run/config")
    assert kubeconfigs.first_path(".run/operator") == str(tmp_path / ".run/operator")
    assert kubeconfigs.absolute_list(None) == f"{tmp_path / 'run/config'}:/b/two"
