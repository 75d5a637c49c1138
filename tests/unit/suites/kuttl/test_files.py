"""The KUTTL step-file grammar: names -> (index, type, step name), grouping and ordering."""

from __future__ import annotations

import pytest

from toollab.suites.kuttl import files

A, S, E = files.EntryType.APPLY, files.EntryType.ASSERT, files.EntryType.ERRORS

# name, index, type, step name, template, extension (kuttl's internal/file/name.go semantics)
GRAMMAR = [
    ("00-assert.yaml", 0, S, "", False, True),
    ("00-errors.yaml", 0, E, "", False, True),
    ("00-foo.yaml", 0, A, "foo", False, True),
    ("00-assert.gotmpl.yaml", 0, S, "", True, True),
    ("00-errors.gotmpl.yaml", 0, E, "", True, True),
    ("00-foo.gotmpl.yaml", 0, A, "foo", True, True),
    ("01-foo.yaml", 1, A, "foo", False, True),
    ("01234-foo.yaml", 1234, A, "foo", False, True),
    ("1-foo.yaml", 1, A, "foo", False, True),
    ("01-foo", 1, A, "foo", False, False),
    ("123-assert.yaml", 123, S, "", False, True),
    ("00-assert-more.yaml", 0, S, "", False, True),
    ("00-errors-bar.yaml", 0, E, "", False, True),
    ("00-foo-bar-baz.yaml", 0, A, "foo-bar-baz", False, True),
    ("00-ASSERT.yaml", 0, S, "", False, True),
    ("00-error.yaml", 0, A, "error", False, True),  # only `errors` makes an errors file
    ("01.yaml", None, A, "01", False, True),
    ("foo-01.yaml", None, A, "foo-01", False, True),
    ("foo", None, A, "foo", False, False),
    ("assert.yaml", None, S, "", False, True),
]


@pytest.mark.parametrize(
    ("name", "index", "kind", "step", "template", "extension"), GRAMMAR, ids=[g[0] for g in GRAMMAR]
)
def test_step_names_parse_as_kuttl_does(
    name: str, index: int | None, kind: files.EntryType, step: str, template: bool, extension: bool
) -> None:
    entry = files.parse_step_name(name)
    assert entry == files.StepEntry(name, index, kind, step, template, extension)


@pytest.mark.parametrize(
    "name", ["1.foo.yaml", "1-foo.gotmpl", "01-foo.yml", "00-foo.json", "99999999999-foo.yaml", ""]
)
def test_names_outside_the_pattern_are_not_steps(name: str) -> None:
    assert files.parse_step_name(name) is None


def test_largest_32_bit_index_is_a_step() -> None:
    entry = files.parse_step_name("2147483647-x.yaml")
    assert entry is not None and entry.index == 2**31 - 1
    assert files.parse_step_name("2147483648-x.yaml") is None


def test_same_integer_index_is_one_step_and_steps_sort_numerically() -> None:
    grouping = files.group_steps(["10-late.yaml", "1-b.yaml", "01-a.yaml", "2-assert.yaml", "9-x.yaml"])
    assert [group.index for group in grouping.steps] == [1, 2, 9, 10]
    assert [entry.name for entry in grouping.steps[0].entries] == ["01-a.yaml", "1-b.yaml"]


def test_entries_without_index_are_skipped_with_a_reason() -> None:
    grouping = files.group_steps(["00-a.yaml", "shared", "notes.txt", "kustomization.yaml"])
    assert [g.index for g in grouping.steps] == [0]
    reasons = dict(grouping.skipped)
    assert set(reasons) == {"shared", "notes.txt", "kustomization.yaml"}
    assert "number followed by a dash" in reasons["shared"]
    assert "pattern" in reasons["notes.txt"]


def test_readme_is_ignored_silently_by_default() -> None:
    grouping = files.group_steps(["README.md", "README", "00-a.yaml"])
    assert grouping.skipped == ()
    assert [e.name for g in grouping.steps for e in g.entries] == ["00-a.yaml"]


def test_ignore_patterns_replace_the_default() -> None:
    grouping = files.group_steps(["README.md", "00-a.yaml", "01-skip.yaml"], ignore=["01-*"])
    assert [e.name for g in grouping.steps for e in g.entries] == ["00-a.yaml"]
    assert [name for name, _ in grouping.skipped] == ["README.md"]


def test_step_directories_are_entries_without_extension() -> None:
    grouping = files.group_steps(["00-setup", "00-assert.yaml"])
    entries = grouping.steps[0].entries
    assert [(e.name, e.has_extension) for e in entries] == [("00-assert.yaml", True), ("00-setup", False)]
