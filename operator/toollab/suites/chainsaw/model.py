"""A Chainsaw test as data: tests, steps, operations, timeouts and bindings, as `chainsaw-test.yaml` says.

Pure data: no I/O. Operations keep their own body (the mapping under `apply:`, `script:`…) as
written; the executor reads it. Expressions stay unevaluated until the run binds them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

API_GROUP = "chainsaw.kyverno.io"
TEST_VERSIONS = ("v1alpha1", "v1alpha2")  # Chainsaw 0.2.15 defines Test in v1alpha1 only

TRY_OPERATIONS = (
    "apply", "assert", "command", "create", "delete", "describe", "error", "events", "get",
    "patch", "podLogs", "proxy", "script", "sleep", "update", "wait",
)  # fmt: skip
# catch, finally and cleanup accept only these (Chainsaw's CatchFinally)
COLLECTOR_OPERATIONS = (
    "command",
    "delete",
    "describe",
    "events",
    "get",
    "podLogs",
    "script",
    "sleep",
    "wait",
)
CLUSTERS_REFUSAL = "several clusters (cluster, clusters) are not supported by toollab"
NOT_BUILT = {"proxy": "the proxy operation (it needs real pods and services) is not supported by toollab"}


@dataclass(frozen=True)
class Timeouts:
    """Per-kind deadlines in seconds; None defers to the enclosing level (step, test, configuration)."""

    apply: float | None = None
    assert_: float | None = None
    cleanup: float | None = None
    delete: float | None = None
    error: float | None = None
    exec: float | None = None

    def over(self, outer: Timeouts) -> Timeouts:
        """These timeouts, each unset one taken from `outer`."""
        return Timeouts(
            *(
                mine if mine is not None else theirs
                for mine, theirs in zip(_values(self), _values(outer), strict=True)
            )
        )


DEFAULT_TIMEOUTS = Timeouts(apply=5, assert_=30, cleanup=30, delete=15, error=30, exec=5)


@dataclass(frozen=True)
class Binding:
    """`bindings[]` or `env[]`: a name and a value (an expression, evaluated in order when bound)."""

    name: str
    value: Any
    engine: str | None = None  # `compiler:` for this value (jp or cel); None: the one in force


@dataclass(frozen=True)
class Operation:
    """One entry of try/catch/finally/cleanup: its kind (`apply`…), its body, and where it is."""

    kind: str
    body: Mapping[str, Any]
    path: str  # e.g. spec.steps[0].try[2]
    description: str = ""
    continue_on_error: bool = False
    engine: str | None = None  # `compiler:` jp or cel for bare `(…)`; None: the step's

    @property
    def timeout(self) -> float | None:
        """The operation's own `timeout`, in seconds (parsed at load time)."""
        value = self.body.get("timeout")
        return float(value) if isinstance(value, int | float) else None


@dataclass(frozen=True)
class Step:
    """One step: `try` in order, `catch` on failure, `finally` always, `cleanup` at test end."""

    name: str
    try_: tuple[Operation, ...]
    catch: tuple[Operation, ...] = ()
    finally_: tuple[Operation, ...] = ()
    cleanup: tuple[Operation, ...] = ()
    bindings: tuple[Binding, ...] = ()
    timeouts: Timeouts = Timeouts()
    skip_delete: bool | None = None
    template: bool | None = None
    engine: str | None = None


@dataclass(frozen=True)
class Test:
    """One `Test` document, and what toollab refuses in it (a refused test fails, never passes)."""

    name: str
    directory: str
    file: str
    root: str = ""  # the test dir it was found in (reports group tests by it)
    steps: tuple[Step, ...] = ()
    description: str = ""
    namespace: str = ""
    namespace_template: Mapping[str, Any] | None = None
    timeouts: Timeouts = Timeouts()
    bindings: tuple[Binding, ...] = ()
    catch: tuple[Operation, ...] = ()
    scenarios: tuple[tuple[Binding, ...], ...] = ()
    skip: bool = False
    skip_delete: bool | None = None
    concurrent: bool = True
    template: bool | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    engine: str | None = None
    namespace_engine: str | None = None  # namespaceTemplateCompiler
    cluster: str = ""  # an expression naming the cluster: must evaluate to "" (the default cluster)
    refused: tuple[str, ...] = ()


@dataclass(frozen=True)
class Configuration:
    """What a Chainsaw `Configuration` (v1alpha1 or v1alpha2) sets for every test."""

    timeouts: Timeouts = DEFAULT_TIMEOUTS
    namespace: str = ""
    skip_delete: bool = False
    fail_fast: bool = False
    template: bool = True
    parallel: int | None = None


def with_refusal(test: Test, reason: str) -> Test:
    """`test` with one more reason it cannot run."""
    return replace(test, refused=(*test.refused, reason))


def _values(timeouts: Timeouts) -> tuple[float | None, ...]:
    return (
        timeouts.apply,
        timeouts.assert_,
        timeouts.cleanup,
        timeouts.delete,
        timeouts.error,
        timeouts.exec,
    )
