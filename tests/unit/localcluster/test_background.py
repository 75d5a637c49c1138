"""Background helpers are found and stopped only by a recorded PID whose command line is theirs."""

from __future__ import annotations

import os
from pathlib import Path

from toollab.localcluster import background, state

# pytest's own command line names pytest; it never names the operator
SELF = background.Background("self", "pytest")
OTHER = background.Background("other", "toollab.cli.main\0operator\0")


def test_a_recorded_pid_counts_only_while_its_command_line_holds_the_marker(tmp_path: Path) -> None:
    for proc in (SELF, OTHER):
        proc.pid_file(tmp_path).write_text(f"{os.getpid()}\n")
    assert background.running_pid(tmp_path, SELF) == os.getpid()
    assert background.running_pid(tmp_path, OTHER) is None


def test_a_missing_or_garbled_pid_file_means_not_running(tmp_path: Path) -> None:
    assert background.running_pid(tmp_path, SELF) is None
    SELF.pid_file(tmp_path).write_text("not a pid\n")
    assert background.running_pid(tmp_path, SELF) is None


def test_stop_forgets_a_pid_that_is_not_ours_without_signalling_it(tmp_path: Path) -> None:
    OTHER.pid_file(tmp_path).write_text(f"{os.getpid()}\n")  # if signalled, this test run would end
    assert background.stop(tmp_path, OTHER) is None
    assert not OTHER.pid_file(tmp_path).exists()


def test_start_ticks_order_processes_by_start() -> None:
    ours, parent = background.start_ticks(os.getpid()), background.start_ticks(os.getppid())
    assert ours is not None and parent is not None
    assert parent <= ours
    assert background.start_ticks(-1) is None


def test_an_operator_older_than_the_api_server_is_not_reused(tmp_path: Path) -> None:
    (tmp_path / "pids").mkdir()
    record = state.RunRecord(run=tmp_path, api_port=1)
    api_pid = tmp_path / "pids" / "kube-apiserver.pid"
    api_pid.write_text("1\n")  # init: started before us
    assert background.older_than_cluster(os.getpid(), record) is False
    api_pid.write_text(f"{os.getpid()}\n")
    assert background.older_than_cluster(1, record) is True
    api_pid.unlink()
    assert background.older_than_cluster(os.getpid(), record) is True
