"""`toollab assert`: check assert (or errors) files against the cluster or a file of objects.

Either dialect: `kuttl` (KUTTL's subset rule) or `chainsaw` (assertion trees with JMESPath, with
`$namespace` bound to `--namespace`; an expression that cannot be evaluated fails at once).
Exit 0 pass; 1 fail, with the failure text on stdout; 2 bad input, one line on stderr. Heavy
modules (yaml, the kubernetes client) are imported inside `run`, so `toollab --help` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from toollab import errors
from toollab.assertions import dialect as dialects
from toollab.assertions import verdict
from toollab.cli import connect, main
from toollab.cluster import port

DEFAULT_TIMEOUT = 30.0  # seconds, as KUTTL


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags: dialect, namespace, errors, timeout, actual, verbose, kubeconfig and context."""
    parser.add_argument("files", nargs="+", metavar="FILE", help="YAML files of expected objects")
    parser.add_argument(
        "--dialect",
        choices=["kuttl", "chainsaw"],
        default="kuttl",
        help="kuttl: KUTTL's subset rule (default); chainsaw: assertion trees with JMESPath",
    )
    parser.add_argument(
        "--namespace",
        default="default",
        metavar="NS",
        help="test namespace, for namespaced kinds without one",
    )
    parser.add_argument(
        "--errors", action="store_true", help="errors-file semantics: pass when nothing matches"
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="live: retry until every object passes (default 30)",
    )
    parser.add_argument(
        "--actual", metavar="OBJECTS.yaml", help="check these objects offline, without retrying"
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="show every mismatch, diff and candidate"
    )
    connect.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Load the files, check once (offline) or until pass or timeout (live), print the verdict."""
    from toollab.reports import text

    try:
        dialect = dialects.Dialect(args.dialect)
        expected = _load_expected(args.files, dialect=dialect)
        outcome, attempts = _check(args, expected, dialect)
    except (errors.InputError, errors.EvaluationError, errors.SpecError) as exc:
        raise main.UsageError(connect.one_line(exc)) from exc
    except errors.ClusterError as exc:
        print(f"toollab assert: error: {connect.one_line(exc)}", file=sys.stderr)
        return 1
    if outcome.passed:
        print(f"passed: {_count(len(expected), 'document')} ({_count(attempts, 'attempt')})")
        return 0
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    shown = text.format_outcome(outcome, verbose=args.verbose, color=color)
    print(shown)
    if not args.verbose and shown != text.format_outcome(outcome, verbose=True, color=color):
        print("(-v shows every mismatch, diff line and candidate)")
    failed = f"{len(outcome.failures)} of {_count(len(expected), 'document')}"
    print(f"failed: {failed} ({_count(attempts, 'attempt')})")
    return 1


def _check(
    args: argparse.Namespace, expected: list[dict[str, Any]], dialect: dialects.Dialect
) -> tuple[verdict.StepOutcome, int]:
    """One round against `--actual`, or rounds against the live cluster until pass or timeout."""
    from toollab.suites.core import checking, polling, resolving

    cluster = (
        _offline_cluster(args.actual, args.namespace)
        if args.actual
        else connect.live_cluster(args.kubeconfig, args.context)
    )
    asserts, errors_docs = ([], expected) if args.errors else (expected, [])
    scope = dialects.Scope.of_namespace(args.namespace, resolving.ClusterResolver(cluster))

    def check() -> verdict.StepOutcome:
        return checking.check_round(
            cluster,
            asserts=asserts,
            errors=errors_docs,
            namespace=args.namespace,
            dialect=dialect,
            scope=scope,
        )

    if args.actual:
        return check(), 1
    try:
        return polling.poll(check, timeout=args.timeout)
    finally:
        connect.close(cluster)


def _load_expected(paths: list[str], *, dialect: dialects.Dialect) -> list[dict[str, Any]]:
    """The documents to check; a chainsaw document may lack a kind, and must compile."""
    from toollab.assertions import documents

    chainsaw = dialect is dialects.Dialect.CHAINSAW
    expected = []
    for path in paths:
        for number, obj in enumerate(
            documents.load_documents(_read(path), source=path, require_kind=not chainsaw)
        ):
            try:
                dialects.check_syntax(obj, dialect=dialect)
            except errors.EvaluationError as exc:
                raise errors.InputError(f"{path}: document {number + 1}: {exc}") from exc
            expected.append(obj)
    if not expected:
        raise errors.InputError(f"no objects to check in {', '.join(paths)}")
    return expected


def _offline_cluster(path: str, namespace: str) -> port.Cluster:
    from toollab.assertions import documents
    from toollab.cluster import objects

    try:
        return objects.ObjectsCluster(
            documents.load_documents(_read(path), source=path), default_namespace=namespace
        )
    except errors.InputError as exc:
        raise errors.InputError(f"{path}: {exc}") from exc


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise errors.InputError(f"{path}: not UTF-8 text") from exc
    except OSError as exc:
        raise errors.InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if seconds < 0 or seconds != seconds or seconds == float("inf"):
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}")
    return seconds


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
