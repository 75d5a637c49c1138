"""What an installed tool costs: pods, containers, requests, privilege, hostPath volumes.

Pure: computes `status.footprint` (a `model.records.Footprint`) from objects it is given
(live pods, or workloads' pod templates when there are no pods); never reads the cluster.
Quantities are parsed and formatted by `model.quantities`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from toollab.model import quantities, records

TERMINAL_PHASES = frozenset({"Succeeded", "Failed"})
RESOURCES = ("cpu", "memory")


def _request(container: Mapping[str, Any], resource: str) -> Fraction:
    """A container's request; the API server defaults a missing request to its limit."""
    resources = container.get("resources") or {}
    value = (resources.get("requests") or {}).get(resource)
    if value is None:
        value = (resources.get("limits") or {}).get(resource)
    return Fraction(0) if value is None else quantities.parse_quantity(value)


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
    return max(running, peak_init) + (quantities.parse_quantity(overhead) if overhead is not None else 0)


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
        cpu_requests=quantities.format_cpu(sum((t.cpu for t in tallies), Fraction(0))),
        memory_requests=quantities.format_memory(sum((t.memory for t in tallies), Fraction(0))),
        privileged_containers=sum(t.privileged for t in tallies),
        host_path_volumes=sum(t.host_paths for t in tallies),
        cluster_scoped_objects=cluster_scoped_objects,
    )


__all__ = [
    "compute_footprint",
    "pod_request",
    "pod_specs",
    "replicas_of",
]
