"""`toollab operator` flags: what the handlers receive, and one line for a malformed value."""

from __future__ import annotations

import argparse
import os

import pytest

from toollab.cli import cmd_operator, main
from toollab.handlers import config


def parsed(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cmd_operator.add_arguments(parser)
    return parser.parse_args(list(argv))


def configured(monkeypatch: pytest.MonkeyPatch, *argv: str) -> config.OperatorConfig:
    for name in [n for n in os.environ if n.startswith("TOOLLAB_")]:
        monkeypatch.delenv(name)
    monkeypatch.delenv("POD_NAMESPACE", raising=False)
    for name, value in cmd_operator.environment_for(parsed(*argv)).items():
        monkeypatch.setenv(name, value)
    return config.from_environment()


def test_defaults_bound_installs_and_elect_a_leader(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = configured(monkeypatch)
    assert (cfg.max_installs, cfg.max_steps, cfg.workers) == (10, 20, 8)
    assert cfg.leader_election and cfg.lease_name == "toollab-operator" and cfg.lease_namespace == "default"
    assert cfg.selector.matches({}) and not cfg.selector.matches({"toollab.dev/shard": "a"})
    assert cfg.metrics_address is None


def test_flags_reach_the_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = configured(
        monkeypatch,
        *("--max-concurrent-installs", "3", "--max-concurrent-steps", "4", "--workers", "5"),
        *("--shard", "a", "--label-selector", "team=x", "-n", "lab-*"),
        *("--lease-namespace", "ops", "--lease-duration", "30", "--metrics-address", "127.0.0.1:9"),
    )
    assert (cfg.max_installs, cfg.max_steps, cfg.workers) == (3, 4, 5)
    assert cfg.selector.matches({"toollab.dev/shard": "a", "team": "x"})
    assert not cfg.selector.matches({"toollab.dev/shard": "a"})
    assert cfg.lease_name.startswith("toollab-operator-") and cfg.lease_namespace == "ops"
    assert (cfg.lease_seconds, cfg.metrics_address, cfg.namespaces) == (30.0, "127.0.0.1:9", ("lab-*",))
    assert not configured(monkeypatch, "--no-leader-election").leader_election


def test_pod_namespace_holds_the_lease(monkeypatch: pytest.MonkeyPatch) -> None:
    configured(monkeypatch)
    monkeypatch.setenv("POD_NAMESPACE", "toollab-system")
    assert config.from_environment().lease_namespace == "toollab-system"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--max-concurrent-installs", "0"],
            "--max-concurrent-installs (TOOLLAB_MAX_CONCURRENT_INSTALLS) '0'",
        ),
        (["--workers", "-2"], "--workers (TOOLLAB_WORKERS) '-2': expected a whole number of at least 1"),
        (["--lease-duration", "0.5"], "--lease-duration (TOOLLAB_LEASE_DURATION) '0.5': expected seconds"),
        (["--shard", "a,b"], "--shard 'a,b': a shard key is a label value"),
        (["--label-selector", "team in ()"], "label selector 'team in ()': in needs at least one value"),
    ],
)
def test_a_malformed_flag_is_one_line_and_exit_2(
    argv: list[str], message: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in [n for n in os.environ if n.startswith("TOOLLAB_")]:
        monkeypatch.delenv(name)
    monkeypatch.setattr(os, "environ", dict(os.environ))  # run() sets variables: not in this process
    assert main.main(["operator", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err
