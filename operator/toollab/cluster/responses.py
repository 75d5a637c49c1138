"""What an API server response says beside its body: the texts of its Warning headers. No network."""

from __future__ import annotations

import re
from typing import Any

WARNING = re.compile(r'^\s*\d{3}\s+\S+\s+"((?:[^"\\]|\\.)*)"')


def warning_texts(response: Any) -> tuple[str, ...]:
    """The texts of a response's `Warning: 299 - "text"` headers (RFC 7234), in order."""
    headers = getattr(response, "headers", None) or response.getheaders()
    values = headers.getlist("Warning") if hasattr(headers, "getlist") else [headers.get("Warning") or ""]
    found = []
    for value in values:
        match = WARNING.match(value or "")
        if match:
            found.append(re.sub(r"\\(.)", r"\1", match.group(1)))
    return tuple(found)
