"""What `valuesFrom.secretRef` read must never be echoed: the texts to hide, and hiding them.

Helm may quote a value in an error (a schema violation, a template failure); its output is
scrubbed of every value read from a Secret before it becomes a message. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

import yaml

from toollab.installers import process

HIDDEN = "<hidden: from a Secret>"
MIN_CHARS = 3  # shorter scalars (true, 1, on) are everywhere and say nothing


def secret_texts(text: str) -> frozenset[str]:
    """The whole text, each line of it, and every scalar of it as YAML (when it parses)."""
    found = {text.strip(), *(line.strip() for line in text.splitlines())}
    try:
        loaded: Any = yaml.safe_load(text)
    except yaml.YAMLError:
        loaded = None
    pending = [loaded]
    while pending:  # without recursion: a document may nest deeply
        item = pending.pop()
        if isinstance(item, Mapping):
            pending += list(item.values())
        elif isinstance(item, list):
            pending += item
        elif item is not None:
            found.add(str(item).strip())
    return frozenset(t for t in found if len(t) >= MIN_CHARS)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret text replaced by HIDDEN, longest first."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, HIDDEN)
    return text


def scrub_completed(done: process.Completed, secrets: Iterable[str]) -> process.Completed:
    """A command's output with the secret texts hidden."""
    hidden = tuple(secrets)
    if not hidden:
        return done
    return replace(done, stdout=scrub(done.stdout, hidden), stderr=scrub(done.stderr, hidden))


__all__ = ["HIDDEN", "scrub", "scrub_completed", "secret_texts"]
