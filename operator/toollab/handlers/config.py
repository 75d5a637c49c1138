"""Operator settings read from the environment (set by `toollab operator` flags).

Pure: reads os.environ only; no kopf, no client.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class OperatorConfig:
    """What an operator process was started with."""

    default_service_account: str | None
    allow_http: bool
    helm_path: str
    kubeconfig: str | None


def from_environment() -> OperatorConfig:
    """TOOLLAB_DEFAULT_SERVICE_ACCOUNT, TOOLLAB_ALLOW_HTTP, TOOLLAB_HELM, KUBECONFIG."""
    return OperatorConfig(
        default_service_account=os.environ.get("TOOLLAB_DEFAULT_SERVICE_ACCOUNT") or None,
        allow_http=os.environ.get("TOOLLAB_ALLOW_HTTP", "") in {"1", "true", "yes"},
        helm_path=os.environ.get("TOOLLAB_HELM", "helm"),
        kubeconfig=os.environ.get("KUBECONFIG") or None,
    )
