"""The scoreboard as a terminal table (rich), rendered to a string.

Pure: writes to no stream and reads no environment; the caller says whether to colour
(only on a TTY).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from toollab.reports import compare, lab, scoreboard

OUTCOME_STYLES = {
    "Passed": "green",
    "Failed": "red",
    "Error": "bold red",
    "Running": "yellow",
    "Pending": "dim",
    scoreboard.NOT_PICKED_UP: "bold red",
}
NONE = "-"
WIDE = 1000  # wider than any scoreboard, so rich never truncates a cell


def render_table(rows: Sequence[scoreboard.Row], *, color: bool = False) -> str:
    """The scoreboard table, a blank line and a one-line summary; a plain sentence when there are no trials.

    Like kubectl, the table is never squeezed to the terminal: a narrow terminal wraps lines instead
    of cutting names short.
    """
    if not rows:
        return "No ToolTrials found.\n"
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=WIDE,
        color_system="standard" if color else None,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        emoji=False,
    )
    console.print(build_table(rows))
    console.print()
    console.print(scoreboard.summary_line(scoreboard.summarize(rows)))
    simulated = [row.name for row in rows if row.simulated]
    if simulated:
        console.print(f"simulated nodes (no container ran; see each Ready message): {', '.join(simulated)}")
    for row in rows:
        if row.not_picked_up:
            console.print(f"{row.namespace}/{row.name}: {row.message}")
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def build_table(rows: Sequence[scoreboard.Row]) -> Table:
    """The rich Table: NAMESPACE only when the trials span more than one namespace."""
    with_namespace = len({row.namespace for row in rows}) > 1
    # kubectl's look: no rules, columns three spaces apart
    table = Table(box=None, padding=(0, 3, 0, 0), pad_edge=False, header_style="bold")
    headers = [
        "TOOL",
        "VERSION",
        "PHASE",
        "PASSED",
        "READY-IN",
        "PODS",
        "CPU",
        "MEMORY",
        "PRIV",
        "CLUSTER-SCOPED",
    ]
    with_trend = any(row.history for row in rows)
    headers += ["TREND"] if with_trend else []
    for header in (["NAMESPACE", "NAME"] if with_namespace else ["NAME"]) + headers:
        numeric = header in {"READY-IN", "PODS", "PRIV", "CLUSTER-SCOPED"}
        table.add_column(header, justify="right" if numeric else "left", no_wrap=True)
    for row in rows:
        cells = [row.namespace, row.name] if with_namespace else [row.name]
        trend = [lab.trend(row.history) or NONE] if with_trend else []
        table.add_row(*cells, *_cells(row), *trend)
    return table


def _cells(row: scoreboard.Row) -> list[str | Text]:
    fp = row.footprint
    phase = Text(row.shown_phase or NONE, style=OUTCOME_STYLES.get(row.outcome, ""))
    return [
        row.tool,
        row.version or NONE,
        phase,
        row.passed_text or NONE,
        scoreboard.format_seconds(row.time_to_ready),
        _count(fp.pods),
        compare.cpu_text(row),
        compare.memory_text(row),
        _count(fp.privileged_containers),
        _count(fp.cluster_scoped_objects),
    ]


def _count(value: int | None) -> str:
    return NONE if value is None else str(value)
