"""`toollab test DIR...`: run KUTTL suites and Chainsaw tests unmodified against the current cluster.

DIR is a test dir (each subdirectory a test case) or a directory holding `kuttl-test.yaml`;
any folder under it holding a `chainsaw-test.yaml` is a Chainsaw test, so a folder mixing the
two formats runs both. Exit 0 when every test passes, 1 otherwise, 2 for bad input (one line,
no traceback). The kubernetes client is imported inside `run`, so `toollab --help` stays fast.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toollab import errors
from toollab.cli import connect, main, test_flags
from toollab.cli.test_flags import add_arguments, apply_flags, parse_template_vars

if TYPE_CHECKING:  # imported for real inside `run`, to keep `toollab --help` fast
    from toollab.cluster import kube
    from toollab.reports import suite_results
    from toollab.suites.chainsaw import model as chainsaw_model
    from toollab.suites.kuttl import harness
from toollab.suites.kuttl import model


def run(args: argparse.Namespace) -> int:
    """Load every KUTTL case and Chainsaw test, run them, write the report; the exit status."""
    from toollab.cli import chainsaw_tests
    from toollab.suites.kuttl import harness

    test_flags.refuse_cluster_flags(args)
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
    if not cases and not tests:
        raise main.UsageError(nothing_found(suite))
    if tests and not cases and suite.report_name == model.Suite(test_dirs=()).report_name:
        suite = dataclasses.replace(suite, report_name=chainsaw_tests.REPORT_NAME)
    _warn([*suite.warnings, *(w for case in cases for w in case.warnings)])
    if args.verbose:
        _warn([note for case in cases for note in case.notes], prefix="note")
    cluster = connect.live_cluster(args.kubeconfig, args.context)
    others = Connections()
    runtime = harness.Runtime(
        cluster=cluster,
        emit=lambda line: print(line, flush=True),
        clock=time.monotonic,
        sleep=time.sleep,
        kubeconfig=connect.child_kubeconfig(args.kubeconfig, args.context),
        verbose=args.verbose,
        connect=others.open,
        namespace_deletion=args.namespace_deletion,
    )
    try:
        result = _run_both(suite, cases, tests, args=args, runtime=runtime, cluster=cluster)
    except errors.InputError as exc:
        raise main.UsageError(connect.one_line(exc)) from exc
    finally:
        connect.close(cluster)
        others.close()
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


class Connections:
    """Clusters of TestStep.kubeconfig files, opened once per (kubeconfig, context), closed at the end."""

    def __init__(self) -> None:
        self._open: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def open(self, path: str, context: str) -> Any:
        """The cluster of a step's kubeconfig; ToollabError when it cannot be read."""
        with self._lock:
            if (path, context) not in self._open:
                if not Path(path).is_file():
                    raise errors.InputError(f"TestStep.kubeconfig {path}: no such file")
                self._open[path, context] = connect.open_cluster(path, context or None)
            return self._open[path, context]

    def close(self) -> None:
        """Close every cluster opened."""
        for cluster in self._open.values():
            connect.close(cluster)


def nothing_found(suite: model.Suite) -> str:
    """Why nothing would run: no case folder under the test dirs (or none of the --test names)."""
    where = ", ".join(suite.test_dirs) or "(no test dirs)"
    if suite.test_names:
        return f"no test case named {', '.join(suite.test_names)} in {where}"
    return (
        f"no test case found in {where}: a test case is a folder of step files"
        " (00-create.yaml, 01-assert.yaml, ...) inside a test dir"
    )


def build_suite(args: argparse.Namespace, *, allow_empty: bool = False) -> model.Suite:
    """The suite to run: `--config`, a DIR holding kuttl-test.yaml, ./kuttl-test.yaml, or plain DIRs.

    `allow_empty`: Chainsaw tests were found, so a suite without KUTTL test dirs is fine.
    """
    from toollab.cli import chainsaw_tests
    from toollab.suites.kuttl import loading

    dirs = [Path(d) for d in args.dirs]
    suite_dirs = [d for d in dirs if loading.is_suite_dir(d)]
    if (args.config and is_empty_config(args.config)) or (
        args.config and chainsaw_tests.is_configuration(args.config)
    ):  # kuttl's own Makefiles pass --config /dev/null
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


def is_empty_config(path: str) -> bool:
    """`--config /dev/null`, or a config file with nothing in it: the defaults."""
    if path == os.devnull:
        return True
    try:
        return Path(path).is_file() and not Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return False


def _override_dirs(suite: model.Suite, dirs: list[str]) -> model.Suite:
    """kuttl: test dirs on the command line replace the suite's testDirs."""
    return dataclasses.replace(suite, test_dirs=tuple(dirs)) if dirs else suite


def _warn(lines: list[str], *, prefix: str = "warning") -> None:
    for line in lines:
        print(f"{prefix}: {line}", file=sys.stderr)


__all__ = ["add_arguments", "apply_flags", "build_suite", "parse_template_vars", "run"]
