"""Who a trial acts as: its ServiceAccount must exist, and gets the tenant role in a namespace we made.

The operator's own identity does both, with the two narrow rights the shipped RBAC gives it
(`get` ServiceAccounts; `create` RoleBindings that reference only the tenant ClusterRole).
Never touches a namespace the trial did not create.
"""

from __future__ import annotations

from typing import Any

from toollab import errors
from toollab.model import trial
from toollab.runner.deps import Dependencies

RBAC_API = "rbac.authorization.k8s.io/v1"
GRANT_PREFIX = "toollab-trial-"
NAME_LIMIT = 253


def check_service_account(deps: Dependencies, *, namespace: str, name: str | None) -> None:
    """Raise ServiceAccountMissing when the trial would act as a ServiceAccount that does not exist.

    Without this, every request made as a missing account is simply forbidden, and helm reports
    that as a failure to read its release Secrets. An operator that may not read ServiceAccounts
    skips the check (its RBAC predates it).
    """
    if not name:
        return
    try:
        found = deps.cluster.get("v1", "ServiceAccount", name=name, namespace=namespace)
    except errors.Forbidden:
        return
    if found is None:
        raise errors.ServiceAccountMissing(
            f"ServiceAccount {namespace}/{name} does not exist: create it and grant it what the tool "
            f"needs (see manifests/tenant-example/), or name another in spec.serviceAccountName"
        )


def grant_name(service_account: str) -> str:
    """The RoleBinding's name for one ServiceAccount (one per account, so a new account gets its own)."""
    return (GRANT_PREFIX + service_account)[:NAME_LIMIT]


def build_grant(tool_trial: trial.ToolTrial, *, role: str, namespace: str, account: str) -> dict[str, Any]:
    """A RoleBinding of ClusterRole `role` to the trial's ServiceAccount, in `namespace`."""
    return {
        "apiVersion": RBAC_API,
        "kind": "RoleBinding",
        "metadata": {"name": grant_name(account), "namespace": namespace, "labels": tool_trial.labels},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
        "subjects": [{"kind": "ServiceAccount", "name": account, "namespace": tool_trial.namespace}],
    }


def grant_namespace(deps: Dependencies, tool_trial: trial.ToolTrial, *, namespace: str) -> bool:
    """Bind the tenant role to the ServiceAccount the trial names, in the namespace made for it.

    Only an account named in spec.serviceAccountName is granted: a trial that names none acts as
    the operator's default account, which keeps exactly the rights an admin gave it. Returns
    whether a binding was made (False when there is nothing to grant or it exists already).
    """
    if not deps.tenant_role or not tool_trial.service_account:
        return False
    body = build_grant(
        tool_trial, role=deps.tenant_role, namespace=namespace, account=tool_trial.service_account
    )
    try:
        deps.cluster.create(body, namespace=namespace)
    except errors.Conflict:
        return False  # an earlier pass of this run made it
    return True


__all__ = ["build_grant", "check_service_account", "grant_name", "grant_namespace"]
