"""Operator settings read from the environment (set by `toollab operator` flags).

Pure: reads os.environ only; no kopf, no client. Paths are made absolute (helm runs elsewhere);
malformed values raise `errors.InputError`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from toollab import errors
from toollab.cluster import kubeconfig as kubeconfigs
from toollab.engine import sharding
from toollab.model import selectors

DEFAULT_INSTALLS = 10  # as Flux's helm-controller: more only overloads the API server
DEFAULT_STEPS = 20
DEFAULT_WORKERS = 8  # bookkeeping, verdicts, cleanup, deletions
DEFAULT_LEASE_SECONDS = 15.0


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
    max_installs: int = DEFAULT_INSTALLS
    max_steps: int = DEFAULT_STEPS
    workers: int = DEFAULT_WORKERS
    selector: selectors.Selector = selectors.EVERYTHING
    namespaces: tuple[str, ...] = ()
    leader_election: bool = True
    lease_name: str = sharding.LEASE_NAME
    lease_namespace: str = "default"
    lease_seconds: float = DEFAULT_LEASE_SECONDS
    metrics_address: str | None = None
    identity: str = ""


def from_environment() -> OperatorConfig:
    """TOOLLAB_* variables (see `toollab operator --help`), POD_NAMESPACE and HOSTNAME; the kubeconfig
    is TOOLLAB_KUBECONFIG, else the first $KUBECONFIG entry."""
    env = os.environ
    selector = sharding.selector_for(
        env.get("TOOLLAB_SHARD") or None, env.get("TOOLLAB_LABEL_SELECTOR") or None
    )
    namespaces = tuple(n for n in env.get("TOOLLAB_NAMESPACES", "").split(";") if n)
    return OperatorConfig(
        default_service_account=env.get("TOOLLAB_DEFAULT_SERVICE_ACCOUNT") or None,
        allow_http=_flag(env.get("TOOLLAB_ALLOW_HTTP", "")),
        helm_path=env.get("TOOLLAB_HELM", "helm"),
        kubeconfig=kubeconfigs.first_path(env.get("TOOLLAB_KUBECONFIG")),
        context=env.get("TOOLLAB_CONTEXT") or None,
        tenant_role=env.get("TOOLLAB_TENANT_ROLE") or None,
        max_installs=_count("TOOLLAB_MAX_CONCURRENT_INSTALLS", DEFAULT_INSTALLS),
        max_steps=_count("TOOLLAB_MAX_CONCURRENT_STEPS", DEFAULT_STEPS),
        workers=_count("TOOLLAB_WORKERS", DEFAULT_WORKERS),
        selector=selector,
        namespaces=namespaces,
        leader_election=_flag(env.get("TOOLLAB_LEADER_ELECTION", "1")),
        lease_name=env.get("TOOLLAB_LEASE_NAME") or sharding.lease_name_for(namespaces, selector),
        lease_namespace=env.get("TOOLLAB_LEASE_NAMESPACE") or env.get("POD_NAMESPACE") or "default",
        lease_seconds=_seconds("TOOLLAB_LEASE_DURATION", DEFAULT_LEASE_SECONDS),
        metrics_address=_metrics_address(env),
        kube_score=env.get("TOOLLAB_KUBE_SCORE", "kube-score"),
        identity=env.get("HOSTNAME") or os.uname().nodename,
    )


def _metrics_address(env: Mapping[str, str]) -> str | None:
    """--metrics-address HOST:PORT, else --metrics-port PORT on every address."""
    port = env.get("TOOLLAB_METRICS_PORT", "").strip()
    if port and not port.isdigit():
        raise errors.InputError(f"--metrics-port (TOOLLAB_METRICS_PORT) {port!r}: expected a port number")
    return env.get("TOOLLAB_METRICS_ADDRESS") or (f"0.0.0.0:{port}" if port else None)


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _flag_of(variable: str) -> str:
    """TOOLLAB_MAX_CONCURRENT_INSTALLS -> --max-concurrent-installs (TOOLLAB_MAX_CONCURRENT_INSTALLS)."""
    return "--" + variable.removeprefix("TOOLLAB_").lower().replace("_", "-") + f" ({variable})"


def _count(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise errors.InputError(f"{_flag_of(name)} {text!r}: expected a whole number of at least 1")
    return int(text)


def _seconds(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    try:
        value = float(text) if text else default
    except ValueError:
        value = 0.0
    if value < 1.0:
        raise errors.InputError(f"{_flag_of(name)} {text!r}: expected seconds, at least 1")
    return value
