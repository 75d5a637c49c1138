"""The one error tree of toollab; foreign errors are translated into it at each boundary.

    ToollabError                 root; `retryable` says whether trying again may help
    ├── SpecError                invalid user input (trial spec, step file); carries the field path
    ├── InputError               unreadable or malformed input file (CLI exit 2)
    ├── ServiceAccountMissing    the trial would act as a ServiceAccount that does not exist
    ├── EvaluationError          an expectation that cannot be evaluated (not a mismatch)
    │   └── CelError             a CEL expression that cannot be compiled or evaluated
    ├── ClusterError             the API server said no, or could not be reached
    │   ├── NotFound
    │   ├── Conflict             retryable
    │   ├── Forbidden
    │   ├── UnknownKind          the server does not serve this apiVersion/kind
    │   ├── Invalid              the server rejected the object (422, 400)
    │   ├── NamespaceTerminating the namespace is still being deleted: retryable
    │   └── Unavailable          timeouts, 5xx, 429, dropped connections: retryable
    └── InstallError             helm or manifest installation failed
        └── InstallPending       a helm release is mid-operation: retryable

Pure: no I/O, imports nothing from toollab.
"""

from __future__ import annotations


class ToollabError(Exception):
    """Root of every error toollab raises on purpose."""

    retryable = False
    reason = "Error"
    created: tuple[object, ...] = ()  # what the failed action had created (inventory entries)


class SpecError(ToollabError):
    """Invalid user input; `path` names the field, e.g. `spec.steps[0].timeout`."""

    reason = "InvalidSpec"

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.detail = message


class InputError(ToollabError):
    """An input file could not be read or is not what it must be."""

    reason = "InvalidInput"


class ServiceAccountMissing(ToollabError):
    """The ServiceAccount a trial acts as does not exist (every request as it would be forbidden)."""

    reason = "ServiceAccountNotFound"


class EvaluationError(ToollabError):
    """An expectation could not be evaluated at all (distinct from a mismatch)."""

    reason = "EvaluationError"


class CelError(EvaluationError):
    """A CEL expression could not be compiled or evaluated; the message names it and the cause."""

    reason = "CELError"

    def __init__(self, expression: str, cause: str) -> None:
        super().__init__(f"CEL expression {expression!r}: {cause}")
        self.expression = expression
        self.cause = cause


class ClusterError(ToollabError):
    """The API server refused a request or could not be reached."""

    reason = "ClusterError"

    def __init__(self, message: str, *, status: int | None = None, detail: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail or message  # the API server's own words, when it answered


class NotFound(ClusterError):
    """The object or resource does not exist."""

    reason = "NotFound"


class Conflict(ClusterError):
    """Already exists, or a stale resourceVersion."""

    retryable = True
    reason = "Conflict"


class Forbidden(ClusterError):
    """RBAC refused the request (for the impersonated identity, when there is one)."""

    reason = "Forbidden"


class UnknownKind(ClusterError):
    """The server serves no resource for this apiVersion and kind."""

    reason = "UnknownKind"


class Invalid(ClusterError):
    """The server rejected the object as invalid."""

    reason = "Invalid"


class NamespaceTerminating(ClusterError):
    """The target namespace is still being deleted (an earlier run's cleanup); wait until it is gone."""

    retryable = True
    reason = "NamespaceTerminating"


class Unavailable(ClusterError):
    """A transient failure: timeout, throttling, 5xx, a dropped connection."""

    retryable = True
    reason = "Unavailable"


class NotOwned(ToollabError):
    """An object the trial would write exists and is not this trial's: never retried, never touched."""

    reason = "Conflict"


class InstallError(ToollabError):
    """Installing or uninstalling a tool failed."""

    reason = "InstallFailed"


class InstallPending(InstallError):
    """A helm release is in the middle of an operation; try again later."""

    retryable = True
    reason = "InstallPending"
