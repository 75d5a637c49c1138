"""The terminal scoreboard: kubectl-like columns, colour only when asked, never truncated."""

from __future__ import annotations

import datetime

from tests.unit.reports import golden, trial_samples
from toollab.reports import scoreboard, table


def test_table_matches_golden() -> None:
    golden.assert_golden("scoreboard.txt", table.render_table(trial_samples.load_rows()))


def test_table_has_no_colour_unless_asked() -> None:
    rows = trial_samples.load_rows()
    assert "\x1b[" not in table.render_table(rows)
    coloured = table.render_table(rows, color=True)
    assert "\x1b[32mPassed" in coloured  # green
    assert "\x1b[31mFailed" in coloured  # red


def test_namespace_column_only_when_trials_span_namespaces() -> None:
    rows = [r for r in trial_samples.load_rows() if r.namespace == "lab"]
    header = table.render_table(rows).splitlines()[0]
    assert header.split()[:2] == ["NAME", "TOOL"]


def test_long_names_are_never_cut() -> None:
    name = "a-very-long-trial-name-that-a-narrow-terminal-would-otherwise-truncate"
    row = scoreboard.build_row(trial_samples.trial(name, phase="Installing"))
    output = table.render_table([row])
    assert name in output
    assert "…" not in output


def test_trial_without_status_shows_dashes() -> None:
    line = table.render_table([scoreboard.build_row(trial_samples.trial("fresh"))]).splitlines()[1]
    assert line.split() == ["fresh", "fresh", "-", "-", "-", "-", "-", "-", "-", "-", "-"]


def test_no_trials_is_a_sentence() -> None:
    assert table.render_table([]) == "No ToolTrials found.\n"


def test_a_trial_no_operator_picked_up_says_so_and_asks_the_question() -> None:
    body = trial_samples.trial("ghost", namespace="team-a")
    body["metadata"]["creationTimestamp"] = "2026-12-02T11:00:00Z"
    now = datetime.datetime(2026, 12, 2, 12, 0, tzinfo=datetime.UTC)
    text = table.render_table(scoreboard.build_rows([body], now=now))
    row = text.splitlines()[1]
    assert row.split()[:5] == ["ghost", "ghost", "-", "not", "picked"]
    assert "1 trial: 1 not picked up" in text
    assert text.rstrip().endswith("team-a/ghost: not picked up: is an operator watching namespace team-a?")
