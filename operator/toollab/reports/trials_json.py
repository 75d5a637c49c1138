"""The scoreboard as JSON (`toollab report --format json`): the rows, camelCase like a ToolTrial's status.

Pure: builds a string from `scoreboard.Row`s.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from toollab.reports import lab
from toollab.reports.scoreboard import Row, summarize


def row_to_dict(row: Row) -> dict[str, Any]:
    """A row as JSON-ready data, camelCase like the ToolTrial status it came from."""
    fp = row.footprint
    return {
        "namespace": row.namespace,
        "name": row.name,
        "tool": row.tool,
        "version": row.version or None,
        "appVersion": row.app_version or None,
        "phase": row.phase or None,
        "result": row.result or None,
        "outcome": row.outcome,
        "passed": row.passed,
        "total": row.total,
        "passedText": row.passed_text or None,
        "timeToReadySeconds": row.time_to_ready,
        "runSeconds": row.run_seconds,
        "footprint": {
            "pods": fp.pods,
            "containers": fp.containers,
            "cpuRequests": fp.cpu_requests,
            "memoryRequests": fp.memory_requests,
            "privilegedContainers": fp.privileged_containers,
            "hostPathVolumes": fp.host_path_volumes,
            "clusterScopedObjects": fp.cluster_scoped_objects,
        },
        "steps": [
            {
                "name": s.name,
                "phase": s.phase,
                "attempts": s.attempts,
                "seconds": s.seconds,
                "message": s.message or None,
            }
            for s in row.steps
        ],
        "reason": row.reason or None,
        "message": row.message or None,
        "startedAt": row.started_at or None,
        "finishedAt": row.finished_at or None,
        "createdAt": row.created_at or None,
        "category": row.category or None,
        "trend": lab.trend(row.history) or None,
        "leftovers": row.leftovers,
        "hygiene": None
        if row.hygiene is None
        else [
            {
                "checker": c.name,
                "version": c.version,
                "state": c.state,
                "critical": c.critical,
                "warning": c.warning,
                "info": c.info,
                "passed": c.passed,
            }
            for c in row.hygiene.checkers
        ],
    }


def render_json(rows: Iterable[Row]) -> str:
    """The scoreboard as a JSON document: `{"summary": {...}, "trials": [...]}`."""
    rows = list(rows)
    summary = summarize(rows)
    counts = {_camel(key): value for key, value in vars(summary).items()}
    document = {"summary": counts, "trials": [row_to_dict(r) for r in rows]}
    return json.dumps(document, indent=2) + "\n"


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)
