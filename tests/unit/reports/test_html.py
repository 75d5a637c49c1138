"""The HTML report: self-contained, every trial on it, user text escaped, bars to scale."""

from __future__ import annotations

import re

import pytest

from tests.unit.reports import trial_samples
from toollab.reports import html, scoreboard


@pytest.fixture(scope="module")
def page() -> str:
    return html.render_html(trial_samples.load_rows(), generated_at="2026-11-21 10:05 UTC")


def test_every_trial_tool_and_verdict_is_on_the_page(page: str) -> None:
    for text in ("lab/falco", "mesh/linkerd", "lab/litmus", "litmuschaos", "9.1.0", "(app 0.44.1)"):
        assert text in page
    assert "3 trials: 1 passed, 1 failed, 1 error" in page
    assert "Generated 2026-11-21 10:05 UTC" in page


def test_failure_text_is_shown(page: str) -> None:
    assert "status.readyReplicas: expected 2, got 1" in page
    assert "helm: identity.issuer.tls.crtPEM is required" in page


def test_page_is_self_contained(page: str) -> None:
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert "@import" not in page
    assert not re.search(r"""(src|href)=["'](?!#)""", page), "only in-page anchors may be linked"
    assert "url(" not in page


def test_six_charts_with_a_bar_or_na_per_trial(page: str) -> None:
    assert page.count("<svg ") == 6
    for title in ("Time to ready", "Pods", "CPU requests", "Memory requests", "Privileged containers"):
        assert f"<h3>{title}</h3>" in page
    assert page.count("<rect ") == 6 * 3 - 6 - 1  # linkerd has no values; litmus has 0 privileged containers


def test_bars_are_scaled_to_the_largest_value() -> None:
    rows = trial_samples.load_rows()
    chart = html.build_chart(rows, html.MEASURES[0])  # time to ready: falco 45.3s, litmus 18.5s, linkerd n/a
    widths = {bar.label: bar.width for bar in chart.bars}
    assert widths["lab/falco"] == html.BAR_AREA
    assert widths["lab/litmus"] == pytest.approx(html.BAR_AREA * 18.5 / 45.3)
    memory = html.build_chart(rows, html.MEASURES[3])
    assert [bar.text for bar in memory.bars] == ["512Mi", "128Mi", "n/a"]


def test_bars_are_sorted_by_value_and_labelled_by_trial() -> None:
    chart = html.build_chart(trial_samples.load_rows(), html.MEASURES[0])
    assert [(bar.label, bar.text) for bar in chart.bars] == [
        ("lab/falco", "45.3s"),
        ("lab/litmus", "18.5s"),
        ("mesh/linkerd", "n/a"),
    ]  # largest first; a trial without the value last
    assert [bar.y for bar in chart.bars] == [0, html.ROW_HEIGHT, 2 * html.ROW_HEIGHT]


def test_chart_and_table_print_a_quantity_the_same_way() -> None:
    body = trial_samples.trial(
        "big", phase="Passed", footprint={"cpuRequests": "1500m", "memoryRequests": "1536Mi"}
    )
    page = html.render_html(scoreboard.build_rows([body]), generated_at="now")
    # the scoreboard, the side-by-side view and the chart all print 1.5Gi and 1.5 cores
    assert page.count(">1.5Gi<") == 3 and page.count("1.5Gi</text>") == 1
    assert page.count(">1.5<") == 3 and page.count("1.5</text>") == 1
    assert "1536Mi" not in page and "1500m" not in page


def test_user_text_is_escaped() -> None:
    body = trial_samples.trial(
        "evil",
        phase="Failed",
        conditions=[{"type": "Ready", "status": "False", "message": "<script>alert(1)</script>"}],
        steps=[{"name": "<b>step</b>", "phase": "Failed", "message": "<img src=x onerror=alert(1)>"}],
    )
    page = html.render_html([scoreboard.build_row(body)], generated_at="now")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page
    assert "&lt;b&gt;step&lt;/b&gt;" in page


def test_empty_report_says_so() -> None:
    page = html.render_html([], generated_at="now")
    assert "No ToolTrials found." in page
    assert "<svg" not in page
