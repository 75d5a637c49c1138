"""`make demo`: the lab on the local cluster: CRDs, chart server, operator, example trials, scoreboard.

Standard library only: it drives kubectl and the toollab CLI as subprocesses. Idempotent: a chart
server or operator recorded in `.run/` and still alive is reused, and re-applying the trials
changes nothing. `stop_background()` stops both by recorded PID (`make cluster-down` calls it).
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from toollab.localcluster import background, lab, pins, realdemo, start, state

NAMESPACE = "lab"
REPO_PLACEHOLDER = "http://127.0.0.1:8879"  # the examples' `repo:`, replaced by the chart server's URL
EXPECTED_TO_FAIL = frozenset({"06-failing-assertion"})
VERDICTS = frozenset({"Passed", "Failed", "Error"})
WAIT_SECONDS = 300.0
ROOT = Path(__file__).resolve().parents[3]  # the checkout: crds/, examples/
CHARTS = ("agent", "operator", "mesh")

Log = Callable[[str], None]


class DemoError(Exception):
    """A set-up step failed; the message says which and what to look at."""


def tool(name: str) -> str:
    """A binary beside this Python (the virtualenv's kubectl), else the one on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else name


def toollab(*args: str) -> list[str]:
    """argv for the toollab CLI of this Python."""
    return [sys.executable, "-m", "toollab.cli.main", *args]


def run(argv: Sequence[str], *, stdin: str | None = None, capture: bool = True) -> str:
    """Run a command to completion; its output, or DemoError with its stderr."""
    done = subprocess.run(
        list(argv), input=stdin, text=True, capture_output=capture, timeout=180, check=False
    )
    if done.returncode != 0:
        detail = (done.stderr or done.stdout or "").strip() if capture else "see the output above"
        raise DemoError(
            f"`{' '.join(Path(a).name if i == 0 else a for i, a in enumerate(argv))}` failed: {detail}"
        )
    return done.stdout or ""


def apply_crds() -> None:
    """The CRDs, applied server-side, and the ToolTrial CRD Established."""
    run([tool("kubectl"), "apply", "--server-side", "--force-conflicts", "-f", str(ROOT / "crds")])
    run(
        [
            tool("kubectl"),
            "wait",
            "--for=condition=Established",
            "crd/tooltrials.toollab.dev",
            "--timeout=60s",
        ]
    )


def example_folders() -> list[Path]:
    """examples/NN-*/ holding a tooltrial.yaml, in order."""
    return sorted(p for p in (ROOT / "examples").glob("[0-9][0-9]-*") if (p / "tooltrial.yaml").is_file())


def apply_trials(folders: Sequence[Path], *, url: str) -> dict[str, Path]:
    """Apply each example's trial into namespace lab (made by `lab.apply_rbac`), its chart repo set
    to `url`; name -> folder."""
    applied: dict[str, Path] = {}
    for folder in folders:
        text = (folder / "tooltrial.yaml").read_text().replace(REPO_PLACEHOLDER, url)
        out = run(
            [tool("kubectl"), "apply", "--server-side", "--force-conflicts", "--field-manager=toollab-demo",
             "-n", NAMESPACE, "-o", "name", "-f", "-"],
            stdin=text,
        )  # fmt: skip
        applied[out.strip().rpartition("/")[2]] = folder
    return applied


def list_trials() -> dict[str, Mapping[str, Any]]:
    """The ToolTrials of namespace lab by name."""
    out = run([tool("kubectl"), "get", "tooltrials", "-n", NAMESPACE, "-o", "json"])
    return {item["metadata"]["name"]: item for item in json.loads(out).get("items", [])}


def has_verdict(body: Mapping[str, Any] | None) -> bool:
    """True when the trial's current generation has a verdict (Passed, Failed or Error)."""
    if not body:
        return False
    status = body.get("status") or {}
    current = status.get("observedGeneration") == body["metadata"].get("generation")
    return current and status.get("phase") in VERDICTS


def verdict_line(name: str, body: Mapping[str, Any], folder: Path) -> str:
    """`  hello        Passed   1/1  run 0.7s  (01-manifests-minimal)`."""
    status = body.get("status") or {}
    took = _seconds_between(status.get("startedAt"), status.get("finishedAt"))
    note = "  <- meant to fail" if folder.name in EXPECTED_TO_FAIL else ""
    line = f"  {name:<12} {status.get('phase', ''):<7} {status.get('passedText', ''):>5}  run {took}"
    return f"{line}  ({folder.name}){note}"


def _seconds_between(begin: Any, end: Any) -> str:
    try:
        a, b = (datetime.datetime.fromisoformat(str(t).replace("Z", "+00:00")) for t in (begin, end))
    except ValueError:
        return "?"
    return f"{(b - a).total_seconds():.1f}s"


def wait_for_verdicts(applied: Mapping[str, Path], *, log: Log, timeout: float = WAIT_SECONDS) -> None:
    """Poll until every trial has a verdict, logging each as it comes; DemoError naming the stuck ones."""
    started = time.monotonic()
    reported: set[str] = set()
    while True:
        bodies = list_trials()
        for name, folder in applied.items():
            if name not in reported and has_verdict(bodies.get(name)):
                reported.add(name)
                log(verdict_line(name, bodies[name], folder))
        if len(reported) == len(applied):
            return
        if time.monotonic() - started > timeout:
            stuck = [_stuck_line(name, bodies.get(name)) for name in applied if name not in reported]
            raise DemoError(f"no verdict within {timeout:.0f}s for:\n" + "\n".join(stuck))
        time.sleep(0.5)


def _stuck_line(name: str, body: Mapping[str, Any] | None) -> str:
    status = (body or {}).get("status") or {}
    steps = status.get("steps") or []
    index = status.get("currentStep")
    step = steps[index] if isinstance(index, int) and 0 <= index < len(steps) else {}
    where = f", step {step.get('name')!r}: {step.get('message') or 'no message'}" if step else ""
    return f"  {name}: phase {status.get('phase') or 'not started'}{where}"


def missed_expectations(applied: Mapping[str, Path], *, log: Log) -> list[str]:
    """Check each trial against its expected-status.yaml (`toollab assert`); the folders that missed."""
    missed = []
    for folder in applied.values():
        expected = folder / "expected-status.yaml"
        argv = toollab("assert", "--namespace", NAMESPACE, "--timeout", "30", str(expected))
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            missed.append(folder.name)
            output = (done.stdout + done.stderr).strip()
            log(f"{folder.name}: missed {expected.relative_to(ROOT)}:\n{output}")
    return missed


def show_scoreboard(where: Path, *, log: Log) -> Path:
    """`kubectl get tooltrials` and `toollab report`; writes the HTML report and returns its path."""
    log(f"\n$ kubectl get tooltrials -n {NAMESPACE}")
    run([tool("kubectl"), "get", "tooltrials", "-n", NAMESPACE], capture=False)
    log(f"\n$ toollab report -n {NAMESPACE}")
    run(toollab("report", "-n", NAMESPACE), capture=False)
    page = where / "report.html"
    run(toollab("report", "-n", NAMESPACE, "--format", "html", "-o", str(page)))
    return page


def stop_background(*, log: Log = print) -> None:
    """Stop the operator, then the chart server, by recorded PID (before the cluster goes)."""
    where = state.state_dir()
    for proc in (background.OPERATOR, background.CHART_SERVER, background.MIRROR):
        pid = background.stop(where, proc)
        if pid is not None:
            what = {"operator": "operator", "mirror": "chart mirror"}.get(proc.name, "chart server")
            log(f"demo: stopped the {what} (PID {pid})")


def demo(*, log: Log = print) -> int:
    """Everything `make demo` does after `make cluster`; 0 when every trial reached its expected status."""
    began = time.monotonic()
    where = state.state_dir().resolve()
    record = state.read_record(where)
    if record is None or not start.is_healthy(record):
        raise DemoError("the local cluster is not running: run `make cluster`")
    kubeconfig = where / "kubeconfig"
    os.environ["KUBECONFIG"] = str(kubeconfig)
    apply_crds()
    lab.apply_rbac(ROOT, run=run, kubectl=tool("kubectl"))
    url = background.ensure_chart_server(
        where, charts=[ROOT / "examples" / "charts" / c for c in CHARTS], log=log
    )
    identity = lab.operator_args(lab.write_operator_kubeconfig(where, run=run, kubectl=tool("kubectl")))
    operator = toollab(
        "operator",
        *identity,
        "--allow-http",
        "--helm",
        str(pins.bin_dir() / "helm"),
        "--namespace",
        NAMESPACE,
    )
    background.ensure_operator(where, argv=operator, record=record, kubeconfig=kubeconfig, log=log)
    applied = apply_trials(example_folders(), url=url)
    log(f"trials: applied {len(applied)} into namespace {NAMESPACE}; waiting for their verdicts")
    wait_for_verdicts(applied, log=log)
    missed = [name for name in missed_expectations(applied, log=log) if name not in EXPECTED_TO_FAIL]
    missed += realdemo.run_real_tools(
        ROOT, where, namespace=NAMESPACE, run=run, kubectl=tool("kubectl"), log=log
    )
    page = show_scoreboard(where, log=log)
    log(
        _closing(
            page=page,
            operator_log=background.OPERATOR.log_file(where),
            url=url,
            took=time.monotonic() - began,
        )
    )
    if missed:
        log(f"demo: FAILED: {', '.join(missed)} missed their expected status (see above)")
    return 1 if missed else 0


def _closing(*, page: Path, operator_log: Path, url: str, took: float) -> str:
    return f"""
HTML report: {_shown(page)}
The lab keeps running (demo took {took:.0f}s): the operator watches namespace {NAMESPACE}
(log {_shown(operator_log)}) and the example charts are served at {url}.
Look around:
  eval "$(make -s env)"
  kubectl get tt -A
  kubectl describe tooltrial strict-mode -n {NAMESPACE}     # what a failure looks like
  toollab report -n {NAMESPACE}
Stop everything: make cluster-down"""


def _shown(path: Path) -> str:
    """`path` relative to the current folder when inside it (`.run/report.html`), else absolute."""
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def main() -> int:
    """Run the demo; one-line reasons on failure."""
    try:
        return demo()
    except (DemoError, background.StartError, subprocess.TimeoutExpired, OSError) as exc:
        print(f"demo: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
