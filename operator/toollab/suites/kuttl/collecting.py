"""Find and load a KUTTL suite's test cases: which folders are cases, their names and namespaces.

Reads files only, never the cluster. A case that cannot be loaded is kept with its error, so that
it fails alone while the others run (as kuttl).
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from toollab import errors
from toollab.suites.core import discovery, naming
from toollab.suites.kuttl import files, loading, model


def namespace_name(rng: random.Random) -> str:
    """A fresh test namespace: `kuttl-<adjective>-<animal>-<4 random [a-z0-9]>` (kuttl >= 0.26)."""
    return naming.pet_name("kuttl", rng, suffix_length=4)


def find_cases(suite: model.Suite) -> list[tuple[str, Path]]:
    """(testDirs entry, case directory) for every immediate subdirectory of every test dir.

    A test dir that holds step files itself and no subdirectory is one test case, run as such.
    With `suite.test_names` (--test), only cases of those names.
    """
    cases: list[tuple[str, Path]] = []
    for test_dir in suite.test_dirs:
        root = suite.resolve(test_dir)
        if not root.is_dir():
            raise errors.InputError(f"{test_dir}: test directory not found")
        children = [child for child in loading.list_dir(root) if child.is_dir()]
        if not children and is_case_dir(root):
            cases.append((str(Path(test_dir).parent), root))
            continue
        cases += [
            (test_dir, child)
            for child in children
            if discovery.chainsaw_test_file(child) is None  # a Chainsaw test, run as one
        ]
    if suite.test_names:
        cases = [(test_dir, case) for test_dir, case in cases if case.name in suite.test_names]
    return cases


def is_case_dir(path: Path) -> bool:
    """Whether a folder holds KUTTL step files (`<number>-<name>.yaml`) of its own."""
    grouping = files.group_steps([entry.name for entry in loading.list_dir(path) if entry.is_file()])
    return bool(grouping.steps)


def load_cases(
    suite: model.Suite, *, variables: Mapping[str, Any], rng: random.Random
) -> list[model.TestCase]:
    """Every test case of the suite, loaded before anything runs.

    A case that cannot be loaded comes back with its `load_error` (it fails alone, as in kuttl).
    """
    cases = []
    for test_dir, case_dir in find_cases(suite):
        namespace = suite.namespace or namespace_name(rng)
        try:
            case = loading.load_case(
                case_dir,
                namespace=namespace,
                test_dir=test_dir,
                variables=variables,
                ignore_files=suite.ignore_files,
                run_labels=suite.run_labels,
            )
        except (errors.InputError, errors.SpecError) as exc:
            case = model.TestCase(case_dir.name, case_dir, test_dir, namespace, (), load_error=str(exc))
        cases.append(case)
    return unique_names(cases)


def unique_names(cases: Sequence[model.TestCase]) -> list[model.TestCase]:
    """Same-named cases (from two test dirs) told apart as Go's testing does: `name`, `name#01`, ..."""
    seen: dict[str, int] = {}
    renamed = []
    for case in cases:
        count = seen.get(case.name, 0)
        seen[case.name] = count + 1
        renamed.append(dataclasses.replace(case, name=f"{case.name}#{count:02d}") if count else case)
    return renamed


__all__ = ["find_cases", "is_case_dir", "load_cases", "namespace_name", "unique_names"]
