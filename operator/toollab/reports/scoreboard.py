"""The scoreboard: one row per ToolTrial, read from the bodies the API server (or a file) gave us.

Pure: no I/O, no clock (the caller passes `now`). Tolerant of partial or odd status (a trial the
operator has not seen yet has no status at all): a missing field becomes None or "", never an
exception. A trial still without status a minute after it was created is "not picked up".
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from toollab.reports import lab

API_VERSION = "toollab.dev/v1alpha1"
KIND = "ToolTrial"
VERDICTS = ("Passed", "Failed", "Error")
NOT_PICKED_UP = "NotPickedUp"  # the outcome (and reason) of a trial no operator has touched
NOT_PICKED_UP_SECONDS = 60.0  # an operator writes a status within a second or two of a create


@dataclass(frozen=True)
class Footprint:
    """`status.footprint`: what the installed tool costs the cluster."""

    pods: int | None = None
    containers: int | None = None
    cpu_requests: str | None = None
    memory_requests: str | None = None
    privileged_containers: int | None = None
    host_path_volumes: int | None = None
    cluster_scoped_objects: int | None = None


@dataclass(frozen=True)
class StepResult:
    """One entry of `status.steps`."""

    name: str
    phase: str
    attempts: int | None
    seconds: float | None
    message: str


@dataclass(frozen=True)
class Row:
    """One ToolTrial on the scoreboard."""

    namespace: str
    name: str
    tool: str
    version: str
    app_version: str
    phase: str
    result: str
    passed: int | None
    total: int | None
    time_to_ready: float | None
    run_seconds: float | None
    footprint: Footprint
    steps: tuple[StepResult, ...]
    reason: str
    message: str
    started_at: str
    finished_at: str
    category: str = ""
    history: tuple[lab.Run, ...] = ()
    hygiene: lab.Hygiene | None = None
    leftovers: int | None = None
    created_at: str = ""
    not_picked_up: bool = False  # no status, and created more than NOT_PICKED_UP_SECONDS ago
    simulated: bool = False  # it ran on simulated (kwok) nodes: no container really ran

    @property
    def shown_phase(self) -> str:
        """The PHASE a person reads: the status's, or "not picked up"; "" before anything."""
        return "not picked up" if self.not_picked_up else self.phase

    @property
    def label(self) -> str:
        """How charts and side-by-side views name the trial: "lab/falco"."""
        return f"{self.namespace}/{self.name}" if self.namespace else self.name

    @property
    def passed_text(self) -> str:
        """The PASSED printer column ("2/3"); "" before the first step count."""
        if self.passed is None or self.total is None:
            return ""
        return f"{self.passed}/{self.total}"

    @property
    def outcome(self) -> str:
        """Passed, Failed or Error once decided; Running while it runs; Pending with no status yet;
        NotPickedUp with no status long after its creation."""
        if self.not_picked_up:
            return NOT_PICKED_UP
        if self.phase in VERDICTS:
            return self.phase
        if self.phase == "CleaningUp" and self.result in VERDICTS:
            return self.result
        return "Running" if self.phase else "Pending"


@dataclass(frozen=True)
class Summary:
    """How many trials ended each way."""

    total: int
    passed: int
    failed: int
    error: int
    running: int
    pending: int
    not_picked_up: int = 0


def collect_trials(documents: Iterable[Any]) -> list[Mapping[str, Any]]:
    """ToolTrial bodies from parsed YAML/JSON documents: objects, lists, or `kind: List` wrappers."""
    found: list[Mapping[str, Any]] = []
    for doc in documents:
        if isinstance(doc, list):
            found.extend(collect_trials(doc))
        elif isinstance(doc, Mapping) and isinstance(doc.get("items"), list):
            found.extend(collect_trials(doc["items"]))
        elif isinstance(doc, Mapping) and doc.get("kind") == KIND:
            found.append(doc)
    return found


def build_rows(
    bodies: Iterable[Mapping[str, Any]],
    *,
    now: datetime.datetime | None = None,
    pickup_seconds: float = NOT_PICKED_UP_SECONDS,
) -> list[Row]:
    """Rows for the trials, grouped by tool, then by namespace and name; `now` finds the unwatched."""
    rows = [build_row(body, now=now, pickup_seconds=pickup_seconds) for body in bodies]
    return sorted(rows, key=lambda r: (r.tool.lower(), r.namespace, r.name))


def is_not_picked_up(
    body: Mapping[str, Any], *, now: datetime.datetime | None, pickup_seconds: float = NOT_PICKED_UP_SECONDS
) -> bool:
    """No status at all, and created more than `pickup_seconds` before `now` (None: never)."""
    created = _timestamp(_str(_map(body, "metadata").get("creationTimestamp")))
    if now is None or created is None or _map(body, "status"):
        return False
    return (now - created).total_seconds() > pickup_seconds


def not_picked_up_message(namespace: str) -> str:
    """What a trial no operator touched says, in the report and in CI."""
    return f"not picked up: is an operator watching namespace {namespace}?"


