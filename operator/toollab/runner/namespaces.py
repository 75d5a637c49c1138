"""The trial's target namespace: the operator creates it (and records its uid), or finds it.

Creates (POST) and never patches a namespace, so the operator needs no right to change
namespaces it did not make; one that exists and is not the trial's is used, never claimed.
"""

from __future__ import annotations

from datetime import datetime

from toollab import errors
from toollab.installers import claims, objects
from toollab.model import status, trial
from toollab.runner import access, actions, transitions
from toollab.runner.deps import Dependencies
from toollab.scorecard import pod_security


def ensure_namespace(
    action: actions.EnsureNamespace,
    *,
    tool_trial: trial.ToolTrial,
    current: status.TrialStatus,
    deps: Dependencies,
    now: datetime,
) -> status.TrialStatus:
    """The operator (not the tenant) creates the target namespace, labelled as the trial's, and grants
    the trial's named ServiceAccount the tenant role there. Creates (POST) and never patches a
    namespace, so the operator needs no right to change namespaces it did not make."""
    run_account = current.run.service_account if current.run else tool_trial.service_account
    access.check_service_account(deps, namespace=tool_trial.namespace, name=run_account)
    existing = deps.cluster.get("v1", "Namespace", name=action.namespace, namespace=None)
    if existing is not None and (existing.get("metadata") or {}).get("deletionTimestamp"):
        # an earlier run's (or trial's) cleanup is deleting it: wait for it to go, then create it
        raise errors.NamespaceTerminating(
            f"namespace {action.namespace} is being deleted; waiting until it is gone"
        )
    if existing is not None:
        created = objects.is_owned(existing, uid=tool_trial.uid)
        if created:  # ours, from an earlier pass or run: its grant may not have been made yet
            access.grant_namespace(deps, tool_trial, namespace=action.namespace)
        return transitions.namespace_ready(current, created=created, now=now, uid=claims.uid_of(existing))
    if not action.create:
        raise _missing_namespace(action.namespace)
    body = {
        "apiVersion": "v1",
        "kind": "Namespace",
        # Pod Security warns (never refuses) about what is installed here: the scorecard reads it
        "metadata": {"name": action.namespace, "labels": tool_trial.labels | pod_security.warn_labels()},
    }
    made = deps.cluster.create(body, namespace=None)
    access.grant_namespace(deps, tool_trial, namespace=action.namespace)
    return transitions.namespace_ready(current, created=True, now=now, uid=claims.uid_of(made))


def _missing_namespace(name: str) -> Exception:
    return errors.SpecError(
        "spec.target.namespace", f"namespace {name} does not exist and createNamespace is false"
    )


__all__ = ["ensure_namespace"]
