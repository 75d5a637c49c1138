"""Translate the kubernetes client's and urllib3's failures into `toollab.errors`, in one place.

Nothing else in toollab looks at HTTP status codes or client exceptions.
"""

from __future__ import annotations

import json
from typing import Any

from toollab import errors

# A 500 that is no outage: the API server could not make the object into its schema (server-side
# apply of a value of the wrong shape). Trying again can never help.
INVALID_OBJECT_500 = (
    "failed to create typed patch object",
    "failed to create typed live object",
    "field not declared in schema",
    "expected map, got",
    "expected list, got",
    "expected string, got",
    "expected numeric",
    "expected bool",
)
# 4xx answers that are transient (409 Conflict is its own, retryable, error).
TRANSIENT_STATUSES = frozenset({408, 429})


def from_response(status: int, body: bytes | str | None, *, what: str) -> errors.ClusterError:
    """The toollab error for an HTTP error answer about `what` (e.g. 'Deployment ns/x')."""
    message = _status_message(body) or f"HTTP {status}"
    text = f"{what}: {message}"
    if status == 404:
        return errors.NotFound(f"{what} not found", status=status, detail=message)
    if status == 409:
        return errors.Conflict(text, status=status, detail=message)
    if status in (401, 403):
        return errors.Forbidden(text, status=status, detail=message)
    if status in TRANSIENT_STATUSES or (status >= 500 and not is_invalid_object(message)):
        return errors.Unavailable(text, status=status, detail=message)
    # every other 4xx, and a 500 that says the object cannot be made: no retry can help
    return errors.Invalid(text, status=status, detail=message)


def is_invalid_object(message: str) -> bool:
    """Whether a 500's message says the object itself cannot be made (no retry will help)."""
    lowered = message.lower()
    return any(marker in lowered for marker in INVALID_OBJECT_500)


def from_transport(exc: BaseException, *, what: str) -> errors.Unavailable:
    """A connection that failed or timed out: transient."""
    return errors.Unavailable(f"{what}: API server unreachable ({type(exc).__name__}: {exc})")


def _status_message(body: bytes | str | None) -> str:
    """The `message` of a metav1.Status body, or the raw text."""
    if not body:
        return ""
    text = body.decode(errors="replace") if isinstance(body, bytes) else body
    try:
        data: Any = json.loads(text)
    except ValueError:
        return text.strip()[:500]
    if isinstance(data, dict) and data.get("message"):
        return str(data["message"])
    return text.strip()[:500]
