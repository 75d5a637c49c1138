"""Why an install or a step timed out, as far as the cluster knows: pods that cannot be
scheduled, workloads whose pods cannot be created (FailedCreate, e.g. a webhook refusing them),
helm hook Jobs that never completed. Read in the target namespace as the trial's identity.

Only reads; a cause it may not read is left out. Never changes a verdict, only its message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toollab import errors
from toollab.cluster import port
from toollab.model import status, trial
from toollab.runner.deps import Dependencies

MAX_CAUSES = 3
MAX_CAUSE_CHARS = 300
HOOK = "helm.sh/hook"


def causes(cluster: port.Cluster, namespace: str) -> list[str]:
    """Up to MAX_CAUSES short sentences; [] when nothing is known."""
    found: list[str] = []
    for finder in (_unschedulable, _failed_creates, _hooks_not_complete):
        try:
            found += [c for c in finder(cluster, namespace) if c not in found]
        except errors.ClusterError:
            continue
    return [c[:MAX_CAUSE_CHARS] for c in found[:MAX_CAUSES]]


def with_causes(message: str, cluster: port.Cluster, namespace: str) -> str:
    """`message`, followed by what the cluster knows (if anything)."""
    known = causes(cluster, namespace)
    return f"{message}; the cluster says: {'; '.join(known)}" if known else message


def for_install(
    message: str, tool_trial: trial.ToolTrial, current: status.TrialStatus, *, deps: Dependencies
) -> str:
    """An install timeout's message with what the cluster knows (read as the trial's identity)."""
    account = current.run.service_account if current.run else tool_trial.service_account
    cluster = deps.cluster_for(deps.user_for(tool_trial.namespace, account))
    return with_causes(message, cluster, tool_trial.target.namespace)


def _unschedulable(cluster: port.Cluster, namespace: str) -> list[str]:
    found = []
    for pod in cluster.list("v1", "Pod", namespace=namespace):
        status = pod.get("status") or {}
        if status.get("phase") != "Pending":
            continue
        for condition in status.get("conditions") or []:
            if condition.get("type") == "PodScheduled" and condition.get("status") == "False":
                found.append(
                    f"pod {_name(pod)} unschedulable: {condition.get('message') or condition.get('reason')}"
                )
    return found


def _failed_creates(cluster: port.Cluster, namespace: str) -> list[str]:
    found = []
    for event in cluster.list("v1", "Event", namespace=namespace):
        if event.get("reason") != "FailedCreate":
            continue
        involved = event.get("involvedObject") or {}
        found.append(
            f"{involved.get('kind')} {involved.get('name')}: FailedCreate: {event.get('message', '').strip()}"
        )
    return found


def _hooks_not_complete(cluster: port.Cluster, namespace: str) -> list[str]:
    found = []
    for job in cluster.list("batch/v1", "Job", namespace=namespace):
        hook = ((job.get("metadata") or {}).get("annotations") or {}).get(HOOK)
        done = any(
            c.get("type") in ("Complete", "Failed") and c.get("status") == "True"
            for c in (job.get("status") or {}).get("conditions") or []
        )
        if hook and not done:
            found.append(f"helm {hook} hook Job {_name(job)} not complete")
    return found


def _name(obj: Mapping[str, Any]) -> str:
    return str((obj.get("metadata") or {}).get("name", "?"))
