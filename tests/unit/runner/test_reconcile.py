"""One reconcile pass with a scripted cluster: what is written, when, and how failures are absorbed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from toollab import errors
from toollab.cluster import port
from toollab.runner import reconcile
from toollab.runner.deps import Dependencies

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def trial_body(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "toollab.dev/v1alpha1",
        "kind": "ToolTrial",
        "metadata": {"name": "t", "namespace": "lab", "uid": "u-1", "generation": 1},
        "spec": {
            "tool": {
                "name": "hello",
                "manifests": {
                    "inline": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}]
                },
            },
            "steps": [
                {
                    "name": "s",
                    "assert": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}],
                }
            ],
            **spec,
        },
    }


class ScriptedCluster:
    """Serves one trial body; records status writes; can be told to fail."""

    def __init__(self, body: dict[str, Any] | None, *, fail_get: errors.ClusterError | None = None) -> None:
        self.body = body
        self.fail_get = fail_get
        self.writes: list[dict[str, Any]] = []

    def get(self, api_version: str, kind: str, *, name: str, namespace: str | None) -> dict[str, Any] | None:
        if self.fail_get is not None:
            raise self.fail_get
        return self.body if kind == "ToolTrial" else None

    def patch_status(
        self, api_version: str, kind: str, *, name: str, namespace: str | None, status: Mapping[str, Any]
    ) -> dict[str, Any]:
        self.writes.append(dict(status))
        assert self.body is not None
        self.body = {**self.body, "status": dict(status)}
        return self.body

    def impersonating(self, user: str | None) -> ScriptedCluster:
        return self

    def resource(self, api_version: str, kind: str) -> port.ResourceInfo:
        return port.ResourceInfo(api_version, kind, kind.lower() + "s", namespaced=kind != "Namespace")


def run(cluster: ScriptedCluster, now: datetime = NOW) -> reconcile.PassResult:
    deps = Dependencies(cluster=cluster)  # type: ignore[arg-type]  # scripted subset of the protocol
    return reconcile.reconcile_once(name="t", namespace="lab", deps=deps, now=now)


def test_a_new_trial_starts_a_run_and_writes_once() -> None:
    cluster = ScriptedCluster(trial_body())
    result = run(cluster)
    assert len(cluster.writes) == 1
    assert cluster.writes[0]["phase"] == "Pending"
    assert cluster.writes[0]["run"]["generation"] == 1
    assert (result.delay, result.gone) == (0.0, False)
    assert [e.reason for e in result.events] == ["RunStarted", "Pending"]


def test_an_invalid_spec_is_written_once_as_error() -> None:
    cluster = ScriptedCluster(trial_body(steps=[{"name": "s", "timeout": "soon", "assert": [{}]}]))
    first = run(cluster)
    second = run(cluster, NOW + timedelta(seconds=1))
    assert len(cluster.writes) == 1
    assert cluster.writes[0]["phase"] == "Error"
    assert "spec.steps[0].timeout" in cluster.writes[0]["conditions"][0]["message"]
    assert first.delay is None and second.delay is None
    assert [e.reason for e in first.events] == ["InvalidSpec"] and second.events == ()


def test_a_deleted_trial_ends_the_loop() -> None:
    assert run(ScriptedCluster(None)).gone is True
    body = trial_body()
    body["metadata"]["deletionTimestamp"] = "2026-11-21T12:00:00Z"
    assert run(ScriptedCluster(body)).gone is True


def test_an_unreachable_api_server_is_retried_not_raised() -> None:
    cluster = ScriptedCluster(trial_body(), fail_get=errors.Unavailable("connection refused"))
    result = run(cluster)
    assert result == reconcile.PassResult(delay=reconcile.RETRY_SECONDS)
    assert cluster.writes == []


def test_a_refused_read_waits_longer() -> None:
    cluster = ScriptedCluster(trial_body(), fail_get=errors.Forbidden("no"))
    assert run(cluster).delay == reconcile.UNEXPECTED_SECONDS
