"""One reconcile pass with a scripted cluster: what is written, when, and how failures are absorbed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from toollab import errors
from toollab.cluster import port
from toollab.runner import finalizing, outlook, reconcile
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

    def __init__(
        self,
        body: dict[str, Any] | None,
        *,
        fail_get: errors.ClusterError | None = None,
        accounts: tuple[str, ...] = (),
    ) -> None:
        self.body = body
        self.fail_get = fail_get
        self.accounts = accounts  # ServiceAccounts that exist (in the trial's namespace)
        self.writes: list[dict[str, Any]] = []
        self.applied: list[dict[str, Any]] = []
        self.created: list[dict[str, Any]] = []
        self.patches: list[dict[str, Any]] = []

    def get(self, api_version: str, kind: str, *, name: str, namespace: str | None) -> dict[str, Any] | None:
        if self.fail_get is not None and kind == "ToolTrial":
            raise self.fail_get
        if kind == "ServiceAccount":
            return {"metadata": {"name": name, "namespace": namespace}} if name in self.accounts else None
        return self.body if kind == "ToolTrial" else None

    def create(self, obj: Mapping[str, Any], *, namespace: str | None) -> dict[str, Any]:
        self.created.append(dict(obj))
        return dict(obj)

    def list(
        self, api_version: str, kind: str, *, namespace: str | None, labels: Mapping[str, str] | None = None
    ) -> list[dict[str, Any]]:
        return []  # no nodes, no pods: the environment is unknown

    def server_version(self) -> str:
        return "v1.36.3"

    def patch_status(
        self, api_version: str, kind: str, *, name: str, namespace: str | None, status: Mapping[str, Any]
    ) -> dict[str, Any]:
        self.writes.append(dict(status))
        assert self.body is not None
        self.body = {**self.body, "status": dict(status)}
        return self.body

    def apply(
        self, obj: Mapping[str, Any], *, namespace: str | None, field_manager: str = "toollab"
    ) -> dict[str, Any]:
        self.applied.append(dict(obj))
        return dict(obj)

    def patch(
        self, api_version: str, kind: str, *, name: str, namespace: str | None, patch: Mapping[str, Any]
    ) -> dict[str, Any]:
        assert self.body is not None and kind == "ToolTrial"
        self.patches.append(dict(patch))
        meta = {**self.body["metadata"], **patch["metadata"]}
        self.body = {**self.body, "metadata": meta}
        return self.body

    def impersonating(self, user: str | None) -> ScriptedCluster:
        return self

    def resource(self, api_version: str, kind: str) -> port.ResourceInfo:
        return port.ResourceInfo(api_version, kind, kind.lower() + "s", namespaced=kind != "Namespace")


def run(cluster: ScriptedCluster, now: datetime = NOW, **settings: Any) -> reconcile.PassResult:
    deps = Dependencies(cluster=cluster, clock=lambda: now, **settings)  # type: ignore[arg-type]  # scripted
    return reconcile.reconcile_once(name="t", namespace="lab", deps=deps, now=now)


def test_a_new_trial_starts_a_run_and_creates_its_namespace_in_one_write() -> None:
    cluster = ScriptedCluster(trial_body())
    result = run(cluster)
    assert len(cluster.writes) == 1  # StartRun and EnsureNamespace share a pass; Install gets its own
    assert cluster.writes[0]["phase"] == "Installing"
    assert cluster.writes[0]["run"]["generation"] == 1
    assert [o["metadata"]["name"] for o in cluster.created] == ["trial-t"]  # a create, never a patch
    assert cluster.created[0]["metadata"]["labels"]["toollab.dev/trial-uid"] == "u-1"
    assert cluster.applied == []
    assert (result.delay, result.gone) == (0.0, False)
    assert result.body is not None and result.body["status"]["phase"] == "Installing"
    assert [e.reason for e in result.events] == ["RunStarted", "Pending", "Installing"]


def test_a_named_service_account_is_granted_the_tenant_role_in_the_namespace_made_for_it() -> None:
    cluster = ScriptedCluster(trial_body(serviceAccountName="runner"), accounts=("runner",))
    run(cluster, tenant_role="toollab-tenant", default_service_account="default")
    namespace, grant = cluster.created
    assert (namespace["kind"], grant["kind"]) == ("Namespace", "RoleBinding")
    assert grant["metadata"]["namespace"] == "trial-t"
    assert grant["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "ClusterRole",
        "name": "toollab-tenant",
    }
    assert grant["subjects"] == [{"kind": "ServiceAccount", "name": "runner", "namespace": "lab"}]
    assert grant["metadata"]["labels"]["toollab.dev/trial-uid"] == "u-1"


def test_a_trial_naming_no_account_gets_no_grant_even_with_a_default_account() -> None:
    cluster = ScriptedCluster(trial_body(), accounts=("default",))
    run(cluster, tenant_role="toollab-tenant", default_service_account="default")
    assert [o["kind"] for o in cluster.created] == ["Namespace"]
    assert cluster.writes[0]["run"]["serviceAccount"] == "default"


def test_without_a_tenant_role_nothing_is_granted() -> None:
    cluster = ScriptedCluster(trial_body(serviceAccountName="runner"), accounts=("runner",))
    run(cluster)
    assert [o["kind"] for o in cluster.created] == ["Namespace"]


def test_a_missing_service_account_ends_the_run_in_error_naming_it() -> None:
    cluster = ScriptedCluster(trial_body(serviceAccountName="lab-runner"))
    result = run(cluster, tenant_role="toollab-tenant")
    final = cluster.writes[-1]
    assert final["phase"] == "Error"
    ready = next(c for c in final["conditions"] if c["type"] == "Ready")
    assert ready["reason"] == "ServiceAccountNotFound"
    assert "ServiceAccount lab/lab-runner does not exist" in ready["message"]
    assert cluster.created == []  # no namespace made for an account that cannot use it
    assert "ServiceAccountNotFound" in [e.reason for e in result.events]


def test_the_next_pass_uses_the_written_trial_instead_of_reading_it() -> None:
    cluster = ScriptedCluster(trial_body())
    first = run(cluster)
    cluster.fail_get = errors.Unavailable("a read would fail now")
    deps = Dependencies(cluster=cluster, clock=lambda: NOW)  # type: ignore[arg-type]
    second = reconcile.reconcile_once(name="t", namespace="lab", deps=deps, now=NOW, known=first.body)
    assert second.delay == 0.0  # it installed instead of failing on the read
    assert [w["phase"] for w in cluster.writes] == ["Installing", "Verifying"]
    assert [o["kind"] for o in cluster.applied] == ["ConfigMap"]


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


def idle(body: dict[str, Any]) -> bool:
    return outlook.outlook(body, now=NOW).idle


def test_a_trial_has_work_until_its_verdict_and_again_after_a_spec_change() -> None:
    body = trial_body(cleanup={"policy": "Retain"})
    assert outlook.outlook(body, now=NOW) == outlook.Outlook(outlook.Lane.GENERAL, action="start_run")
    cluster = ScriptedCluster(body)
    for _ in range(6):  # install, attempt, verdict: the assert cannot pass (no objects), so it waits
        run(cluster)
    assert cluster.body is not None and not idle(cluster.body)
    finished = dict(cluster.body)
    finished["status"] = {
        **finished["status"],
        "run": {**finished["status"]["run"], "stage": "Finished"},
        "result": "Passed",
        "phase": "Passed",
        "observedGeneration": 1,
        "finishedAt": "2026-11-21T12:00:00Z",
    }
    assert not idle(finished)  # the install is scored first
    started = finished["status"]["run"]["startedAt"]
    finished["status"]["scorecard"] = {"runStartedAt": started, "checkedAt": "2026-11-21T12:00:01Z"}
    assert idle(finished)  # Retain: nothing more to do
    changed = {**finished, "metadata": {**finished["metadata"], "generation": 2}}
    assert not idle(changed)  # a new generation: a new run


def test_ttl_and_cleanup_keep_a_finished_trial_busy_and_deletion_needs_the_finalizer() -> None:
    base = trial_body(cleanup={"policy": "Retain", "ttlSecondsAfterFinished": 60})
    status = {
        "result": "Passed",
        "phase": "Passed",
        "observedGeneration": 1,
        "finishedAt": "2026-11-21T12:00:00Z",
        "steps": [{"name": "s", "phase": "Passed"}],
        "run": {
            "generation": 1,
            "startedAt": "2026-11-21T11:59:00Z",
            "deadline": "2026-11-21T12:14:00Z",
            "targetNamespace": "trial-t",
            "stage": "Finished",
        },
    }
    waiting = outlook.outlook({**base, "status": status}, now=NOW)
    assert (waiting.lane, waiting.delay) == (outlook.Lane.GENERAL, 60.0)  # the TTL's timer
    deleting = {**base, "status": status, "metadata": {**base["metadata"], "deletionTimestamp": "x"}}
    assert idle(deleting)  # not ours to finalize
    ours = {**deleting, "metadata": {**deleting["metadata"], "finalizers": [finalizing.FINALIZER]}}
    assert outlook.outlook(ours, now=NOW) == outlook.Outlook(outlook.Lane.GENERAL, action="clean_up")
    invalid = trial_body(steps=[{"name": "s", "timeout": "soon", "assert": [{}]}])
    assert not idle(invalid)  # not reported yet
    reported = {**invalid, "status": {"phase": "Error", "observedGeneration": 1}}
    assert idle(reported)


def test_the_finalizer_is_added_before_the_trial_creates_anything() -> None:
    cluster = ScriptedCluster(
        {**trial_body(), "metadata": {**trial_body()["metadata"], "resourceVersion": "7"}}
    )
    run(cluster)
    assert cluster.patches == [{"metadata": {"finalizers": [finalizing.FINALIZER], "resourceVersion": "7"}}]
    run(cluster)  # it is there now: no second write
    assert len(cluster.patches) == 1


def test_a_deleted_trial_with_nothing_installed_is_let_go() -> None:
    body = trial_body()
    body["metadata"].update(
        deletionTimestamp="2026-11-21T12:00:00Z", finalizers=["other", finalizing.FINALIZER]
    )
    cluster = ScriptedCluster(body)
    result = run(cluster)
    assert result.gone and cluster.writes == []
    assert cluster.patches[-1]["metadata"]["finalizers"] == ["other"]  # only ours is removed


def test_a_pass_given_the_wrong_lane_does_nothing_and_asks_to_be_planned_again() -> None:
    cluster = ScriptedCluster(trial_body())
    deps = Dependencies(cluster=cluster, clock=lambda: NOW)  # type: ignore[arg-type]
    result = reconcile.reconcile_once(
        name="t", namespace="lab", deps=deps, now=NOW, lane=outlook.Lane.INSTALL
    )  # the trial needs StartRun (a general pass) first
    assert (result.delay, cluster.writes, cluster.applied) == (0.0, [], [])


def test_queued_is_shown_once_per_message_and_left_before_the_install() -> None:
    cluster = ScriptedCluster(trial_body())
    first = run(cluster)  # StartRun + EnsureNamespace: Installing, the install is next
    assert first.body is not None
    deps = Dependencies(cluster=cluster, clock=lambda: NOW)  # type: ignore[arg-type]
    message = "waiting for an install slot: position 3 of 12"
    shown = reconcile.show_queued(body=first.body, message=message, deps=deps, now=NOW)
    assert cluster.writes[-1]["phase"] == "Queued"
    conditions = {c["type"]: c for c in cluster.writes[-1]["conditions"]}
    assert (conditions["Ready"]["status"], conditions["Reconciling"]["status"]) == ("Unknown", "True")
    assert conditions["Reconciling"]["reason"] == "Queued" and conditions["Reconciling"]["message"] == message
    assert [e.reason for e in shown.events] == ["Queued"]
    assert shown.body is not None
    again = reconcile.show_queued(body=shown.body, message=message, deps=deps, now=NOW)
    assert len(cluster.writes) == 2 and again.events == ()
    reconcile.reconcile_once(name="t", namespace="lab", deps=deps, now=NOW, known=shown.body)
    assert [w["phase"] for w in cluster.writes[2:]] == ["Installing", "Verifying"]  # shown while installing
