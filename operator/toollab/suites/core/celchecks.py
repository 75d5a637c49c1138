"""CEL checks over named objects: KUTTL's `resourceRefs` + `assertAll`/`assertAny`, and ToolTrial `cel`.

Compiles every expression when loaded (bad CEL fails the load, as KUTTL's LoadPrograms), then
each round reads the referenced objects through the `Cluster` protocol and evaluates. Never sleeps.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from toollab import errors
from toollab.cluster import port

if TYPE_CHECKING:  # the CEL engine (celpy, lark) loads when a check is compiled, not at start-up
    from toollab import cel


@dataclass(frozen=True)
class ResourceRef:
    """One object bound to a CEL variable: `ref` names it in the expressions."""

    api_version: str
    kind: str
    name: str
    ref: str
    namespace: str = ""  # empty: the test namespace (ignored for cluster-scoped kinds)
    labels: tuple[tuple[str, str], ...] = ()  # no name: the list of objects with these labels

    def __str__(self) -> str:
        what = self.name or ",".join(f"{k}={v}" for k, v in self.labels) or "(all)"
        where = f"{self.namespace}/{what}" if self.namespace else what
        return f"{self.api_version}/{self.kind} {where} (as {self.ref})"


@dataclass(frozen=True)
class CelChecks:
    """Compiled expressions over `refs`: every one of `all_of` and at least one of `any_of` must be true."""

    refs: tuple[ResourceRef, ...]
    all_of: tuple[cel.Program, ...] = ()
    any_of: tuple[cel.Program, ...] = ()
    sources: tuple[str, ...] = field(default=())
    keys: tuple[str, str] = ("assertAll", "assertAny")  # what the user calls the two lists

    @property
    def count(self) -> int:
        """How many expressions there are."""
        return len(self.all_of) + len(self.any_of)


_IDENTIFIER = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789"


def parse_ref(item: Any, *, where: str) -> ResourceRef:
    """A `{apiVersion, kind, name, ref[, namespace]}` mapping; SpecError naming what is missing."""
    if not isinstance(item, Mapping):
        raise errors.SpecError(where, "must be a mapping with apiVersion, kind, name and ref")
    values = {key: item.get(key, "") for key in ("apiVersion", "kind", "name", "ref", "namespace")}
    for key, value in values.items():
        if not isinstance(value, str):
            raise errors.SpecError(f"{where}.{key}", f"must be a string, got {value!r}")
    version = values["apiVersion"]
    if not version or version.count("/") > 1:
        raise errors.SpecError(f"{where}.apiVersion", f"{version!r} is not of the form (<group>/)<version>")
    for key in ("kind", "name", "ref"):
        if not values[key]:
            raise errors.SpecError(f"{where}.{key}", "must be set")
    ref = values["ref"]
    if ref[0].isdigit() or any(c not in _IDENTIFIER for c in ref):
        raise errors.SpecError(f"{where}.ref", f"{ref!r} is not a CEL identifier")
    return ResourceRef(version, values["kind"], values["name"], ref, values["namespace"])


def compile_checks(
    refs: Sequence[ResourceRef],
    *,
    all_of: Sequence[str],
    any_of: Sequence[str] = (),
    where: str,
    keys: tuple[str, str] = ("assertAll", "assertAny"),
) -> CelChecks:
    """Compile the expressions against the refs' names; SpecError naming the expression otherwise."""
    from toollab import cel

    names = [ref.ref for ref in refs]
    doubled = sorted({name for name in names if names.count(name) > 1})
    if doubled:
        raise errors.SpecError(where, f"ref {doubled[0]!r} is used more than once")

    def build(sources: Sequence[str], key: str) -> tuple[cel.Program, ...]:
        programs = []
        for i, source in enumerate(sources):
            try:
                programs.append(cel.compile_expression(source, variables=names))
            except errors.CelError as exc:
                raise errors.SpecError(f"{where}.{key}[{i}]", str(exc)) from exc
        return tuple(programs)

    return CelChecks(
        refs=tuple(refs),
        all_of=build(all_of, keys[0]),
        any_of=build(any_of, keys[1]),
        sources=(*all_of, *any_of),
        keys=keys,
    )


@functools.lru_cache(maxsize=256)
def compile_cached(refs: tuple[ResourceRef, ...], all_of: tuple[str, ...], *, where: str) -> CelChecks:
    """`compile_checks` for ToolTrial steps (`cel`, all must hold), once per distinct step."""
    return compile_checks(refs, all_of=all_of, where=where, keys=("cel", "cel"))


def evaluate(cluster: port.Cluster, checks: CelChecks, *, namespace: str) -> list[str]:
    """One round: read the refs, evaluate; the failures (empty when the checks hold)."""
    bindings: dict[str, Any] = {}
    for ref in checks.refs:
        try:
            found = _read(cluster, ref, namespace=namespace)
        except errors.ClusterError as exc:
            return [f"failed to get referenced resource {ref}: {exc}"]
        if found is None:
            return [f"failed to get referenced resource {ref}: not found"]
        bindings[ref.ref] = found
    all_failures = [problem for program in checks.all_of if (problem := _judge(program, bindings))]
    any_failures = [problem for program in checks.any_of if (problem := _judge(program, bindings))]
    failures = []
    if checks.any_of and len(any_failures) == len(checks.any_of):
        failures.append(f"no {checks.keys[1]} expression evaluated to true: " + "; ".join(any_failures))
    if all_failures:
        failures.append(f"not all {checks.keys[0]} expressions evaluated to true: " + "; ".join(all_failures))
    return failures


def _read(cluster: port.Cluster, ref: ResourceRef, *, namespace: str) -> Any:
    """The named object (None when absent), or the list of objects matching the labels."""
    info = cluster.resource(ref.api_version, ref.kind)
    where = (ref.namespace or namespace) if info.namespaced else None
    if not ref.name:
        return cluster.list(ref.api_version, ref.kind, namespace=where, labels=dict(ref.labels) or None)
    return cluster.get(ref.api_version, ref.kind, name=ref.name, namespace=where)


def _judge(program: cel.Program, bindings: Mapping[str, Any]) -> str:
    """Empty when the expression is true; else why not (its value, or the evaluation error)."""
    try:
        value = program.evaluate(bindings)
    except errors.CelError as exc:
        return str(exc)
    if value is True:
        return ""
    return f"expression {program.source!r} evaluated to {_go_value(value)!r}"


def _go_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


__all__ = ["CelChecks", "ResourceRef", "compile_cached", "compile_checks", "evaluate", "parse_ref"]
