"""Candidates side by side: `toollab report --compare a,b` and the HTML report's comparison view.

Pure: picks rows by name, groups them by category, and lays out one line per measure with one
value per trial. Every value is printed with the same units the scoreboard table and the HTML
charts use (`reports.quantities`), so a figure reads the same everywhere.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from toollab import errors
from toollab.reports import lab, quantities, scoreboard

NONE = "-"


@dataclass(frozen=True)
class Line:
    """One measure across the candidates: its label and one printed value per trial."""

    label: str
    values: tuple[str, ...]


def select(rows: Sequence[scoreboard.Row], wanted: Sequence[str]) -> list[scoreboard.Row]:
    """The rows named in `wanted` (NAME or NAMESPACE/NAME), in that order; InputError naming the
    ones not found and what there is."""
    picked: list[scoreboard.Row] = []
    missing: list[str] = []
    for name in wanted:
        found = [r for r in rows if name in (r.name, r.label)]
        if len(found) > 1:
            labels = ", ".join(r.label for r in found)
            raise errors.InputError(f"--compare: {name} matches {labels}: write NAMESPACE/NAME")
        if found:
            picked.append(found[0])
        else:
            missing.append(name)
    if missing:
        known = ", ".join(sorted(r.label for r in rows)) or "none"
        raise errors.InputError(f"--compare: no trial named {', '.join(missing)} (trials: {known})")
    if len(picked) < 2:
        raise errors.InputError("--compare needs at least two trials, like --compare linkerd,istio")
    return picked


def parse_names(text: str) -> list[str]:
    """ "a, b,c" -> ["a", "b", "c"] (empty parts dropped)."""
    return [part.strip() for part in text.split(",") if part.strip()]


def by_category(rows: Sequence[scoreboard.Row]) -> list[tuple[str, list[scoreboard.Row]]]:
    """Rows grouped by category (categories in name order, uncategorized last), rows in their order."""
    groups: dict[str, list[scoreboard.Row]] = {}
    for row in rows:
        groups.setdefault(row.category or lab.UNCATEGORIZED, []).append(row)
    return sorted(groups.items(), key=lambda item: (item[0] == lab.UNCATEGORIZED, item[0].lower()))


def _count(value: int | None) -> str:
    return NONE if value is None else str(value)


def cpu_text(row: scoreboard.Row) -> str:
    """CPU requests as the charts print them ("300m", "1.5")."""
    value = quantities.parse_quantity(row.footprint.cpu_requests)
    return NONE if value is None else quantities.format_cores(value)


def memory_text(row: scoreboard.Row) -> str:
    """Memory requests as the charts print them ("512Mi", "1.5Gi")."""
    value = quantities.parse_quantity(row.footprint.memory_requests)
    return NONE if value is None else quantities.format_bytes(value)


def _checker(row: scoreboard.Row, name: str) -> str:
    found = None if row.hygiene is None else row.hygiene.checker(name)
    return NONE if found is None else found.counts


MEASURES: tuple[tuple[str, Callable[[scoreboard.Row], str]], ...] = (
    ("tool", lambda r: f"{r.tool} {r.version}".strip()),
    ("verdict", lambda r: r.phase or NONE),
    ("steps passed", lambda r: r.passed_text or NONE),
    ("time to ready", lambda r: scoreboard.format_seconds(r.time_to_ready)),
    ("pods", lambda r: _count(r.footprint.pods)),
    ("cpu requests", cpu_text),
    ("memory requests", memory_text),
    ("privileged containers", lambda r: _count(r.footprint.privileged_containers)),
    ("hostPath volumes", lambda r: _count(r.footprint.host_path_volumes)),
    ("cluster-scoped objects", lambda r: _count(r.footprint.cluster_scoped_objects)),
    ("leftovers after uninstall", lambda r: _count(r.leftovers)),
    ("history (oldest first)", lambda r: lab.trend(r.history) or NONE),
)
CHECKERS = ("helm-lint", "chart-checks", "kube-score", "pod-security")


def side_by_side(rows: Sequence[scoreboard.Row]) -> list[Line]:
    """One line per measure (and per checker), one value per row."""
    lines = [Line(label, tuple(read(r) for r in rows)) for label, read in MEASURES]
    for name in CHECKERS:
        values = tuple(_checker(r, name) for r in rows)
        if any(v != NONE for v in values):
            version = next(
                (c.version for r in rows if r.hygiene for c in r.hygiene.checkers if c.name == name), ""
            )
            lines.append(Line(f"{name} {version}".strip(), values))
    return lines


def render_text(rows: Sequence[scoreboard.Row]) -> str:
    """The comparison for a terminal: per category, a table with one column per candidate."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=1000, color_system=None, no_color=True, highlight=False, emoji=False)
    for category, group in by_category(rows):
        table = Table(title=None, box=None, padding=(0, 3, 0, 0), pad_edge=False, header_style="bold")
        table.add_column(category.upper(), no_wrap=True)
        for row in group:
            table.add_column(row.label, no_wrap=True)
        for line in side_by_side(group):
            table.add_row(line.label, *line.values)
        console.print(table)
        console.print()
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines()).rstrip("\n") + "\n"
