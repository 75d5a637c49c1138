"""`make demo`, the real tools: Falco, Litmus core and Linkerd from their upstream charts, through
the built-in catalog (ToolProfiles, preset `simulated`), next to the look-alike examples.

Standard library only, like `demo`: kubectl and the toollab CLI as subprocesses. Needs the chart
mirror (TOOLLAB_CHART_MIRROR, else `../shared/charts` beside the checkout); without one it says
so and the demo goes on without them.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from toollab.localcluster import background

REAL_TOOLS = ("falco", "litmus", "linkerd")
DEMO_LABEL = "toollab.dev/demo"
WAIT_SECONDS = 300.0

Run = Callable[..., str]
Log = Callable[[str], None]


def mirror(root: Path) -> Path | None:
    """The chart mirror folder (with index.yaml), or None."""
    configured = os.environ.get("TOOLLAB_CHART_MIRROR")
    path = Path(configured) if configured else root.parent / "shared" / "charts"
    return path if (path / "index.yaml").is_file() else None


def apply_catalog(root: Path, *, run: Run, kubectl: str) -> None:
    """The ToolProfile CRD Established, then the built-in catalog."""
    run([kubectl, "wait", "--for=condition=Established", "crd/toolprofiles.toollab.dev", "--timeout=60s"])
    run([kubectl, "apply", "--server-side", "--force-conflicts", "-f", str(root / "catalog")])


def trial(tool: str, *, namespace: str, repo: str) -> dict[str, Any]:
    """All a trial of a catalog tool needs (the mirror's URL aside)."""
    return {
        "apiVersion": "toollab.dev/v1alpha1",
        "kind": "ToolTrial",
        "metadata": {"name": tool, "namespace": namespace, "labels": {DEMO_LABEL: "real-tools"}},
        "spec": {
            "serviceAccountName": "lab-runner",
            "tool": {"name": tool, "profile": tool, "preset": "simulated", "repo": repo},
            "cleanup": {"policy": "Retain"},  # keep them installed, to look around
        },
    }


def run_real_tools(root: Path, where: Path, *, namespace: str, run: Run, kubectl: str, log: Log) -> list[str]:
    """Apply the catalog and the real-tools trials, wait for their verdicts, print their
    scoreboard; the ones that did not pass. Skips the trials (with the reason) without a mirror."""
    apply_catalog(root, run=run, kubectl=kubectl)
    folder = mirror(root)
    if folder is None:
        log("\nreal tools: skipped: no chart mirror (set TOOLLAB_CHART_MIRROR to the real charts folder)")
        return []
    url = background.ensure_chart_server(where, charts=[folder], log=log, proc=background.MIRROR)
    for tool in REAL_TOOLS:
        body = json.dumps(trial(tool, namespace=namespace, repo=url))
        run(
            [
                kubectl,
                "apply",
                "--server-side",
                "--force-conflicts",
                "--field-manager=toollab-demo",
                "-f",
                "-",
            ],
            stdin=body,
        )
    log(f"real tools: applied {', '.join(REAL_TOOLS)} (profiles, preset simulated) from {url}")
    bodies = wait(namespace, run=run, kubectl=kubectl)
    log("\nreal tools (upstream charts on simulated nodes):")
    for tool in REAL_TOOLS:
        log(scoreboard_line(tool, bodies.get(tool) or {}))
    return [t for t in REAL_TOOLS if ((bodies.get(t) or {}).get("status") or {}).get("phase") != "Passed"]


def wait(
    namespace: str, *, run: Run, kubectl: str, timeout: float = WAIT_SECONDS
) -> dict[str, Mapping[str, Any]]:
    """The real-tools trials once each has a verdict (or the timeout passed)."""
    deadline = time.monotonic() + timeout
    while True:
        out = run(
            [kubectl, "get", "tooltrials", "-n", namespace, "-l", f"{DEMO_LABEL}=real-tools", "-o", "json"]
        )
        bodies = {b["metadata"]["name"]: b for b in json.loads(out).get("items", [])}
        phases = [((bodies.get(t) or {}).get("status") or {}).get("phase") for t in REAL_TOOLS]
        if all(p in ("Passed", "Failed", "Error") for p in phases) or time.monotonic() > deadline:
            return bodies
        time.sleep(1.0)


def scoreboard_line(tool: str, body: Mapping[str, Any]) -> str:
    """One line: name, verdict, steps, time to ready, the charts of its parts, a [simulated] badge."""
    status = body.get("status") or {}
    parts = (status.get("install") or {}).get("parts") or []
    charts = " + ".join(f"{p.get('chart')} {p.get('version')}" for p in parts) or "-"
    ready = status.get("timeToReadySeconds")
    took = f"ready {ready:.1f}s" if isinstance(ready, int | float) else "not ready"
    badge = "  [simulated]" if (status.get("environment") or {}).get("simulatedNodes") else ""
    line = (
        f"  {tool:<10} {status.get('phase', 'no verdict'):<7} {status.get('passedText', ''):>5}  {took:<11}"
    )
    return f"{line}  {charts}{badge}"


__all__: Sequence[str] = ("REAL_TOOLS", "mirror", "run_real_tools", "scoreboard_line", "trial")
