"""Which suite format a folder holds, so that `toollab test` hands each folder to its own runner.

Reads directory entries only. A folder with a `chainsaw-test.yaml` (or `.yml`) is a Chainsaw
test, never a KUTTL test case, even when it sits among KUTTL cases.
"""

from __future__ import annotations

from pathlib import Path

CHAINSAW_TEST_FILES = ("chainsaw-test.yaml", "chainsaw-test.yml")


def chainsaw_test_file(folder: Path) -> Path | None:
    """The folder's Chainsaw test file, if it has one (.yaml before .yml, as Chainsaw looks)."""
    for name in CHAINSAW_TEST_FILES:
        if (folder / name).is_file():
            return folder / name
    return None
