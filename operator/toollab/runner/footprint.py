"""What an installed tool costs: pods, containers, requests, privilege, hostPath volumes.

Pure: computes `status.footprint` (a `model.records.Footprint`) from objects it is given
(live pods, or workloads' pod templates when there are no pods); never reads the cluster.
Includes a Kubernetes quantity parser and formatters for the request sums.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from toollab.model import records

_QUANTITY = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))([a-zA-Z]*|[eE][+-]?\d+)$")
_SUFFIXES: dict[str, Fraction] = {
    "": Fraction(1),
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 1000),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
    "Ki": Fraction(2**10),
    "Mi": Fraction(2**20),
    "Gi": Fraction(2**30),
    "Ti": Fraction(2**40),
    "Pi": Fraction(2**50),
    "Ei": Fraction(2**60),
}
_BINARY = ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki")
_DECIMAL = ("E", "P", "T", "G", "M", "k")
TERMINAL_PHASES = frozenset({"Succeeded", "Failed"})
RESOURCES = ("cpu", "memory")


def parse_quantity(text: str | int | float) -> Fraction:
    """A Kubernetes quantity ("250m", "1.5", "512Mi", "1e3") as an exact number; ValueError if malformed."""
    match = _QUANTITY.match(str(text).strip())
    if match is None:
        raise ValueError(f"not a Kubernetes quantity: {text!r}")
    number, suffix = Fraction(match.group(1)), match.group(2)
    if suffix[:1] in ("e", "E") and suffix[1:]:
        return number * Fraction(10) ** int(suffix[1:])
    if suffix not in _SUFFIXES:
        raise ValueError(f"not a Kubernetes quantity: {text!r} (unknown suffix {suffix!r})")
    return number * _SUFFIXES[suffix]


def _ceil(value: Fraction) -> int:
    return -((-value.numerator) // value.denominator)


def format_cpu(cores: Fraction) -> str:
    """CPU as Kubernetes prints it: whole cores ("2"), else millicores rounded up ("250m")."""
    if cores.denominator == 1:
        return str(cores.numerator)
    return f"{_ceil(cores * 1000)}m"


def format_memory(size: Fraction) -> str:
    """Bytes with the largest exact suffix, binary first ("640Mi"), then decimal ("5G"), else bytes."""
    whole = _ceil(size)
    for suffix in (*_BINARY, *_DECIMAL):
        unit = int(_SUFFIXES[suffix])
        if whole and whole % unit == 0:
            return f"{whole // unit}{suffix}"
    return str(whole)


def _request(container: Mapping[str, Any], resource: str) -> Fraction:
    """A container's request; the API server defaults a missing request to its limit."""
    resources = container.get("resources") or {}
    value = (resources.get("requests") or {}).get(resource)
    if value is None:
        value = (resources.get("limits") or {}).get(resource)
    return Fraction(0) if value is None else parse_quantity(value)


def _is_sidecar(init: Mapping[str, Any]) -> bool:
    return init.get("restartPolicy") == "Always"


def pod_request(spec: Mapping[str, Any], resource: str) -> Fraction:
    """A pod's effective request, as the scheduler counts it (KEP-753 sidecars, pod overhead)."""
    sidecars, peak_init = Fraction(0), Fraction(0)
    for init in spec.get("initContainers") or []:
        if _is_sidecar(init):
            sidecars += _request(init, resource)
        else:
            peak_init = max(peak_init, sidecars + _request(init, resource))
    running = sidecars + sum((_request(c, resource) for c in spec.get("containers") or []), Fraction(0))
    overhead = (spec.get("overhead") or {}).get(resource)
    return max(running, peak_init) + (parse_quantity(overhead) if overhead is not None else 0)


def _long_running(spec: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    sidecars = [init for init in spec.get("initContainers") or [] if _is_sidecar(init)]
    return [*sidecars, *(spec.get("containers") or [])]


def _is_privileged(container: Mapping[str, Any]) -> bool:
    return bool((container.get("securityContext") or {}).get("privileged"))


@dataclass(frozen=True)
class _Tally:
    pods: int
    containers: int
    cpu: Fraction
    memory: Fraction
    privileged: int
    host_paths: int


def _tally(spec: Mapping[str, Any], count: int) -> _Tally:
    every = [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]
    return _Tally(
        pods=count,
        containers=count * len(_long_running(spec)),
        cpu=count * pod_request(spec, "cpu"),
        memory=count * pod_request(spec, "memory"),
        privileged=count * sum(1 for c in every if _is_privileged(c)),
        host_paths=count * sum(1 for v in spec.get("volumes") or [] if "hostPath" in v),
    )


def replicas_of(workload: Mapping[str, Any]) -> int:
    """How many pods a workload asks for (a DaemonSet: as many as its status says, at least 1)."""
    spec, status = workload.get("spec") or {}, workload.get("status") or {}
    kind = workload.get("kind")
    if kind == "DaemonSet":
        return max(1, int(status.get("desiredNumberScheduled") or 0))
    if kind == "Job":
        return int(spec.get("parallelism", 1))
    if kind == "CronJob":
        return 0  # runs now and then; not a standing cost
    return int(spec.get("replicas", 1))


def pod_specs(
    pods: Iterable[Mapping[str, Any]], workloads: Iterable[Mapping[str, Any]] = ()
) -> list[tuple[Mapping[str, Any], int]]:
    """(pod spec, count): running pods when there are any, else the workloads' templates."""
    live = [
        (pod.get("spec") or {}, 1)
        for pod in pods
        if (pod.get("status") or {}).get("phase") not in TERMINAL_PHASES
    ]
    if live:
        return live
    templates = []
    for workload in workloads:
        if workload.get("kind") == "Pod":
            templates.append((workload.get("spec") or {}, 1))
            continue
        template = ((workload.get("spec") or {}).get("template") or {}).get("spec")
        if template is not None:
            templates.append((template, replicas_of(workload)))
    return templates


def compute_footprint(
    *,
    pods: Sequence[Mapping[str, Any]],
    workloads: Sequence[Mapping[str, Any]] = (),
    cluster_scoped_objects: int = 0,
) -> records.Footprint:
    """The footprint of live `pods` (or, with none, of `workloads`' pod templates)."""
    tallies = [_tally(spec, count) for spec, count in pod_specs(pods, workloads)]
    return records.Footprint(
        pods=sum(t.pods for t in tallies),
        containers=sum(t.containers for t in tallies),
        cpu_requests=format_cpu(sum((t.cpu for t in tallies), Fraction(0))),
        memory_requests=format_memory(sum((t.memory for t in tallies), Fraction(0))),
        privileged_containers=sum(t.privileged for t in tallies),
        host_path_volumes=sum(t.host_paths for t in tallies),
        cluster_scoped_objects=cluster_scoped_objects,
    )


__all__ = [
    "compute_footprint",
    "format_cpu",
    "format_memory",
    "parse_quantity",
    "pod_request",
    "pod_specs",
    "replicas_of",
]
