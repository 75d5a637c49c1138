"""The footprint: quantities, effective pod requests, and counts from pods or workloads."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toollab.model import quantities, records
from toollab.runner import footprint


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("250m", Fraction(1, 4)),
        ("1", Fraction(1)),
        ("1.5", Fraction(3, 2)),
        (".5", Fraction(1, 2)),
        (2, Fraction(2)),
        ("512Mi", Fraction(512 * 2**20)),
        ("1Gi", Fraction(2**30)),
        ("1k", Fraction(1000)),
        ("1M", Fraction(10**6)),
        ("1e3", Fraction(1000)),
        ("1E-3", Fraction(1, 1000)),
        ("100n", Fraction(1, 10**7)),
        ("+3", Fraction(3)),
    ],
)
def test_parse_quantity(text: str, value: Fraction) -> None:
    assert quantities.parse_quantity(text) == value


@pytest.mark.parametrize("text", ["", "m", "1Q", "1mi", "one", "1 Gi", "1.2.3"])
def test_parse_quantity_rejects_malformed_text(text: str) -> None:
    with pytest.raises(ValueError, match="not a Kubernetes quantity"):
        quantities.parse_quantity(text)


@pytest.mark.parametrize(
    ("cores", "text"),
    [
        (Fraction(0), "0"),
        (Fraction(2), "2"),
        (Fraction(1, 4), "250m"),
        (Fraction(3, 2), "1500m"),
        (Fraction(1, 10**6), "1m"),
    ],
)
def test_format_cpu(cores: Fraction, text: str) -> None:
    assert quantities.format_cpu(cores) == text


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0"),
        (640 * 2**20, "640Mi"),
        (2**30, "1Gi"),
        (1536 * 2**20, "1536Mi"),
        (5 * 10**9, "5G"),
        (1001, "1001"),
        (Fraction(1, 2), "1"),
    ],
)
def test_format_memory(size: int | Fraction, text: str) -> None:
    assert quantities.format_memory(Fraction(size)) == text


@given(st.integers(min_value=0, max_value=10**15))
def test_memory_round_trips(size: int) -> None:
    assert quantities.parse_quantity(quantities.format_memory(Fraction(size))) == size


@given(st.integers(min_value=0, max_value=10**7))
def test_cpu_round_trips_in_millicores(millis: int) -> None:
    cores = Fraction(millis, 1000)
    assert quantities.parse_quantity(quantities.format_cpu(cores)) == cores


def container(
    cpu: str | None = None, memory: str | None = None, *, limits: bool = False, **extra: Any
) -> dict[str, Any]:
    values = {k: v for k, v in {"cpu": cpu, "memory": memory}.items() if v is not None}
    return {"name": "c", "resources": {"limits" if limits else "requests": values}, **extra}


def test_pod_request_sums_containers_and_defaults_requests_to_limits() -> None:
    spec = {"containers": [container("100m", "64Mi"), container("1", "1Gi", limits=True), {"name": "bare"}]}
    assert footprint.pod_request(spec, "cpu") == Fraction(11, 10)
    assert footprint.pod_request(spec, "memory") == 64 * 2**20 + 2**30


def test_pod_request_takes_the_larger_of_init_peak_and_running_plus_overhead() -> None:
    spec = {
        "initContainers": [container("2"), container("100m", restartPolicy="Always"), container("500m")],
        "containers": [container("200m")],
        "overhead": {"cpu": "50m"},
    }
    # init peak: max(2, 0.1 + 0.5) = 2; running: sidecar 0.1 + 0.2 = 0.3; plus overhead 0.05
    assert footprint.pod_request(spec, "cpu") == Fraction(205, 100)


AGENT_SPEC = {
    "containers": [
        container("100m", "512Mi", securityContext={"privileged": True}),
        container("10m", "128Mi"),
    ],
    "volumes": [{"name": "dev", "hostPath": {"path": "/dev"}}, {"name": "cfg", "configMap": {"name": "c"}}],
}


def test_footprint_of_live_pods_skips_finished_ones() -> None:
    pods = [
        {"spec": AGENT_SPEC, "status": {"phase": "Running"}},
        {"spec": AGENT_SPEC, "status": {"phase": "Pending"}},
        {"spec": {"containers": [container("4", "4Gi")]}, "status": {"phase": "Succeeded"}},
    ]
    assert footprint.compute_footprint(pods=pods, cluster_scoped_objects=5) == records.Footprint(
        pods=2,
        containers=4,
        cpu_requests="220m",
        memory_requests="1280Mi",
        privileged_containers=2,
        host_path_volumes=2,
        cluster_scoped_objects=5,
    )


def test_footprint_falls_back_to_workload_templates_when_there_are_no_pods() -> None:
    workloads = [
        {
            "kind": "DaemonSet",
            "spec": {"template": {"spec": AGENT_SPEC}},
            "status": {"desiredNumberScheduled": 3},
        },
        {
            "kind": "Deployment",
            "spec": {"replicas": 2, "template": {"spec": {"containers": [container("250m", "64Mi")]}}},
        },
        {"kind": "CronJob", "spec": {"jobTemplate": {}}},
        {"kind": "ConfigMap", "data": {}},
    ]
    result = footprint.compute_footprint(pods=[], workloads=workloads)
    assert (result.pods, result.containers) == (5, 8)
    assert (result.cpu_requests, result.memory_requests) == ("830m", "2Gi")
    assert (result.privileged_containers, result.host_path_volumes) == (3, 3)


def test_live_pods_win_over_templates() -> None:
    workloads = [{"kind": "Deployment", "spec": {"replicas": 9, "template": {"spec": AGENT_SPEC}}}]
    pods = [{"spec": {"containers": [container("1")]}, "status": {"phase": "Running"}}]
    assert footprint.compute_footprint(pods=pods, workloads=workloads).pods == 1


def test_nothing_running_is_an_empty_footprint() -> None:
    assert footprint.compute_footprint(pods=[]) == records.Footprint()


@pytest.mark.parametrize(
    ("workload", "count"),
    [
        ({"kind": "Deployment", "spec": {}}, 1),
        ({"kind": "StatefulSet", "spec": {"replicas": 0}}, 0),
        ({"kind": "DaemonSet", "spec": {}, "status": {}}, 1),
        ({"kind": "Job", "spec": {"parallelism": 4}}, 4),
        ({"kind": "CronJob", "spec": {}}, 0),
    ],
)
def test_replicas_of(workload: dict[str, Any], count: int) -> None:
    assert footprint.replicas_of(workload) == count
