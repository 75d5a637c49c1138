"""Operator settings read from the environment (set by `toollab operator` flags).

Pure: reads os.environ only; no kopf, no client. Paths are made absolute (helm runs elsewhere).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from toollab.cluster import kubeconfig as kubeconfigs


@dataclass(frozen=True)
class OperatorConfig:
    """What an operator process was started with."""

    default_service_account: str | None
    allow_http: bool
    helm_path: str
    kubeconfig: str | None  # the file the operator's clients read; None: $KUBECONFIG, then in-cluster
    context: str | None = None  # a context of that file; None: its current one
    tenant_role: str | None = None  # ClusterRole granted in target namespaces the operator creates
    kube_score: str = "kube-score"  # the scorecard's workload checker
    metrics_port: int | None = None  # serve Prometheus metrics on this port


def _flag(name: str) -> bool:
    return os.environ.get(name, "") in {"1", "true", "yes"}


def from_environment() -> OperatorConfig:
    """TOOLLAB_* settings; the kubeconfig is TOOLLAB_KUBECONFIG, else the first $KUBECONFIG entry."""
    return OperatorConfig(
        default_service_account=os.environ.get("TOOLLAB_DEFAULT_SERVICE_ACCOUNT") or None,
        allow_http=_flag("TOOLLAB_ALLOW_HTTP"),
        helm_path=os.environ.get("TOOLLAB_HELM", "helm"),
        kubeconfig=kubeconfigs.first_path(os.environ.get("TOOLLAB_KUBECONFIG")),
        context=os.environ.get("TOOLLAB_CONTEXT") or None,
        tenant_role=os.environ.get("TOOLLAB_TENANT_ROLE") or None,
        kube_score=os.environ.get("TOOLLAB_KUBE_SCORE", "kube-score"),
        metrics_port=int(os.environ["TOOLLAB_METRICS_PORT"])
        if os.environ.get("TOOLLAB_METRICS_PORT")
        else None,
    )