def build_row(
    body: Mapping[str, Any],
    *,
    now: datetime.datetime | None = None,
    pickup_seconds: float = NOT_PICKED_UP_SECONDS,
) -> Row:
    """The scoreboard row of one ToolTrial body."""
    meta, spec, status = _map(body, "metadata"), _map(body, "spec"), _map(body, "status")
    tool, install = _map(spec, "tool"), _map(status, "install")
    started, finished = _str(status.get("startedAt")), _str(status.get("finishedAt"))
    unwatched = is_not_picked_up(body, now=now, pickup_seconds=pickup_seconds)
    ready = (
        {"reason": NOT_PICKED_UP, "message": not_picked_up_message(_str(meta.get("namespace")))}
        if unwatched
        else _ready(status)
    )
    return Row(
        namespace=_str(meta.get("namespace")),
        name=_str(meta.get("name")),
        tool=_str(tool.get("name"))
        or _str(tool.get("profile"))
        or _str(install.get("tool"))
        or _str(meta.get("name")),
        version=_version(tool, install),
        app_version=_str(install.get("appVersion")),
        phase=_str(status.get("phase")),
        result=_str(status.get("result")),
        passed=_int(status.get("passed")),
        total=_int(status.get("total")),
        time_to_ready=_float(status.get("timeToReadySeconds")),
        run_seconds=_seconds_between(started, finished),
        footprint=_footprint(_map(status, "footprint")),
        steps=tuple(_step(s) for s in status.get("steps") or () if isinstance(s, Mapping)),
        reason=ready.get("reason", ""),
        message=ready.get("message", ""),
        started_at=started,
        finished_at=finished,
        category=lab.read_category(body),
        history=lab.read_history(status),
        hygiene=lab.read_hygiene(status),
        leftovers=lab.read_leftovers(status),
        created_at=_str(meta.get("creationTimestamp")),
        not_picked_up=unwatched,
        simulated=bool(_int(_map(status, "environment").get("simulatedNodes"))),
    )


def summarize(rows: Iterable[Row]) -> Summary:
    """Counts of trials by outcome."""
    counts = Counter(row.outcome for row in rows)
    return Summary(
        total=sum(counts.values()),
        passed=counts["Passed"],
        failed=counts["Failed"],
        error=counts["Error"],
        running=counts["Running"],
        pending=counts["Pending"],
        not_picked_up=counts[NOT_PICKED_UP],
    )


def summary_line(summary: Summary) -> str:
    """A line like "3 trials: 2 passed, 1 failed", leaving out the outcomes nobody had."""
    parts = [
        (summary.passed, "passed"),
        (summary.failed, "failed"),
        (summary.error, "error"),
        (summary.running, "running"),
        (summary.pending, "pending"),
        (summary.not_picked_up, "not picked up"),
    ]
    counted = ", ".join(f"{n} {word}" for n, word in parts if n)
    noun = "trial" if summary.total == 1 else "trials"
    return f"{summary.total} {noun}: {counted}" if counted else f"{summary.total} {noun}"


def format_seconds(seconds: float | None) -> str:
    """45.3 -> "45.3s", 125 -> "2m5s": short, like kubectl's ages."""
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}m{rest}s" if minutes < 60 else f"{minutes // 60}h{minutes % 60}m"


def _version(tool: Mapping[str, Any], install: Mapping[str, Any]) -> str:
    # what was installed beats what was asked for: a chart range resolves to one version
    return (
        _str(install.get("version")) or _str(_map(tool, "helm").get("version")) or _str(tool.get("version"))
    )


def _footprint(raw: Mapping[str, Any]) -> Footprint:
    return Footprint(
        pods=_int(raw.get("pods")),
        containers=_int(raw.get("containers")),
        cpu_requests=_str(raw.get("cpuRequests")) or None,
        memory_requests=_str(raw.get("memoryRequests")) or None,
        privileged_containers=_int(raw.get("privilegedContainers")),
        host_path_volumes=_int(raw.get("hostPathVolumes")),
        cluster_scoped_objects=_int(raw.get("clusterScopedObjects")),
    )


def _step(raw: Mapping[str, Any]) -> StepResult:
    return StepResult(
        name=_str(raw.get("name")),
        phase=_str(raw.get("phase")) or "Pending",
        attempts=_int(raw.get("attempts")),
        seconds=_float(raw.get("seconds")),
        message=_str(raw.get("message")),
    )


def _ready(status: Mapping[str, Any]) -> dict[str, str]:
    for condition in status.get("conditions") or ():
        if isinstance(condition, Mapping) and condition.get("type") == "Ready":
            return {"reason": _str(condition.get("reason")), "message": _str(condition.get("message"))}
    return {}


def _seconds_between(start: str, end: str) -> float | None:
    begin, finish = _timestamp(start), _timestamp(end)
    if begin is None or finish is None:
        return None
    return max(0.0, (finish - begin).total_seconds())


def _timestamp(text: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
    except ValueError:
        return None


def _map(parent: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = parent.get(key)
    return value if isinstance(value, Mapping) else {}


def _str(value: object) -> str:
    return "" if value is None or isinstance(value, Mapping | list) else str(value)


def _int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _float(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None
