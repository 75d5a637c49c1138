"""`operator/` is a source root, not a package: the standard library's `operator` stays intact."""

from __future__ import annotations

import ast
import operator
import sys
import sysconfig
from pathlib import Path

import toollab

REPO = Path(__file__).resolve().parents[2]


def test_operator_folder_has_no_init() -> None:
    assert not (REPO / "operator" / "__init__.py").exists()


def test_stdlib_operator_is_the_one_imported() -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    assert Path(operator.__file__).resolve().parent == stdlib
    assert operator.add(1, 2) == 3


def test_toollab_comes_from_the_source_root() -> None:
    assert Path(toollab.__file__).resolve().parent == REPO / "operator" / "toollab"
    assert "operator" not in sys.modules or sys.modules["operator"] is operator


def test_init_defines_only_the_version() -> None:
    tree = ast.parse((REPO / "operator" / "toollab" / "__init__.py").read_text())
    assigned = [
        t.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name)
    ]
    assert assigned == ["__version__"]
    assert not [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom, ast.FunctionDef))]
