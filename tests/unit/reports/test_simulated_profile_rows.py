"""A trial from a profile on simulated nodes: the report names the tool, its profile's category
and leftovers, and shows that nothing really ran (a line in the table, a badge in the HTML)."""

from __future__ import annotations

from typing import Any

from toollab.reports import html, scoreboard, table


def body(name: str, *, simulated: bool) -> dict[str, Any]:
    environment = (
        {"type": "simulated", "nodes": 3, "simulatedNodes": 3} if simulated else {"type": "real", "nodes": 2}
    )
    return {
        "metadata": {"name": name, "namespace": "lab"},
        "spec": {"tool": {"profile": name, "preset": "simulated"}},
        "status": {
            "phase": "Passed",
            "result": "Passed",
            "passed": 1,
            "total": 1,
            "environment": environment,
            "profile": {"name": name, "category": "service-mesh", "preset": "simulated"},
            "leftovers": [],
        },
    }


def test_profile_trials_carry_their_tool_category_leftovers_and_simulation() -> None:
    rows = scoreboard.build_rows([body("linkerd", simulated=True), body("jaeger", simulated=False)])
    by_name = {r.name: r for r in rows}
    linkerd, jaeger = by_name["linkerd"], by_name["jaeger"]
    assert (linkerd.tool, linkerd.category, linkerd.leftovers, linkerd.simulated) == (
        "linkerd",
        "service-mesh",
        0,
        True,
    )
    assert jaeger.simulated is False
    text = table.render_table(rows)
    assert "simulated nodes (no container ran; see each Ready message): linkerd\n" in text
    page = html.render_html(rows, generated_at="now")
    assert page.count('class="badge Simulated"') == 1


def test_no_simulation_line_when_every_trial_ran_on_real_nodes() -> None:
    text = table.render_table(scoreboard.build_rows([body("jaeger", simulated=False)]))
    assert "simulated" not in text
