"""`toollab test DIR...`: run KUTTL suites and Chainsaw tests unmodified against the current cluster.

DIR is a test dir (each subdirectory a test case) or a directory holding `kuttl-test.yaml`;
any folder under it holding a `chainsaw-test.yaml` is a Chainsaw test, so a folder mixing the
two formats runs both. Exit 0 when every test passes, 1 otherwise, 2 for bad input (one line,
no traceback). The kubernetes client is imported inside `run`, so `toollab --help` stays fast.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toollab import errors
from toollab.cli import connect, main

if TYPE_CHECKING:  # imported for real inside `run`, to keep `toollab --help` fast
    from toollab.cluster import kube
    from toollab.reports import suite_results
    from toollab.suites.chainsaw import model as chainsaw_model
    from toollab.suites.kuttl import harness
from toollab.suites.kuttl import model


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """kuttl's `test` flags that make sense against an existing cluster."""
    parser.add_argument("dirs", nargs="*", metavar="DIR", help="test dirs, or a dir holding kuttl-test.yaml")
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="a kuttl-test.yaml TestSuite (paths relative to here), or a Chainsaw Configuration",
    )
    parser.add_argument("--timeout", type=_positive, metavar="S", help="seconds per step (default 30)")
    parser.add_argument("--parallel", type=_positive, metavar="N", help="test cases at once (default 8)")
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
    parser.add_argument("-v", "--verbose", action="store_true", help="full failure text and command output")
    connect.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Load every KUTTL case and Chainsaw test, run them, write the report; the exit status."""
    from toollab.cli import chainsaw_tests
    from toollab.suites.kuttl import harness

    try:
        tests = chainsaw_tests.load(args.dirs)
        chainsaw_config = chainsaw_tests.is_configuration(args.config)
        if tests or chainsaw_config:
            args = argparse.Namespace(**{**vars(args), "dirs": chainsaw_tests.kuttl_dirs(args.dirs)})
        suite = build_suite(args, allow_empty=bool(tests) or chainsaw_config)
        variables = parse_template_vars(args.template_var)
        cases = harness.load_cases(suite, variables=variables, rng=random.Random())
    except (errors.InputError, errors.SpecError) as exc:
        raise main.UsageError(connect.one_line(exc)) from exc
    if tests and not cases and suite.report_name == model.Suite(test_dirs=()).report_name:
        suite = dataclasses.replace(suite, report_name=chainsaw_tests.REPORT_NAME)
    _warn([*suite.warnings, *(w for case in cases for w in case.warnings)])
    if args.verbose:
        _warn([note for case in cases for note in case.notes], prefix="note")
    cluster = connect.live_cluster(args.kubeconfig, args.context)
    runtime = harness.Runtime(
        cluster=cluster,
        emit=lambda line: print(line, flush=True),
        clock=time.monotonic,
        sleep=time.sleep,
        kubeconfig=connect.child_kubeconfig(args.kubeconfig, args.context),
        verbose=args.verbose,
    )
    try:
        result = _run_both(suite, cases, tests, args=args, runtime=runtime, cluster=cluster)
    except errors.InputError as exc:
        raise main.UsageError(connect.one_line(exc)) from exc
    finally:
        connect.close(cluster)
    try:
        path = harness.write_report(result, suite)
    except errors.InputError as exc:
        raise main.UsageError(connect.one_line(exc)) from exc
    if path is not None:
        print(f"report: {path}")
    return 0 if result.passed else 1


def _run_both(
    suite: model.Suite,
    cases: list[model.TestCase],
    tests: list[chainsaw_model.Test],
    *,
    args: argparse.Namespace,
    runtime: harness.Runtime,
    cluster: kube.KubeCluster,
) -> suite_results.SuiteResult:
    """The KUTTL cases (when there are any, or nothing else), then the Chainsaw tests: one result."""
    from toollab.cli import chainsaw_tests
    from toollab.reports import suite_results
    from toollab.suites.kuttl import harness

    started, t0 = runtime.now(), runtime.clock()
    if not tests:
        return harness.run_suite(suite, cases, runtime)
    kuttl = harness.run_suite(suite, cases, runtime) if cases else None
    ran = chainsaw_tests.run(tests, args=args, cluster=cluster, kubeconfig=runtime.kubeconfig)
    both = (*(kuttl.cases if kuttl else ()), *ran)
    result = suite_results.SuiteResult(
        suite.name, started, runtime.clock() - t0, both, kuttl.failure if kuttl else ""
    )
    runtime.emit(harness.summary_line(result))
    return result


def build_suite(args: argparse.Namespace, *, allow_empty: bool = False) -> model.Suite:
    """The suite to run: `--config`, a DIR holding kuttl-test.yaml, ./kuttl-test.yaml, or plain DIRs.

    `allow_empty`: Chainsaw tests were found, so a suite without KUTTL test dirs is fine.
    """
    from toollab.cli import chainsaw_tests
    from toollab.suites.kuttl import loading

    dirs = [Path(d) for d in args.dirs]
    suite_dirs = [d for d in dirs if loading.is_suite_dir(d)]
    if args.config and chainsaw_tests.is_configuration(args.config):
        suite = model.Suite(test_dirs=tuple(args.dirs))
    elif args.config:
        suite = _override_dirs(loading.load_suite(args.config, base_dir=Path(".")), args.dirs)
    elif suite_dirs and len(dirs) > 1:
        raise main.UsageError(f"{suite_dirs[0]} holds {loading.SUITE_FILE}: pass it alone, or use --config")
    elif suite_dirs:
        suite = loading.load_suite(suite_dirs[0])
    elif Path(loading.SUITE_FILE).is_file():  # kuttl reads ./kuttl-test.yaml when there is no --config
        suite = _override_dirs(loading.load_suite(loading.SUITE_FILE, base_dir=Path(".")), args.dirs)
    else:
        suite = model.Suite(test_dirs=tuple(args.dirs))
    if not suite.test_dirs and not allow_empty:
        raise main.UsageError("no test directories: pass DIR... or a --config with testDirs")
    return apply_flags(suite, args)


def _override_dirs(suite: model.Suite, dirs: list[str]) -> model.Suite:
    """kuttl: test dirs on the command line replace the suite's testDirs."""
    return dataclasses.replace(suite, test_dirs=tuple(dirs)) if dirs else suite


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
    return dataclasses.replace(suite, **changes)


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


def _warn(lines: list[str], *, prefix: str = "warning") -> None:
    for line in lines:
        print(f"{prefix}: {line}", file=sys.stderr)


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value!r}")
    return number
