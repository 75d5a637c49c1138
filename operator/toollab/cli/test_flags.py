"""The flags of `toollab test`: kuttl's `test` flags, how they override the suite, and the refused ones.

Parses text only; never reads test files or talks to the cluster.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any

from toollab.cli import connect, main
from toollab.suites.core import deleting
from toollab.suites.kuttl import model


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """kuttl's `test` flags that make sense against an existing cluster."""
    parser.add_argument("dirs", nargs="*", metavar="DIR", help="test dirs, or a dir holding kuttl-test.yaml")
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="a kuttl-test.yaml TestSuite (paths relative to here), or a Chainsaw Configuration",
    )
    parser.add_argument("--timeout", type=positive, metavar="S", help="seconds per step (default 30)")
    parser.add_argument("--parallel", type=positive, metavar="N", help="test cases at once (default 8)")
    parser.add_argument("--namespace", metavar="NS", help="use this namespace for every test case")
    parser.add_argument("--skip-delete", action="store_true", help="keep namespaces and objects afterwards")
    parser.add_argument("--report", choices=["junit", "xml", "json"], type=str.lower, help="write a report")
    parser.add_argument("--report-name", metavar="NAME", help="report file name (default kuttl-report)")
    parser.add_argument(
        "--report-granularity",
        choices=["step", "test", "operation"],
        help="a testcase per step (default), per test, or per Chainsaw operation",
    )
    parser.add_argument("--artifacts-dir", metavar="DIR", help="where the report goes (default: here)")
    parser.add_argument(
        "--template-var",
        action="append",
        default=[],
        metavar="K=V",
        help="a value for {{ .Vars.K }} (repeatable)",
    )
    parser.add_argument("--test", action="append", default=[], metavar="NAME", help="run only this test case")
    parser.add_argument(
        "--test-run-labels", metavar="K=V,...", help="labels of this run, for TestFile testRunSelector"
    )
    parser.add_argument("--crd-dir", metavar="DIR", help="CRDs applied (and waited for) before the tests")
    parser.add_argument(
        "--manifest-dir",
        action="append",
        default=[],
        metavar="DIR",
        help="manifests applied before the tests",
    )
    parser.add_argument(
        "--namespace-deletion",
        choices=list(deleting.NAMESPACE_MODES),
        default="auto",
        help="who empties a finished case's namespace: toollab itself when the control plane runs one"
        " API server (auto), toollab on any cluster (fast), or the namespace controller, 5 s or more"
        " per namespace (controller, as kuttl)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="full failure text and command output")
    for flag in CLUSTER_FLAGS:  # kuttl starts clusters; toollab answers these with one line
        parser.add_argument(flag, nargs="?", const=True, default=None, help=argparse.SUPPRESS)
    connect.add_arguments(parser)


CLUSTER_FLAGS = (
    "--start-control-plane",
    "--start-kind",
    "--kind-config",
    "--kind-context",
    "--kind-nodecache",
    "--skip-cluster-delete",
    "--control-plane-config",
    "--attach-control-plane-output",
)


def refuse_cluster_flags(args: argparse.Namespace) -> None:
    """kuttl's cluster-starting flags: one clear line, exit 2."""
    for flag in CLUSTER_FLAGS:
        if getattr(args, flag[2:].replace("-", "_")) is not None:
            raise main.UsageError(
                f"{flag}: toollab does not start clusters, it tests against the current one;"
                " use make cluster (or any cluster) and --kubeconfig/--context"
            )


def apply_flags(suite: model.Suite, args: argparse.Namespace) -> model.Suite:
    """Command-line flags override the suite file, as in kuttl."""
    from toollab.suites.kuttl import config

    changes: dict[str, Any] = {}
    for flag, name in (("timeout", "timeout"), ("parallel", "parallel"), ("report_name", "report_name")):
        if getattr(args, flag) is not None:
            changes[name] = getattr(args, flag)
    if args.namespace is not None:
        if not args.namespace.strip():
            raise main.UsageError("--namespace must not be empty")
        changes["namespace"] = args.namespace
    if args.skip_delete:
        changes["skip_delete"] = True
    if args.report:
        changes["report_format"] = config.parse_report_format(args.report, where="--report")
    if args.report_granularity:
        changes["report_granularity"] = args.report_granularity
    if args.artifacts_dir:
        changes["artifacts_dir"] = str(Path(args.artifacts_dir).absolute())
    if args.test:
        changes["test_names"] = tuple(args.test)
    if args.test_run_labels:
        changes["run_labels"] = parse_labels(args.test_run_labels)
    if args.crd_dir:
        changes["crd_dir"] = str(Path(args.crd_dir).absolute())
    if args.manifest_dir:
        changes["manifest_dirs"] = tuple(str(Path(d).absolute()) for d in args.manifest_dir)
    return dataclasses.replace(suite, **changes)


def parse_labels(value: str) -> dict[str, str]:
    """`k=v,k2=v2` (kuttl's --test-run-labels); UsageError for a pair without `=`."""
    labels: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in value.split(","))):
        key, sep, label = pair.partition("=")
        if not sep or not key.strip():
            raise main.UsageError(f"--test-run-labels {pair!r}: expected KEY=VALUE")
        labels[key.strip()] = label.strip()
    return labels


def parse_template_vars(values: list[str]) -> dict[str, Any]:
    """`K=V` pairs (comma-separated or repeated); each value is read as YAML, as kuttl does."""
    import yaml

    variables: dict[str, Any] = {}
    for value in values:
        for pair in value.split(","):
            name, sep, raw = pair.partition("=")
            if not sep or not name.strip():
                raise main.UsageError(f"--template-var {pair!r}: expected NAME=VALUE")
            try:
                variables[name.strip()] = yaml.safe_load(raw) if raw else ""
            except yaml.YAMLError as exc:
                raise main.UsageError(f"--template-var {name}: value is not valid YAML") from exc
    return variables


def positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value!r}")
    return number
