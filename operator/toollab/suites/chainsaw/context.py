"""What a Chainsaw operation runs in: cluster, namespace, bindings, timeouts and settings in force.

Contexts nest as upstream's do (configuration > test > step > operation): each level may set
timeouts, `skipDelete`, `template`, the default engine and bindings; `catch` blocks add up. No
I/O here besides the bindings' expressions (lookups go through the resolver).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from toollab import errors
from toollab.assertions import dialect, templating
from toollab.assertions.jp import Resolver
from toollab.cluster import port
from toollab.suites.chainsaw import model

_NAME = r"^\w+$"


class ChainsawCluster(port.Cluster, Protocol):
    """The cluster as Chainsaw's operations need it: beyond `Cluster`, strict writes, logs, version.

    Writes validate fields strictly (an unknown field is an error), as Chainsaw's client does.
    """

    def strict_create(self, obj: port.Object, *, namespace: str | None) -> dict[str, Any]:
        """Create only; Conflict when it exists."""
        ...

    def strict_replace(self, obj: port.Object, *, namespace: str | None) -> dict[str, Any]:
        """Update with the live resourceVersion; NotFound when absent."""
        ...

    def strict_merge_patch(
        self, obj: port.Object, *, namespace: str | None, subresource: str | None = None
    ) -> dict[str, Any]:
        """JSON merge patch of an existing object or one of its subresources; NotFound when absent."""
        ...

    def pod_logs(self, *, name: str, namespace: str, container: str | None, tail: int | None) -> str:
        """A pod's log."""
        ...

    def version(self) -> dict[str, Any]:
        """The server's /version document."""
        ...


@dataclass(frozen=True)
class Runtime:
    """What a run depends on besides the tests: cluster, time, output, the kubeconfig for scripts."""

    cluster: ChainsawCluster
    resolver: Resolver
    emit: Callable[[str], None]
    clock: Callable[[], float]
    sleep: Callable[[float], None]
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    kubeconfig: str | None = None
    environ: Mapping[str, str] = field(default_factory=dict)
    verbose: bool = False
    poll_interval: float = 0.25  # seconds between rounds of assert, error and wait (Chainsaw: 50 ms)
    namespace_deletion: str = "auto"  # who empties a test namespace: see `deleting.drain_namespace`


@dataclass(frozen=True)
class Context:
    """The settings in force for one operation."""

    runtime: Runtime
    directory: Path
    namespace: str
    timeouts: model.Timeouts
    bindings: Mapping[str, Any] = field(default_factory=dict)
    skip_delete: bool = False
    template: bool = True
    engine: str = "jp"
    catch: tuple[model.Operation, ...] = ()

    def scope(self) -> dialect.Scope:
        """The bindings and resolver for expressions."""
        return dialect.Scope(self.bindings, self.runtime.resolver, self.engine)

    def bind(self, name: str, value: Any) -> Context:
        """One more binding, visible from here on."""
        return dataclasses.replace(self, bindings={**self.bindings, name: value})

    def bind_all(self, bindings: Sequence[model.Binding]) -> Context:
        """Bindings evaluated in order, each seeing the ones before (EvaluationError when one fails)."""
        context = self
        for binding in bindings:
            name = context.name_of(binding.name)
            context = context.bind(name, context.evaluate(binding.value, engine=binding.engine))
        return context

    def name_of(self, raw: Any) -> str:
        """A binding, output or env name: as written, or an expression's result; an identifier."""
        name = self.evaluate(raw) if isinstance(raw, str) else raw
        if not isinstance(name, str):
            raise errors.EvaluationError(f"a name must be a string, got {name!r}")
        check_binding_name(name)
        return name

    def evaluate(self, value: Any, *, input: Any = None, engine: str | None = None) -> Any:
        """A binding-style value: its expressions evaluated with `@` at `input`'s matching path."""
        scope = dialect.Scope(self.bindings, self.runtime.resolver, engine or self.engine)
        return templating.template(value, scope=scope, input=input)

    def entering(
        self, *, timeouts: model.Timeouts, skip_delete: bool | None, template: bool | None, engine: str | None
    ) -> Context:
        """The context of a nested level (test or step) with what it sets."""
        return dataclasses.replace(
            self,
            timeouts=timeouts.over(self.timeouts),
            skip_delete=self.skip_delete if skip_delete is None else skip_delete,
            template=self.template if template is None else template,
            engine=engine or self.engine,
        )

    def timeout(self, kind: str, operation: model.Operation | None = None) -> float:
        """An operation's own timeout, else the one in force for its kind (apply, assert, exec…)."""
        if operation is not None and operation.timeout is not None:
            return operation.timeout
        value = getattr(self.timeouts, "assert_" if kind == "assert" else kind)
        if value is None:
            raise errors.SpecError("timeouts", f"no {kind} timeout in force")
        return float(value)


def check_binding_name(name: str) -> None:
    """Binding names are identifiers, as Chainsaw requires."""
    if not re.match(_NAME, name, flags=re.ASCII):
        raise errors.EvaluationError(f"invalid binding name {name!r}")
