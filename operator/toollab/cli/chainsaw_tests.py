"""The Chainsaw half of `toollab test`: find `chainsaw-test.yaml` tests in the DIRs, run them, count them.

A folder holding a Chainsaw test is run as one, wherever it sits; everything else under the
DIRs stays KUTTL's. `--config` may name a Chainsaw Configuration instead of a KUTTL TestSuite.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import time
from pathlib import Path

from toollab import errors
from toollab.cluster import kube
from toollab.reports import suite_results
from toollab.suites.chainsaw import context, loading, model, running
from toollab.suites.core import discovery, resolving

DEFAULT_PARALLEL = 4
REPORT_NAME = "chainsaw-report"  # the report's name when only Chainsaw tests ran, as Chainsaw names it


def is_configuration(path: str | None) -> bool:
    """Whether `--config` names a Chainsaw Configuration (not a KUTTL TestSuite)."""
    if not path:
        return False
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False  # the KUTTL side reports the unreadable file
    return f"apiVersion: {model.API_GROUP}/" in text or f'"apiVersion": "{model.API_GROUP}/' in text


def load(dirs: list[str]) -> list[model.Test]:
    """Every Chainsaw test under the DIRs (each DIR included), loaded before anything runs."""
    tests: list[model.Test] = []
    for name in dirs:
        root = Path(name)
        if root.is_dir():
            for file in loading.find_test_files(root):
                tests += [dataclasses.replace(test, root=name) for test in loading.load_tests(file)]
    return tests


def kuttl_dirs(dirs: list[str]) -> list[str]:
    """The DIRs that are not themselves Chainsaw tests (those go to KUTTL's runner)."""
    return [name for name in dirs if discovery.chainsaw_test_file(Path(name)) is None]


def configuration(args: argparse.Namespace) -> model.Configuration:
    """The Configuration in force: `--config` when it is Chainsaw's, then the flags over it."""
    config = (
        loading.load_configuration(Path(args.config))
        if is_configuration(args.config)
        else model.Configuration()
    )
    if args.namespace:
        config = dataclasses.replace(config, namespace=args.namespace)
    if args.skip_delete:
        config = dataclasses.replace(config, skip_delete=True)
    return config


def run(
    tests: list[model.Test], *, args: argparse.Namespace, cluster: kube.KubeCluster, kubeconfig: str | None
) -> tuple[suite_results.CaseResult, ...]:
    """Run the tests against `cluster` (scripts get `kubeconfig`), printing a line per step and test."""
    config = configuration(args)
    runtime = context.Runtime(
        cluster=cluster,
        resolver=resolving.ClusterResolver(cluster, version=cluster.version),
        emit=lambda line: print(line, flush=True),
        clock=time.monotonic,
        sleep=time.sleep,
        kubeconfig=kubeconfig,
        environ=dict(os.environ),
        verbose=args.verbose,
        namespace_deletion=getattr(args, "namespace_deletion", "auto"),
    )
    parallel = args.parallel or config.parallel or DEFAULT_PARALLEL
    try:
        return running.run_tests(
            tests, config=config, runtime=runtime, parallel=parallel, rng=random.Random()
        )
    except errors.ToollabError as exc:  # anything a test could not absorb ends the run, in one line
        raise errors.InputError(f"chainsaw tests: {exc}") from exc
