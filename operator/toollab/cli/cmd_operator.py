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
from toollab.handlers import config

log = logging.getLogger("toollab.operator")

# flag -> environment variable read by toollab.handlers.config
SETTINGS = {
    "max_concurrent_installs": "TOOLLAB_MAX_CONCURRENT_INSTALLS",
    "max_concurrent_steps": "TOOLLAB_MAX_CONCURRENT_STEPS",
    "workers": "TOOLLAB_WORKERS",
    "shard": "TOOLLAB_SHARD",
    "label_selector": "TOOLLAB_LABEL_SELECTOR",
    "lease_name": "TOOLLAB_LEASE_NAME",
    "lease_namespace": "TOOLLAB_LEASE_NAMESPACE",
    "lease_duration": "TOOLLAB_LEASE_DURATION",
    "metrics_address": "TOOLLAB_METRICS_ADDRESS",
}


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
    scale = parser.add_argument_group("concurrency (trials beyond these limits wait in phase Queued)")
    scale.add_argument(
        "--max-concurrent-installs",
        type=int,
        default=None,
        metavar="N",
        help=f"installs at once (default {config.DEFAULT_INSTALLS})",
    )
    scale.add_argument(
        "--max-concurrent-steps",
        type=int,
        default=None,
        metavar="M",
        help=f"step attempts at once (default {config.DEFAULT_STEPS})",
    )
    scale.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help=f"other passes at once: verdicts, cleanup, deletions (default {config.DEFAULT_WORKERS})",
    )
    shards = parser.add_argument_group("sharding (several operators split a lab)")
    shards.add_argument(
        "--shard",
        default=None,
        metavar="KEY",
        help="handle only trials labelled toollab.dev/shard=KEY (default: only trials without that label)",
    )
    shards.add_argument(
        "--label-selector",
        default=None,
        metavar="SELECTOR",
        help="handle only trials matching this label selector, e.g. 'team in (a,b)'",
    )
    ha = parser.add_argument_group("leader election (of several replicas, one acts)")
    ha.add_argument(
        "--leader-election",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="act only while holding a coordination.k8s.io Lease (default: on)",
    )
    ha.add_argument(
        "--lease-name", default=None, help="default: toollab-operator, suffixed per shard/namespaces"
    )
    ha.add_argument(
        "--lease-namespace", default=None, help="default: $POD_NAMESPACE, else the namespace `default`"
    )
    ha.add_argument(
        "--lease-duration",
        type=float,
        default=None,
        metavar="SECONDS",
        help="how long a lease lasts unrenewed before a standby takes over"
        f" (default {config.DEFAULT_LEASE_SECONDS:g})",
    )
    parser.add_argument(
        "--metrics-address",
        default=None,
        metavar="HOST:PORT",
        help="serve Prometheus metrics on http://HOST:PORT/metrics, e.g. 127.0.0.1:8081 (default: off)",
    )
    parser.add_argument(
        "--metrics-port",
        type=int,
        default=None,
        metavar="PORT",
        help="the same on every address: --metrics-address 0.0.0.0:PORT",
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
    settings["TOOLLAB_LEADER_ELECTION"] = "1" if args.leader_election else "0"
    settings["TOOLLAB_NAMESPACES"] = ";".join(args.namespace)  # the Lease's name tells scopes apart
    scale = {variable: getattr(args, name) for name, variable in SETTINGS.items()}
    settings.update({variable: str(value) for variable, value in scale.items() if value is not None})
    return settings


def run(args: argparse.Namespace) -> int:
    """Check that the operator can work, configure the environment and run Kopf until interrupted."""
    os.environ.update(environment_for(args))
    try:
        config.from_environment()  # a malformed flag is one line (exit 2) here, not a crash at start-up
    except errors.InputError as exc:
        raise main.UsageError(str(exc)) from exc
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
