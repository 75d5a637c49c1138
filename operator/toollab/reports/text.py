"""Failure text for people: per failed object a header, sorted bullets and a short pruned diff.

Pure: builds strings, no I/O. One format serves the CLI, reports and (trimmed by `summarise`)
`status.steps[].message`. Identical outcomes give identical text; colour only when asked.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

import yaml

from toollab.assertions import verdict

# dropped from diffs (kuttl's PrettyDiff drops the same fields)
VOLATILE_METADATA = ("resourceVersion", "uid", "creationTimestamp", "generation", "managedFields", "selfLink")
VOLATILE_ANNOTATIONS = ("deployment.kubernetes.io/revision",)
MAX_BULLETS = 8
MAX_DIFF_LINES = 10
MAX_OTHER_CANDIDATES = 3

_RED, _GREEN, _CYAN, _BOLD_RED, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[36m", "\x1b[1;31m", "\x1b[0m"


def format_outcome(
    outcome: verdict.StepOutcome, *, verbose: bool = False, max_lines: int = 20, color: bool = False
) -> str:
    """Every failed object: header, one bullet per mismatch, a short diff; about `max_lines` lines."""
    blocks = [_block(f, verbose=verbose, color=color) for f in outcome.failures]
    if verbose:
        return "\n".join(line for essential, details in blocks for line in [*essential, *details])
    budget = max_lines - sum(len(essential) for essential, _ in blocks)
    lines: list[str] = []
    for essential, details in blocks:  # headers and bullets first; details while they fit
        lines += essential
        if len(details) <= budget:
            lines += details
            budget -= len(details)
    if len(lines) > max_lines:
        hidden = len(lines) - (max_lines - 1)
        lines = [*lines[: max_lines - 1], f"… {hidden} more lines not shown"]
    return "\n".join(lines)


def summarise(outcome: verdict.StepOutcome, *, limit: int = 1024) -> str:
    """A few lines for `status.steps[].message`: one per failed object, within `limit` characters."""
    text = ""
    for shown, failure in enumerate(outcome.failures):
        rest = len(outcome.failures) - shown
        line = failure.message if not text else "\n" + failure.message
        tail = f"\n(+{rest - 1} more failed)" if rest > 1 else ""
        if len(text) + len(line) + len(tail) > limit:
            if not text:
                return _cut(failure.message, limit)
            return text + _cut(f"\n(+{rest} more failed)", limit - len(text))
        text += line
    return text


def strip_volatile(obj: Any) -> Any:
    """A copy of an object body without server-managed metadata that only adds noise."""
    if not isinstance(obj, Mapping) or not isinstance(obj.get("metadata"), Mapping):
        return obj
    metadata = {k: v for k, v in obj["metadata"].items() if k not in VOLATILE_METADATA}
    annotations = metadata.get("annotations")
    if isinstance(annotations, Mapping):
        kept = {k: v for k, v in annotations.items() if k not in VOLATILE_ANNOTATIONS}
        metadata["annotations"] = kept
        if not kept:
            del metadata["annotations"]
    return {**obj, "metadata": metadata}


def diff_lines(expected: Any, actual: Any) -> list[str]:
    """A unified diff (expected -> actual) of the two values as YAML, volatile metadata stripped."""
    before = _yaml(strip_volatile(expected))
    after = _yaml(strip_volatile(actual))
    return list(difflib.unified_diff(before, after, "expected", "actual", n=1, lineterm=""))


def _block(failure: verdict.ObjectFailure, *, verbose: bool, color: bool) -> tuple[list[str], list[str]]:
    """The lines for one failed object: (header and bullets, diff and other candidates)."""
    header = f"{failure.ref}: {failure.reason}"
    essential = [f"{_BOLD_RED}{header}{_RESET}" if color else header]
    if failure.reason != verdict.FailureReason.MISMATCH:
        if failure.reason != verdict.FailureReason.NOT_FOUND:
            essential.append(f"  {failure.message}")
        return essential, []
    if failure.candidates:
        essential.append(f"  closest: {failure.candidates[0].ref}")
    essential += _bullets(failure.mismatches, verbose=verbose)
    diff = _capped(diff_lines(failure.expected, failure.actual), verbose=verbose)
    details = [f"  {_paint(line) if color else line}" for line in diff]
    return essential, details + _other_candidates(failure, verbose=verbose)


def _bullets(mismatches: tuple[verdict.Mismatch, ...], *, verbose: bool) -> list[str]:
    shown = mismatches if verbose else mismatches[:MAX_BULLETS]
    lines = [f"  - {m}" for m in shown]
    if len(mismatches) > len(shown):
        lines.append(f"  - … {len(mismatches) - len(shown)} more mismatches")
    return lines


def _other_candidates(failure: verdict.ObjectFailure, *, verbose: bool) -> list[str]:
    """The other candidates of a list lookup: one line each (in full when verbose)."""
    others = failure.candidates[1:]
    if not others:
        return []
    lines = [f"  other candidates ({len(others)}):"]
    for candidate in others if verbose else others[:MAX_OTHER_CANDIDATES]:
        if verbose or not candidate.mismatches:
            lines.append(f"    {candidate.ref}")
            lines += [f"      - {m}" for m in candidate.mismatches]
        else:
            more = len(candidate.mismatches) - 1
            lines.append(
                f"    {candidate.ref}: {candidate.mismatches[0]}" + (f" (+{more} more)" if more else "")
            )
    if not verbose and len(others) > MAX_OTHER_CANDIDATES:
        hidden = len(others) - MAX_OTHER_CANDIDATES
        lines.append(f"    … {hidden} more candidate{'s' if hidden > 1 else ''}")
    return lines


def _capped(lines: list[str], *, verbose: bool) -> list[str]:
    if verbose or len(lines) <= MAX_DIFF_LINES:
        return lines
    return [*lines[:MAX_DIFF_LINES], f"… {len(lines) - MAX_DIFF_LINES} more diff lines"]


def _yaml(value: Any) -> list[str]:
    if value is None:
        return []
    text = yaml.safe_dump(value, sort_keys=True, default_flow_style=False, allow_unicode=True, width=1000)
    return text.splitlines()


def _paint(line: str) -> str:
    """ANSI colours for a diff line: removed red, added green, hunk headers cyan."""
    for prefix, colour in (("---", _RED), ("+++", _GREEN), ("@@", _CYAN), ("-", _RED), ("+", _GREEN)):
        if line.startswith(prefix):
            return f"{colour}{line}{_RESET}"
    return line


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"
