"""Kyverno's `semver_compare(version, range)`: semantic versions against blang/semver ranges.

Pure: no I/O. A range is alternatives joined by `||`, each a space-separated list of comparators
(`>=1.2.0 <2.0.0`); a comparator is an operator (`=`, `==`, `!=`, `>`, `>=`, `<`, `<=`, none for
`=`) and a version, where `x` wildcards (`1.x`, `1.2.x`) widen it to a range. As upstream, a
version that does not parse counts as 0.0.0.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from toollab.assertions.jp import registry

signature = registry.signature
_VERSION = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$"
)
_COMPARATOR = re.compile(r"^(>=|<=|!=|==|=|>|<)?(.+)$")
Key = tuple[int, int, int, tuple[object, ...]]
_RELEASE: tuple[object, ...] = (1,)  # a release outranks any of its pre-releases, which start with 0
Check = Callable[[Key], bool]


class VersionFunctions(registry.Registry):
    """`semver_compare`."""

    @signature({"types": ["string"]}, {"types": ["string"]})
    def _func_semver_compare(self, version: str, expected: str) -> bool:
        key = parse_version(version) or (0, 0, 0, _RELEASE)
        return any(all(check(key) for check in alternative) for alternative in parse_range(expected))


def parse_version(text: str) -> Key | None:
    """A sortable key for a semantic version (pre-releases sort before the release), or None."""
    match = _VERSION.match(text.strip())
    if match is None:
        return None
    major, minor, patch, pre = match.groups()
    if not pre:
        return int(major), int(minor), int(patch), _RELEASE
    # numeric identifiers compare as numbers and sort before alphanumeric ones (semver 2.0 §11)
    identifiers = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return int(major), int(minor), int(patch), (0, *identifiers)


def parse_range(text: str) -> list[list[Check]]:
    """Alternatives of comparators; FunctionFailure for a malformed range."""
    alternatives = [part.split() for part in text.split("||")]
    if not all(alternatives):
        raise registry.FunctionFailure("semver_compare", f"invalid range {text!r}")
    return [
        [check for comparator in part for check in _comparator(comparator, text)] for part in alternatives
    ]


def _comparator(text: str, whole: str) -> list[Check]:
    match = _COMPARATOR.match(text)
    operator, version = (match.group(1) or "=", match.group(2)) if match else ("", "")
    pieces = version.split(".")
    wild = [i for i, piece in enumerate(pieces) if piece in ("x", "X", "*")]
    if wild and len(pieces) <= 3:
        return _wildcard(operator, pieces[: wild[0]], whole)
    key = parse_version(version)
    if key is None:
        raise registry.FunctionFailure("semver_compare", f"invalid version {version!r} in range {whole!r}")
    return [_compare(operator, key)]


def _wildcard(operator: str, fixed: list[str], whole: str) -> list[Check]:
    """`1.x` is [1.0.0, 2.0.0); `>1.x` is >=2.0.0; `<=1.x` is <2.0.0 (blang/semver)."""
    if not all(piece.isdigit() for piece in fixed) or not fixed:
        raise registry.FunctionFailure("semver_compare", f"invalid wildcard in range {whole!r}")
    numbers = [int(piece) for piece in fixed]
    low = (*numbers, *[0] * (3 - len(numbers)))
    high = (*numbers[:-1], numbers[-1] + 1, *[0] * (3 - len(numbers)))
    lower: Key = (low[0], low[1], low[2], (0,))  # the lowest pre-release of the lower bound
    upper: Key = (high[0], high[1], high[2], (0,))
    table: dict[str, list[Check]] = {
        "=": [_compare(">=", lower), _compare("<", upper)],
        "==": [_compare(">=", lower), _compare("<", upper)],
        ">": [_compare(">=", upper)],
        ">=": [_compare(">=", lower)],
        "<": [_compare("<", lower)],
        "<=": [_compare("<", upper)],
        "!=": [lambda key: not (lower <= key < upper)],
    }
    return table[operator]


def _compare(operator: str, bound: Key) -> Check:
    tests: dict[str, Check] = {
        "=": lambda key: key == bound,
        "==": lambda key: key == bound,
        "!=": lambda key: key != bound,
        ">": lambda key: key > bound,
        ">=": lambda key: key >= bound,
        "<": lambda key: key < bound,
        "<=": lambda key: key <= bound,
    }
    return tests[operator]
