"""Kubernetes label selectors (`a=b,c!=d,e in (x,y),f notin (z),g,!h`): parse once, match labels.

Pure: no I/O. The grammar and its limits follow the API server's (`kubectl get -l`): `=` and
`==` are the same, a value is a label value (63 characters at most), and `!key` means absent.
Malformed input raises `errors.InputError` naming the part that is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from toollab import errors

__all__ = ["EVERYTHING", "Operator", "Requirement", "Selector", "parse_selector"]

_NAME = r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?"
_KEY = re.compile(rf"^([a-z0-9]([-a-z0-9.]{{0,251}}[a-z0-9])?/)?{_NAME}$")
_VALUE = re.compile(rf"^({_NAME})?$")
_SET = re.compile(r"^(?P<key>\S+)\s+(?P<op>in|notin)\s+\((?P<values>[^()]*)\)$")
_EQUALITY = re.compile(r"^(?P<key>[^!=\s]+)\s*(?P<op>==|!=|=)\s*(?P<value>\S*)$")


class Operator(StrEnum):
    """How a requirement tests its key."""

    IN = "in"  # the label's value is one of the values (`=`, `==` and `in`)
    NOT_IN = "notin"  # the label is absent or its value is none of the values (`!=` and `notin`)
    EXISTS = "exists"  # the label is present, whatever its value (`key`)
    DOES_NOT_EXIST = "!"  # the label is absent (`!key`)


@dataclass(frozen=True)
class Requirement:
    """One comma-separated part of a selector."""

    key: str
    operator: Operator
    values: frozenset[str] = frozenset()

    def matches(self, labels: Mapping[str, str]) -> bool:
        """Whether `labels` meet this requirement."""
        present = self.key in labels
        if self.operator is Operator.EXISTS:
            return present
        if self.operator is Operator.DOES_NOT_EXIST:
            return not present
        if self.operator is Operator.IN:
            return present and labels[self.key] in self.values
        return not present or labels[self.key] not in self.values


@dataclass(frozen=True)
class Selector:
    """All requirements must hold (the empty selector matches everything)."""

    requirements: tuple[Requirement, ...] = ()
    text: str = ""

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        """Whether an object with these labels is selected."""
        found = labels or {}
        return all(r.matches(found) for r in self.requirements)

    def __and__(self, other: Selector) -> Selector:
        text = ",".join(t for t in (self.text, other.text) if t)
        return Selector(self.requirements + other.requirements, text)

    def __str__(self) -> str:
        return self.text or "(everything)"


EVERYTHING = Selector()


def parse_selector(text: str) -> Selector:
    """Parse a label selector; raises InputError naming the bad part."""
    requirements = tuple(_requirement(part.strip(), text) for part in _split(text))
    return Selector(requirements, ",".join(_split(text)))


def _split(text: str) -> list[str]:
    """Split on commas outside parentheses; empty parts are dropped only when the whole text is blank."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [] if parts == [""] else parts


def _requirement(part: str, text: str) -> Requirement:
    if not part:
        raise _bad(text, "an empty requirement (two commas, or one at an end)")
    if part.startswith("!"):
        return Requirement(_key(part[1:].strip(), text), Operator.DOES_NOT_EXIST)
    found = _SET.match(part)
    if found:
        if not found["values"].strip():
            raise _bad(text, f"{found['op']} needs at least one value")
        values = frozenset(_value(v.strip(), text) for v in found["values"].split(","))
        operator = Operator.IN if found["op"] == "in" else Operator.NOT_IN
        return Requirement(_key(found["key"], text), operator, values)
    found = _EQUALITY.match(part)
    if found:
        operator = Operator.NOT_IN if found["op"] == "!=" else Operator.IN
        return Requirement(_key(found["key"], text), operator, frozenset({_value(found["value"], text)}))
    return Requirement(_key(part, text), Operator.EXISTS)


def _key(key: str, text: str) -> str:
    if not _KEY.match(key) or len(key) > 316:
        raise _bad(text, f"{key!r} is not a valid label key")
    return key


def _value(value: str, text: str) -> str:
    if not _VALUE.match(value):
        raise _bad(text, f"{value!r} is not a valid label value")
    return value


def _bad(text: str, why: str) -> errors.InputError:
    return errors.InputError(f"label selector {text!r}: {why}")
