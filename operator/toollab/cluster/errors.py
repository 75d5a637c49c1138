"""Translate the kubernetes client's and urllib3's failures into `toollab.errors`, in one place.

Nothing else in toollab looks at HTTP status codes or client exceptions.
"""

from __future__ import annotations

import json
from typing import Any

from toollab import errors


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
    if status in (400, 422):
        return errors.Invalid(text, status=status, detail=message)
    if status == 429 or status >= 500:
        return errors.Unavailable(text, status=status, detail=message)
    return errors.ClusterError(text, status=status, detail=message)


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
