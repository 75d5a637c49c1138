"""`toollab report`: the lab's scoreboard as a table, JSON, JUnit XML or a self-contained HTML page.

Reads ToolTrials from the cluster (as the kubeconfig's user) or, with `--input`, from a file such as
`kubectl get tooltrials -A -o yaml`. Only reads: never writes to the cluster. Heavy imports
(kubernetes, rich, jinja2) stay inside functions so that `toollab --help` stays fast.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from toollab import errors
from toollab.cli import connect, main
from toollab.cluster import kubeconfig as kubeconfigs
from toollab.reports import scoreboard  # pure and light: the defaults

FORMATS = ("table", "json", "junit", "html")
API_VERSION = "toollab.dev/v1alpha1"
KIND = "ToolTrial"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`[-n NS | -A] [--format F] [-o FILE] [--input FILE] [--kubeconfig PATH] [--context NAME]`."""
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument(
        "-n",
        "--namespace",
        metavar="NS",
        help="only trials in this namespace (default: the kubeconfig context's namespace)",
    )
    scope.add_argument("-A", "--all-namespaces", action="store_true", help="trials in every namespace")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table (default), json, junit (XML, one testsuite per trial) or html",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write the report to FILE instead of standard output"
    )
    parser.add_argument(
        "--input",
        metavar="FILE",
        help="read ToolTrials from a YAML or JSON file ('-' for standard input), not the cluster",
    )
    parser.add_argument(
        "--pickup-timeout",
        type=float,
        default=scoreboard.NOT_PICKED_UP_SECONDS,
        metavar="SECONDS",
        help="a trial with no status this long after its creation is 'not picked up' (default 60)",
    )
    parser.add_argument(
        "--compare",
        metavar="A,B[,...]",
        help="show these trials (NAME or NAMESPACE/NAME) side by side, grouped by category",
    )
    connect.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Read the trials, render them in the chosen format, write the result."""

    try:
        bodies = read_file(args.input, namespace=args.namespace) if args.input else read_cluster(args)
    except errors.InputError as exc:
        raise main.UsageError(str(exc)) from exc
    except errors.ToollabError as exc:
        print(f"toollab report: {describe_cluster_error(exc)}", file=sys.stderr)
        return 1
    now = datetime.datetime.now(datetime.UTC)
    rows = scoreboard.build_rows(bodies, now=now, pickup_seconds=args.pickup_timeout)
    compared = args.compare is not None
    if compared:
        from toollab.reports import compare

        try:
            rows = compare.select(rows, compare.parse_names(args.compare))
        except errors.InputError as exc:
            raise main.UsageError(str(exc)) from exc
    text = render(args.format, rows, color=wants_color(args), compared=compared)
    return write(text, args.output)


def read_file(path: str, *, namespace: str | None) -> list[Mapping[str, Any]]:
    """ToolTrials in a file (a List, a list, one object or a YAML stream), optionally of one namespace."""
    import yaml

    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise errors.InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        documents = (
            [json.loads(text)] if text.lstrip().startswith(("{", "[")) else list(yaml.safe_load_all(text))
        )
    except (ValueError, yaml.YAMLError) as exc:
        raise errors.InputError(f"{path} is neither YAML nor JSON: {str(exc).splitlines()[0]}") from exc
    trials = scoreboard.collect_trials(documents)
    if namespace:
        trials = [t for t in trials if (t.get("metadata") or {}).get("namespace") == namespace]
    return trials


def read_cluster(args: argparse.Namespace) -> list[Mapping[str, Any]]:
    """ToolTrials from the API server: one namespace, or all of them with -A."""
    namespace = (
        None
        if args.all_namespaces
        else (args.namespace or context_namespace(args.kubeconfig, context=args.context))
    )
    problem = connect.missing_kubeconfig(args.kubeconfig)
    if problem:
        raise errors.ClusterError(f"{problem}: pass --kubeconfig, or --input FILE to report offline")
    try:
        cluster = connect.open_cluster(args.kubeconfig, args.context)
        try:
            return list(cluster.list(API_VERSION, KIND, namespace=namespace))
        finally:
            cluster.close()
    except errors.ToollabError:
        raise
    except Exception as exc:  # e.g. the client's config errors: one line, never a traceback
        raise errors.ClusterError(f"cannot read ToolTrials from the cluster: {exc}") from exc


def context_namespace(kubeconfig: str | None, *, context: str | None = None) -> str:
    """The context's namespace (default: the current context's), as kubectl picks it; else "default"."""
    import yaml

    for path in kubeconfigs.kubeconfig_paths(kubeconfig):
        try:
            config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        current = context or (config.get("current-context") if isinstance(config, dict) else None)
        if not current:
            continue
        for entry in config.get("contexts") or ():
            if isinstance(entry, dict) and entry.get("name") == current:
                return str((entry.get("context") or {}).get("namespace") or "default")
    return "default"


def describe_cluster_error(exc: errors.ToollabError) -> str:
    """One line for the user, with the fix when we know it."""
    if isinstance(exc, errors.UnknownKind):
        return "the ToolTrial CRD is not installed in this cluster (kubectl apply -f crds/)"
    if isinstance(exc, errors.Forbidden):
        return f"not allowed to list ToolTrials: {exc}"
    return str(exc)


def render(fmt: str, rows: list[Any], *, color: bool, compared: bool = False) -> str:
    """The report text in one of FORMATS; `compared`: the rows are --compare's candidates."""

    if fmt == "json":
        from toollab.reports import trials_json

        return trials_json.render_json(rows)
    if fmt == "junit":
        from toollab.reports import trials_junit

        return trials_junit.render_junit(rows)
    if fmt == "html":
        from toollab.reports import html

        now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        return html.render_html(rows, generated_at=now, compared=compared)
    if compared:
        from toollab.reports import compare

        return compare.render_text(rows)
    from toollab.reports import table

    return table.render_table(rows, color=color)


def wants_color(args: argparse.Namespace) -> bool:
    """Colour only for a table on a terminal, and never with NO_COLOR set (no-color.org)."""
    if args.format != "table" or args.output or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def write(text: str, output: str | None) -> int:
    """Print, or write the file; a file that cannot be written is a failure in one line."""
    if not output or output == "-":
        sys.stdout.write(text)
        return 0
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"toollab report: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {output}", file=sys.stderr)
    return 0
