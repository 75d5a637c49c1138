"""Cluster-singleton tools queue: one coordination.k8s.io Lease per tool, held by the trial that
has it installed, from its install until its tool is removed again.

A second trial of the same tool waits (phase Queued, the message names the holder) instead of
colliding on the tool's CRDs, webhooks and ClusterRoles; so a CRD one trial installed is never
removed while another trial of that tool has it. A holder whose trial is gone (or was replaced)
is stale and the Lease is taken over. Leases live in the operator's lease namespace; written as
the operator (get, create, update: what its Role grants), never as a tenant.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from toollab import errors
from toollab.model import trial
from toollab.runner import actions, profiles
from toollab.runner.deps import Dependencies

LEASE_API = "coordination.k8s.io/v1"
LEASE_PREFIX = "toollab-tool-"


def lease_name(tool: str) -> str:
    """The Lease of a tool: a DNS name from the profile name."""
    return (LEASE_PREFIX + re.sub(r"[^a-z0-9-]", "-", tool.lower()))[:63].rstrip("-")


def holder_of(tool_trial: trial.ToolTrial) -> str:
    """What the Lease records: namespace/name/uid of the trial."""
    return holder_from(tool_trial.namespace, tool_trial.name, tool_trial.uid)


def holder_from(namespace: str, name: str, uid: str) -> str:
    """namespace/name/uid."""
    return f"{namespace}/{name}/{uid}"


def blocking_holder(
    action: actions.Action, tool_trial: trial.ToolTrial, *, deps: Dependencies, now: datetime
) -> str | None:
    """Before an install of a cluster-singleton profile: take its Lease; who holds it otherwise."""
    name = tool_trial.tool.profile
    known = profiles.known(name) if name else None
    if not isinstance(action, actions.Install) or known is None or not known.singleton:
        return None
    return acquire(deps, known.name, tool_trial, now=now)


def release_for_body(deps: Dependencies, body: Mapping[str, Any], *, now: datetime) -> None:
    """On a trial's deletion, once its tool is gone: give up the Lease if it held it."""
    tool, meta = profiles.profile_name(body), body.get("metadata") or {}
    if tool is not None:
        holder = holder_from(
            str(meta.get("namespace", "")), str(meta.get("name", "")), str(meta.get("uid", ""))
        )
        release(deps, tool, holder, now=now)


def acquire(deps: Dependencies, tool: str, tool_trial: trial.ToolTrial, *, now: datetime) -> str | None:
    """Take (or keep) the tool's Lease for this trial; the other holder's "namespace/name" when
    it is held by a live trial (then nothing changed)."""
    me = holder_of(tool_trial)
    lease = deps.cluster.get(LEASE_API, "Lease", name=lease_name(tool), namespace=deps.lease_namespace)
    if lease is None:
        deps.cluster.create(_lease(tool, me, now=now), namespace=deps.lease_namespace)
        return None
    holder = str((lease.get("spec") or {}).get("holderIdentity") or "")
    if holder == me:
        return None
    if holder and _alive(deps, holder):
        return "/".join(holder.split("/")[:2])
    _write(deps, lease, me, now=now)  # free, or its trial is gone: take it over
    return None


def release(deps: Dependencies, tool: str, holder: str, *, now: datetime) -> None:
    """Give the Lease up if `holder` has it (the next trial of the tool may install)."""
    lease = deps.cluster.get(LEASE_API, "Lease", name=lease_name(tool), namespace=deps.lease_namespace)
    if lease is not None and (lease.get("spec") or {}).get("holderIdentity") == holder:
        _write(deps, lease, "", now=now)


def waiting_message(tool: str, holder: str) -> str:
    """The Queued message of a trial waiting for the tool's Lease."""
    lease = lease_name(tool)
    return f"waiting for cluster-singleton tool {tool}: trial {holder} has it installed (Lease {lease})"


def _alive(deps: Dependencies, holder: str) -> bool:
    namespace, _, rest = holder.partition("/")
    name, _, uid = rest.partition("/")
    try:
        body = deps.cluster.get(trial.API_VERSION, trial.KIND, name=name, namespace=namespace)
    except errors.Forbidden:
        return True  # cannot tell: never take a Lease from a trial we cannot see
    return body is not None and (body.get("metadata") or {}).get("uid") == uid


def _lease(tool: str, holder: str, *, now: datetime) -> dict[str, Any]:
    return {
        "apiVersion": LEASE_API,
        "kind": "Lease",
        "metadata": {
            "name": lease_name(tool),
            "labels": {"toollab.dev/tool": lease_name(tool)[len(LEASE_PREFIX) :]},
        },
        "spec": {"holderIdentity": holder, "acquireTime": _micro(now), "renewTime": _micro(now)},
    }


def _write(deps: Dependencies, lease: Mapping[str, Any], holder: str, *, now: datetime) -> None:
    """PUT with the read resourceVersion: a Conflict (another pass won) is retried by the caller."""
    spec = dict(lease.get("spec") or {}) | {"holderIdentity": holder, "renewTime": _micro(now)}
    if holder:
        spec["acquireTime"] = _micro(now)
    deps.cluster.replace(dict(lease) | {"spec": spec}, namespace=deps.lease_namespace)


def _micro(now: datetime) -> str:
    """A Lease's MicroTime."""
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
