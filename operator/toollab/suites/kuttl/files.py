"""The KUTTL step-file grammar: `[<index>-]<first>[-<rest>][.gotmpl].yaml` and step directories.

Pure: works on names only, never touches the file system.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

# kuttl: internal/file/name.go, the one regex for entries in a test dir and files in a step dir
_NAME = re.compile(r"^(\d+-)?([^-.]+)(-[^.]+)?((\.gotmpl)?\.yaml)?$")
PATTERN = "(<number>-)<name>(-<name>)((.gotmpl).yaml)"
_MAX_INDEX = 2**31 - 1  # kuttl parses the index as a 32-bit integer
DEFAULT_IGNORE = ("README*",)


class EntryType(StrEnum):
    """What the objects of a step file are for, decided by `<first>`."""

    APPLY = "apply"  # created, or merge-patched when present
    ASSERT = "assert"  # must match before the step's deadline
    ERRORS = "errors"  # must not match when everything else passes


@dataclass(frozen=True)
class StepEntry:
    """One parsed entry name: a step file, or a step directory when it has no extension."""

    name: str
    index: int | None
    type: EntryType
    step_name: str  # `<first>[-<rest>]` for apply entries; empty for assert and errors
    is_template: bool
    has_extension: bool


@dataclass(frozen=True)
class StepGroup:
    """Entries sharing one integer index: one step, in name order."""

    index: int
    entries: tuple[StepEntry, ...]


def parse_step_name(name: str) -> StepEntry | None:
    """Parse an entry name; None when it does not follow the pattern (or its index overflows)."""
    match = _NAME.match(name)
    if match is None:
        return None
    prefix, first, rest, extension = match.group(1), match.group(2), match.group(3), match.group(4)
    index = int(prefix[:-1]) if prefix else None
    if index is not None and index > _MAX_INDEX:
        return None
    return StepEntry(
        name=name,
        index=index,
        type=_entry_type(first),
        step_name=first + (rest or "") if _entry_type(first) is EntryType.APPLY else "",
        is_template=bool(match.group(5)),
        has_extension=bool(extension),
    )


def _entry_type(first: str) -> EntryType:
    lowered = first.lower()  # kuttl compares `<first>` case-insensitively
    if lowered == "assert":
        return EntryType.ASSERT
    if lowered == "errors":
        return EntryType.ERRORS
    return EntryType.APPLY


def is_ignored(name: str, patterns: Iterable[str] = DEFAULT_IGNORE) -> bool:
    """True when `name` matches one of the `ignoreFiles` glob patterns."""
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


@dataclass(frozen=True)
class Grouping:
    """The steps of a test dir, plus the names that were skipped and why."""

    steps: tuple[StepGroup, ...]
    skipped: tuple[tuple[str, str], ...]  # (name, reason)


def group_steps(names: Sequence[str], *, ignore: Iterable[str] = DEFAULT_IGNORE) -> Grouping:
    """Group the entries of a test dir into steps, sorted numerically by index."""
    patterns = tuple(ignore)
    by_index: dict[int, list[StepEntry]] = {}
    skipped: list[tuple[str, str]] = []
    for name in sorted(names):
        if is_ignored(name, patterns):
            continue
        entry = parse_step_name(name)
        if entry is None:
            skipped.append((name, f"name does not follow pattern {PATTERN!r}"))
        elif entry.index is None:
            skipped.append((name, "does not begin with a number followed by a dash"))
        else:
            by_index.setdefault(entry.index, []).append(entry)
    steps = tuple(StepGroup(index, tuple(entries)) for index, entries in sorted(by_index.items()))
    return Grouping(steps=steps, skipped=tuple(skipped))


__all__ = [
    "DEFAULT_IGNORE",
    "PATTERN",
    "EntryType",
    "Grouping",
    "StepEntry",
    "StepGroup",
    "group_steps",
    "is_ignored",
    "parse_step_name",
]
