"""Pinned versions of the local control plane's tools, and where they are cached.

Pure data and path arithmetic: no processes, no network. Standard library only, because
`make tools` runs before any virtualenv exists.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

KUBERNETES = "1.36.3"
ETCD = "3.6.14"
KWOK = "0.8.0"
HELM = "3.21.4"
KUBE_SCORE = "1.20.0"  # the scorecard's workload checker; optional (see OPTIONAL_TOOLS)
ACTIONLINT = "1.7.12"  # the workflow linter the tests use; optional (see OPTIONAL_TOOLS)
KUTTL = "0.26.0"  # kubectl-kuttl, only for `make bench` (see BENCH_TOOLS)
GO_DIRECTIVE = "1.26.0"

# Staging modules of k8s.io/kubernetes v1.36.x; each is replaced by its v0.36.x tag, because
# kubernetes' own go.mod points them at ./staging (kubernetes/kubernetes#79384).
STAGING_MODULES = (
    "api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider "
    "cluster-bootstrap code-generator component-base component-helpers controller-manager "
    "cri-api cri-client cri-streaming csi-translation-lib dynamic-resource-allocation "
    "endpointslice externaljwt kms kube-aggregator kube-controller-manager kube-proxy "
    "kube-scheduler kubectl kubelet metrics mount-utils pod-security-admission "
    "sample-apiserver sample-cli-plugin sample-controller streaming"
).split()

CONTROL_PLANE_BINARIES = ("kube-apiserver", "kube-controller-manager", "kube-scheduler")


@dataclass(frozen=True)
class Tool:
    """One binary in the cache and the text its `--version` must contain."""

    name: str
    version_args: tuple[str, ...]
    expected: str


TOOLS = (
    Tool("etcd", ("--version",), f"etcd Version: {ETCD}"),
    Tool("kube-apiserver", ("--version",), f"Kubernetes v{KUBERNETES}"),
    Tool("kube-controller-manager", ("--version",), f"Kubernetes v{KUBERNETES}"),
    Tool("kube-scheduler", ("--version",), f"Kubernetes v{KUBERNETES}"),
    Tool("kwok", ("--version",), f"{KWOK}"),
    Tool("helm", ("version", "--short"), f"v{HELM}"),
)

# Built into the same folder, but not part of its name: a trial runs without them (the scorecard
# reports the checker as unavailable), and adding one must not rebuild the control plane.
OPTIONAL_TOOLS = (
    Tool("kube-score", ("version",), f"kube-score version: {KUBE_SCORE},"),
    Tool("actionlint", ("-version",), ACTIONLINT),  # without it, only the workflow lint test skips
)

# Built only by `make tools-bench`: the upstream tools `make bench` compares toollab with.
BENCH_TOOLS = (Tool("kubectl-kuttl", ("version",), f"v{KUTTL}"),)


def tools_root() -> Path:
    """The cache outside the repository (override with TOOLLAB_TOOLS)."""
    override = os.environ.get("TOOLLAB_TOOLS")
    if override:
        return Path(override)
    return Path.home() / ".cache" / "toollab" / "tools"


def bin_dir() -> Path:
    """Binaries of exactly these pins; a bump starts in a new, empty folder."""
    return tools_root() / f"bin-k8s{KUBERNETES}-etcd{ETCD}-kwok{KWOK}-helm{HELM}"


def kube_minor() -> str:
    """The minor number of the Kubernetes pin, e.g. '36'."""
    return KUBERNETES.split(".")[1]
