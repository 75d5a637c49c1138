"""`make cluster` failures are one clear line naming the log, never a hang.

These start real processes (the real etcd, stand-in scripts for a broken component) in a
separate state folder, so the shared cluster is untouched.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from toollab.localcluster import pins

REPO = Path(__file__).resolve().parents[2]


def fake_tools(tmp_path: Path, broken: str, script: str) -> dict[str, str]:
    """A tools cache whose binaries are the real ones, except `broken`, which runs `script`."""
    tools = tmp_path / "tools"
    env = dict(
        os.environ,
        TOOLLAB_TOOLS=str(tools),
        TOOLLAB_STATE=str(tmp_path / "state"),
        PYTHONPATH=str(REPO / "operator"),
    )
    bindir = Path(
        subprocess.run(
            [sys.executable, "-c", "from toollab.localcluster import pins; print(pins.bin_dir())"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    bindir.mkdir(parents=True)
    for entry in pins.bin_dir().iterdir():
        (bindir / entry.name).symlink_to(entry)
    (bindir / broken).unlink()
    (bindir / broken).write_text(f"#!/bin/sh\n{script}\n")
    (bindir / broken).chmod(0o755)
    return env


def cluster(command: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toollab.localcluster", command],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_a_crashed_component_gives_one_line_and_its_log(tmp_path: Path) -> None:
    env = fake_tools(tmp_path, "kube-apiserver", 'echo "E1121 flag parse error: boom" >&2; exit 1')
    started = time.monotonic()
    done = cluster("up", env)
    assert done.returncode == 1
    assert time.monotonic() - started < 30
    first = done.stderr.splitlines()[0]
    assert first.startswith("cluster: error: kube-apiserver exited")
    assert "logs/kube-apiserver.log" in first
    log = Path(first.split("see ", 1)[1].split(";")[0].strip())
    assert "boom" in log.read_text()
    assert "boom" in done.stderr  # the log's tail follows the one-line reason
    assert cluster("down", env).returncode == 0
    assert not log.exists()


def test_a_port_clash_is_retried_once_then_named(tmp_path: Path) -> None:
    env = fake_tools(
        tmp_path,
        "kube-apiserver",
        'echo "failed to listen on 127.0.0.1:1234: bind: address already in use" >&2; exit 1',
    )
    done = cluster("up", env)
    assert done.returncode == 1
    assert "retrying once with new ports" in done.stdout
    assert done.stderr.splitlines()[0].startswith("cluster: error: port clash twice: kube-apiserver exited")
    cluster("down", env)


def test_no_processes_are_left_after_a_failed_start(tmp_path: Path) -> None:
    env = fake_tools(tmp_path, "kube-apiserver", "exit 3")
    cluster("up", env)
    run_dirs = list(Path(env["TOOLLAB_STATE"]).glob("cluster.json"))
    assert run_dirs, "a failed start stays recorded, so `down` can clean it"
    leftover = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True).stdout
    assert leftover.strip() == ""
    cluster("down", env)


def test_tools_without_go_says_so(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        PATH="/nonexistent",
        TOOLLAB_TOOLS=str(tmp_path / "empty"),
        PYTHONPATH=str(REPO / "operator"),
    )
    done = subprocess.run(
        [sys.executable, "-m", "toollab.localcluster", "tools"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == "tools: error: `go` is not on PATH: install Go 1.26 or newer"


@pytest.mark.parametrize("command", ["status"])
def test_status_of_no_cluster(tmp_path: Path, command: str) -> None:
    env = dict(os.environ, TOOLLAB_STATE=str(tmp_path / "none"), PYTHONPATH=str(REPO / "operator"))
    done = cluster(command, env)
    assert (done.returncode, done.stdout.strip()) == (1, "cluster: not running")


def test_a_second_cluster_starts_and_down_leaves_no_process(tmp_path: Path) -> None:
    env = dict(os.environ, TOOLLAB_STATE=str(tmp_path / "state"), PYTHONPATH=str(REPO / "operator"))
    env["TMPDIR"] = str(tmp_path)  # the run folder lands here, so its processes are easy to find
    try:
        up = cluster("up", env, timeout=120)
        assert up.returncode == 0, up.stderr
        assert "with 3 nodes" in up.stdout
        assert (tmp_path / "state" / "kubeconfig").exists()
        running = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True).stdout
        # etcd, apiserver, controller-manager, scheduler, kwok, the supervisor
        assert len(running.split()) == 6
        assert cluster("up", env).stdout.startswith("cluster: already running")
        down = cluster("down", env)
        assert down.returncode == 0
        leftover = subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True, text=True).stdout
        assert leftover.strip() == ""
    finally:  # a failed assertion above must not leave a control plane running
        if subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True).returncode == 0:
            cluster("down", env)
    assert not list(tmp_path.glob("toollab-cluster.*"))
