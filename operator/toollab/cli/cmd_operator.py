"""`toollab operator`: run the ToolTrial operator (Kopf) against the current KUBECONFIG.

Flags become environment settings read by `toollab.handlers.config`; Kopf is imported lazily.
Start-up checks (`preflight`) run first: a failure is one line and exit status 2, no traceback.
"""

from __future__ import annotations

import argparse
import logging
import os

import toollab
from toollab import errors, logs
from toollab.cli import connect, main, preflight

log = logging.getLogger("toollab.operator")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of `toollab operator`."""
    parser.add_argument(
        "--namespace",
        "-n",
        action="append",
        default=[],
        help="watch only this namespace (repeatable); default: all namespaces",
    )
    parser.add_argument(
        "--default-service-account",
        default=os.environ.get("TOOLLAB_DEFAULT_SERVICE_ACCOUNT"),
        help="ServiceAccount (in the trial's namespace) to impersonate when a trial names none",
    )
    parser.add_argument(
        "--allow-http",
        action="store_true",
        default=os.environ.get("TOOLLAB_ALLOW_HTTP", "") in {"1", "true", "yes"},
        help="allow plain http:// chart repositories and manifest URLs",
    )
    parser.add_argument(
        "--tenant-role",
        default=os.environ.get("TOOLLAB_TENANT_ROLE"),
        metavar="CLUSTERROLE",
        help="bind this ClusterRole to a trial's spec.serviceAccountName in each target namespace "
        "the operator creates (the shipped manifests use toollab-tenant)",
    )
    parser.add_argument("--helm", default=os.environ.get("TOOLLAB_HELM", "helm"), help="the helm binary")
    parser.add_argument(
        "--kube-score",
        default=os.environ.get("TOOLLAB_KUBE_SCORE", "kube-score"),
        metavar="PATH",
        help="the kube-score binary for the scorecard (missing: the scorecard says it is unavailable)",
    )
    parser.add_argument(
        "--liveness",
        default=None,
        metavar="URL",
        help="serve a liveness endpoint, e.g. http://0.0.0.0:8080/healthz",
    )
    parser.add_argument(
        "--metrics-port",
        type=int,
        default=None,
        metavar="PORT",
        help="serve Prometheus metrics (toollab_trial_regressed, ...) on this port at /metrics",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="debug logging")
    parser.add_argument(
        "--log-format",
        choices=logs.FORMATS,
        default=os.environ.get("TOOLLAB_LOG_FORMAT") or "text",
        help="text (default) or json: one object per line, for log pipelines",
    )
    connect.add_arguments(parser)


def environment_for(args: argparse.Namespace) -> dict[str, str]:
    """The TOOLLAB_* settings the handlers read (`toollab.handlers.config`), from the flags."""
    settings = {
        "TOOLLAB_ALLOW_HTTP": "1" if args.allow_http else "",
        "TOOLLAB_HELM": args.helm,
        "TOOLLAB_KUBE_SCORE": args.kube_score,
    }
    optional = {
        "TOOLLAB_DEFAULT_SERVICE_ACCOUNT": args.default_service_account,
        "TOOLLAB_TENANT_ROLE": args.tenant_role,
        "TOOLLAB_KUBECONFIG": args.kubeconfig,
        "TOOLLAB_CONTEXT": args.context,
        "TOOLLAB_METRICS_PORT": None if args.metrics_port is None else str(args.metrics_port),
    }
    settings.update({name: value for name, value in optional.items() if value})
    return settings


def run(args: argparse.Namespace) -> int:
    """Check that the operator can work, configure the environment and run Kopf until interrupted."""
    os.environ.update(environment_for(args))
    logs.configure(fmt=args.log_format, verbose=args.verbose)
    user = check_start(args)
    import kopf

    import toollab.handlers  # noqa: F401  # registers the handlers

    log.info("%s", describe_start(args, user))
    kopf.run(
        standalone=True,
        clusterwide=not args.namespace,
        namespaces=args.namespace,
        liveness_endpoint=args.liveness,
    )
    return 0


def check_start(args: argparse.Namespace) -> str:
    """The start-up checks; the identity the operator runs as. A failure is a UsageError (exit 2)."""
    try:
        cluster = connect.open_cluster(args.kubeconfig, args.context)
    except errors.ToollabError as exc:
        raise main.UsageError(connect.one_line(exc)) from exc
    try:
        return preflight.check(cluster, namespaces=args.namespace)
    except preflight.StartupError as exc:
        raise main.UsageError(str(exc)) from exc
    finally:
        cluster.close()


def describe_start(args: argparse.Namespace, user: str) -> str:
    """The first line of the log: version, what is watched, as whom, and the trial defaults."""
    where = "namespaces " + ", ".join(args.namespace) if args.namespace else "all namespaces"
    default = args.default_service_account or "(none: the operator itself)"
    role = args.tenant_role or "(none)"
    return (
        f"toollab {toollab.__version__} operator watching {where} as {user}; "
        f"default ServiceAccount {default}; tenant role {role}; http repositories "
        f"{'allowed' if args.allow_http else 'refused'}"
    )
