"""The scoreboard as one self-contained HTML page (`toollab report --format html`).

Pure: returns a string. The page has inline CSS and inline SVG bar charts (time to ready and
footprint per tool), and no scripts or external assets, so it can be mailed or archived by CI.
Bar geometry is computed here; the jinja2 template (autoescaped) only places it.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import jinja2

from toollab.reports import compare, lab, quantities, scoreboard

TEMPLATE = "report.html.j2"
BAR_AREA = 300.0  # px available to the longest bar
ROW_HEIGHT = 26


@dataclass(frozen=True)
class Bar:
    """One bar: a trial's value on one chart."""

    label: str
    title: str
    value: float | None
    text: str
    width: float
    y: int
    outcome: str


@dataclass(frozen=True)
class Chart:
    """One inline SVG bar chart."""

    title: str
    bars: tuple[Bar, ...]
    height: int


@dataclass(frozen=True)
class Measure:
    """How to read, and how to print, one quantity of a row."""

    title: str
    value: Callable[[scoreboard.Row], float | None]
    text: Callable[[float], str]


MEASURES = (
    Measure("Time to ready", lambda r: r.time_to_ready, scoreboard.format_seconds),
    Measure("Pods", lambda r: _num(r.footprint.pods), lambda v: f"{v:.0f}"),
    Measure(
        "CPU requests", lambda r: quantities.parse_quantity(r.footprint.cpu_requests), quantities.format_cores
    ),
    Measure(
        "Memory requests",
        lambda r: quantities.parse_quantity(r.footprint.memory_requests),
        quantities.format_bytes,
    ),
    Measure("Privileged containers", lambda r: _num(r.footprint.privileged_containers), lambda v: f"{v:.0f}"),
    Measure(
        "Cluster-scoped objects", lambda r: _num(r.footprint.cluster_scoped_objects), lambda v: f"{v:.0f}"
    ),
)


def render_html(
    rows: Sequence[scoreboard.Row],
    *,
    generated_at: str,
    title: str = "toollab report",
    compared: bool = False,
) -> str:
    """The whole page for these rows; `generated_at` is printed as given (the caller owns the clock).

    `compared`: the rows are candidates picked with --compare (the side-by-side view comes first).
    """
    template = _environment().from_string(_template_source())
    return template.render(
        title=title,
        generated_at=generated_at,
        rows=rows,
        compared=compared,
        summary=scoreboard.summarize(rows),
        summary_line=scoreboard.summary_line(scoreboard.summarize(rows)),
        charts=[build_chart(rows, m) for m in MEASURES] if rows else [],
        groups=[
            (category, group, compare.side_by_side(group)) for category, group in compare.by_category(rows)
        ],
        sparklines={row.label: sparkline(row.history) for row in rows},
        format_seconds=scoreboard.format_seconds,
        cpu_text=compare.cpu_text,
        memory_text=compare.memory_text,
        trend=lab.trend,
    )


def build_chart(rows: Sequence[scoreboard.Row], measure: Measure) -> Chart:
    """Bars sorted by value (largest first) and scaled to the largest; a trial without the value
    gets an "n/a" row at the end, with no bar."""
    valued = [(row, measure.value(row)) for row in rows]
    valued.sort(key=lambda pair: (pair[1] is None, -(pair[1] or 0.0), pair[0].label))
    rows = [row for row, _ in valued]
    values = [value for _, value in valued]
    largest = max((v for v in values if v is not None), default=0.0)
    bars = tuple(
        Bar(
            label=chart_label(row),
            title=f"{row.namespace}/{row.name}",
            value=value,
            text="n/a" if value is None else measure.text(value),
            width=0.0 if not value or largest <= 0 else max(2.0, BAR_AREA * value / largest),
            y=index * ROW_HEIGHT,
            outcome=row.outcome,
        )
        for index, (row, value) in enumerate(zip(rows, values, strict=True))
    )
    return Chart(title=measure.title, bars=bars, height=max(1, len(bars)) * ROW_HEIGHT)


def chart_label(row: scoreboard.Row) -> str:
    """The bar label: the trial ("lab/falco"), trimmed to fit the label column."""
    label = row.label
    return label if len(label) <= 24 else label[:23] + "…"


@dataclass(frozen=True)
class Sparkline:
    """A trial's runs, oldest first: a polyline of time to ready and a dot per verdict."""

    points: str  # "x,y x,y ..." for <polyline>
    dots: tuple[tuple[float, float, str, str], ...]  # x, y, outcome, tooltip
    width: int
    height: int


SPARK_STEP, SPARK_HEIGHT = 22, 36


def sparkline(runs: Sequence[lab.Run]) -> Sparkline | None:
    """The history as a small inline chart; None without history."""
    ordered = list(reversed(runs))
    if not ordered:
        return None
    slowest = max((r.time_to_ready or 0.0 for r in ordered), default=0.0) or 1.0
    dots, points = [], []
    for i, run in enumerate(ordered):
        x = 8 + i * SPARK_STEP
        y = SPARK_HEIGHT - 8 - (24 * (run.time_to_ready or 0.0) / slowest)
        text = f"{run.started_at}: {run.result}, ready in {scoreboard.format_seconds(run.time_to_ready)}"
        dots.append(
            (float(x), round(y, 1), run.result if run.result in scoreboard.VERDICTS else "Pending", text)
        )
        if run.time_to_ready is not None:
            points.append(f"{x},{round(y, 1)}")
    return Sparkline(" ".join(points), tuple(dots), 16 + (len(ordered) - 1) * SPARK_STEP, SPARK_HEIGHT)


def _environment() -> jinja2.Environment:
    # autoescape: trial names, messages and versions are user input
    return jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )


def _template_source() -> str:
    return (
        importlib.resources.files("toollab.reports")
        .joinpath("templates", TEMPLATE)
        .read_text(encoding="utf-8")
    )


def _num(value: int | None) -> float | None:
    return None if value is None else float(value)
