"""How kuttl commands become processes: argv, environment and timeouts (no process is started)."""

from __future__ import annotations

from pathlib import Path

import pytest

from toollab.suites.kuttl import commands, model, steps

ENV = {"NAMESPACE": "kuttl-ns", "HOME": "/home/u"}


@pytest.mark.parametrize(
    ("command", "argv"),
    [
        (
            model.Command(command="kubectl get pods -n $NAMESPACE"),
            ["kubectl", "get", "pods", "-n", "kuttl-ns"],
        ),
        (
            model.Command(command="kubectl get pods", namespaced=True),
            ["kubectl", "get", "pods", "--namespace", "kuttl-ns"],
        ),
        (
            model.Command(command="kubectl get pods -n other", namespaced=True),
            ["kubectl", "get", "pods", "-n", "other"],
        ),
        (model.Command(command="k get --namespace=x", namespaced=True), ["k", "get", "--namespace=x"]),
        (model.Command(command="echo 'a b' \"$HOME\""), ["echo", "a b", "/home/u"]),
        (model.Command(command="echo $$HOME"), ["echo", "$HOME"]),
        (model.Command(script="echo $NAMESPACE && false"), ["sh", "-c", "echo $NAMESPACE && false"]),
    ],
)
def test_argv(command: model.Command, argv: list[str]) -> None:
    assert commands.build_argv(command, namespace="kuttl-ns", env=ENV) == argv


def test_environment_adds_namespace_kubeconfig_and_bin_on_path() -> None:
    env = commands.command_env(
        namespace="ns", kubeconfig="/k/config", base={"PATH": "/usr/bin", "X": "1"}, here=Path("/w")
    )
    assert env == {"PATH": "/w/bin/:/usr/bin", "X": "1", "NAMESPACE": "ns", "KUBECONFIG": "/k/config"}
    assert "KUBECONFIG" not in commands.command_env(namespace="ns", kubeconfig=None, base={}, here=Path("/w"))


@pytest.mark.parametrize(
    ("own", "default", "expected"), [(0, 30, 30), (5, 30, 5), (-1, 30, None), (0, 0, None)]
)
def test_timeouts(own: int, default: int, expected: int | None) -> None:
    assert commands.effective_timeout(model.Command(command="x", timeout=own), default) == expected


def test_a_failed_command_is_described_with_the_end_of_its_output() -> None:
    output = "\n".join(f"line {i}" for i in range(30))
    result = commands.CommandResult("make", 2, output, "command 'make' failed, exit status 2")
    text = steps.describe_command(result)
    assert text.splitlines()[0] == "command 'make' failed, exit status 2"
    assert text.splitlines()[1:] == [f"    line {i}" for i in range(10, 30)]
    assert not result.ok and commands.CommandResult("true", 0, "").ok
