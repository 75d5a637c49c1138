"""The demo lab's identities, as on a real cluster: the shipped operator RBAC and the example tenant.

Standard library only (it drives kubectl). The demo's operator runs with a token of the
`toollab-operator` ServiceAccount and the Deployment's arguments, never as the cluster admin;
the demo trials act as `lab-runner` from manifests/tenant-example/, with its opt-in rights for
cluster-scoped tools (the example charts create ClusterRoles, a CRD and a webhook).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

OPERATOR_FILES = ("namespace.yaml", "serviceaccount.yaml", "rbac.yaml")  # manifests/ minus the Deployment
OPERATOR_NAMESPACE, OPERATOR_ACCOUNT = "toollab-system", "toollab-operator"
TOKEN_DURATION = "720h"  # the demo lab lives at most this long without `make demo` renewing it
# The Deployment's arguments (manifests/deployment.yaml; tests/unit/localcluster keeps them equal),
# but its fixed metrics port.
SHIPPED_ARGS = (
    "--max-concurrent-installs=10",
    "--default-service-account=default",
    "--tenant-role=toollab-tenant",
)

Run = Callable[..., str]


def apply_rbac(root: Path, *, run: Run, kubectl: str) -> None:
    """The operator's ServiceAccount and RBAC, the tenant role, and the example tenant with cluster tools."""
    manifests = root / "manifests"
    files = [arg for name in OPERATOR_FILES for arg in ("-f", str(manifests / name))]
    run([kubectl, "apply", *files])
    run([kubectl, "apply", "-k", str(manifests / "tenant-example")])
    run([kubectl, "apply", "-f", str(manifests / "tenant-example" / "cluster-tools.yaml")])


def token_kubeconfig(admin: dict[str, Any], token: str) -> dict[str, Any]:
    """The admin's flattened kubeconfig (`kubectl config view --raw --minify --flatten -o json`),
    authenticating with `token` as the operator's ServiceAccount instead."""
    contexts = [dict(c) for c in admin.get("contexts") or [] if isinstance(c, dict)]
    for entry in contexts:
        entry["context"] = {**dict(entry.get("context") or {}), "user": OPERATOR_ACCOUNT}
    return {
        **admin,
        "users": [{"name": OPERATOR_ACCOUNT, "user": {"token": token}}],
        "contexts": contexts,
    }


def write_operator_kubeconfig(where: Path, *, run: Run, kubectl: str) -> Path:
    """A kubeconfig with a fresh token of the operator's ServiceAccount (TokenRequest), in `where`."""
    token = run(
        [
            kubectl,
            "create",
            "token",
            OPERATOR_ACCOUNT,
            "-n",
            OPERATOR_NAMESPACE,
            f"--duration={TOKEN_DURATION}",
        ]
    ).strip()
    admin = json.loads(run([kubectl, "config", "view", "--raw", "--minify", "--flatten", "-o", "json"]))
    path = where / "operator-kubeconfig"
    path.touch(mode=0o600)
    path.write_text(json.dumps(token_kubeconfig(admin, token), indent=2))  # JSON is valid kubeconfig YAML
    return path


def operator_args(kubeconfig: Path) -> Sequence[str]:
    """`toollab operator` arguments that make it the shipped operator (its Lease where the shipped
    Role allows it, as POD_NAMESPACE does in the Deployment)."""
    return ["--kubeconfig", str(kubeconfig), "--lease-namespace", OPERATOR_NAMESPACE, *SHIPPED_ARGS]
