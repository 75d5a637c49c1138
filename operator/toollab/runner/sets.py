"""One reconcile pass of a ToolTrialSet: resolve its versions, create, update and delete its cells
(ToolTrials it owns), and write the summed status once.

Knows nothing of Kopf. Cells are created in order, at most `spec.parallelism` without a verdict at
a time, so versions of one tool that share cluster-wide objects do not collide. Versions from
`versionPolicy: latest-N` are read from the chart repository's index.yaml, again every
RESOLVE_SECONDS.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import yaml

from toollab import errors
from toollab.installers import manifests
from toollab.model import chartindex, conditions, stored, trial, trialset
from toollab.runner.deps import Dependencies, Event

log = logging.getLogger(__name__)
RESOLVE_SECONDS = 600.0
BUSY_SECONDS = 2.0  # while cells run, look again this often (cells also wake the set)
FetchIndex = Callable[[str], str]  # repository URL -> index.yaml text


@dataclass(frozen=True)
class SetPass:
    """What the driver does next: wait `delay` seconds (None: until something changes)."""

    delay: float | None
    events: tuple[Event, ...] = ()
    gone: bool = False


def reconcile_set(
    *, name: str, namespace: str, deps: Dependencies, now: datetime, fetch_index: FetchIndex | None = None
) -> SetPass:
    """Read the set, bring its cells in line with its matrix, write its status."""
    if fetch_index is None:

        def fetch_index(url: str) -> str:
            return manifests.fetch_url(url, allow_http=deps.allow_http)

    try:
        return _pass(name=name, namespace=namespace, deps=deps, now=now, fetch_index=fetch_index)
    except errors.ClusterError as exc:
        log.warning("trial set %s/%s: %s (will retry)", namespace, name, exc)
        return SetPass(delay=BUSY_SECONDS if exc.retryable else 30.0)


def _pass(
    *, name: str, namespace: str, deps: Dependencies, now: datetime, fetch_index: FetchIndex
) -> SetPass:
    body = deps.cluster.get(trial.API_VERSION, trialset.KIND, name=name, namespace=namespace)
    if body is None or (body.get("metadata") or {}).get("deletionTimestamp"):
        return SetPass(delay=None, gone=True)
    old = dict(body.get("status") or {})
    try:
        parsed = trialset.parse_trial_set(body)
        versions, checked = _versions(parsed, old, now=now, fetch_index=fetch_index)
    except errors.ToollabError as exc:
        return _stalled(body, old, exc, deps=deps, now=now)
    cells = trialset.expand(parsed, versions)
    owned = _owned(parsed, deps)
    events = _delete_strays(parsed, cells, owned, deps=deps)
    events += _create_or_update(parsed, cells, owned, deps=deps)
    new = _status(parsed, cells, owned, versions=versions, checked=checked, old=old, now=now)
    if new != old:
        _write(deps, parsed.name, parsed.namespace, new)
    busy = new["phase"] == "Running"
    return SetPass(delay=BUSY_SECONDS if busy else _until_resolve(parsed, checked, now), events=events)


def _versions(
    parsed: trialset.TrialSet, old: Mapping[str, Any], *, now: datetime, fetch_index: FetchIndex
) -> tuple[list[str], datetime | None]:
    """The matrix's versions: as listed, or the newest N in the repository (re-read now and then)."""
    if parsed.latest is None:
        return list(parsed.versions), None
    checked = stored.parse_time(old.get("versionsCheckedAt"))
    known = old.get("versions")
    fresh = checked is not None and (now - checked).total_seconds() < RESOLVE_SECONDS
    if fresh and isinstance(known, list) and old.get("observedGeneration") == parsed.generation:
        return [str(v) for v in known], checked
    repo = str(parsed.chart.get("repo", ""))
    try:
        index = yaml.safe_load(fetch_index(repo.rstrip("/") + "/index.yaml"))
    except yaml.YAMLError as exc:
        raise errors.InstallError(f"{repo}/index.yaml is not YAML") from exc
    chart = str(parsed.chart.get("chart", ""))
    return chartindex.latest_versions(index, chart=chart, count=parsed.latest), now


def _until_resolve(parsed: trialset.TrialSet, checked: datetime | None, now: datetime) -> float | None:
    if parsed.latest is None or checked is None:
        return None
    due = checked + timedelta(seconds=RESOLVE_SECONDS)
    return max(1.0, (due - now).total_seconds())


def _owned(parsed: trialset.TrialSet, deps: Dependencies) -> dict[str, dict[str, Any]]:
    found = deps.cluster.list(
        trial.API_VERSION, trial.KIND, namespace=parsed.namespace, labels={trialset.LABEL_SET: parsed.name}
    )
    return {t["metadata"]["name"]: t for t in found if trialset.is_owned_by(t, parsed)}


def _delete_strays(
    parsed: trialset.TrialSet,
    cells: list[trialset.Cell],
    owned: dict[str, dict[str, Any]],
    *,
    deps: Dependencies,
) -> tuple[Event, ...]:
    """Cells no longer in the matrix go (their own cleanup runs under their finalizer)."""
    wanted = {cell.name for cell in cells}
    events = []
    for stray in sorted(set(owned) - wanted):
        deps.cluster.delete(trial.API_VERSION, trial.KIND, name=stray, namespace=parsed.namespace)
        del owned[stray]
        events.append(Event("Normal", "CellDeleted", f"ToolTrial {stray} is no longer in the matrix"))
    return tuple(events)


def _create_or_update(
    parsed: trialset.TrialSet,
    cells: list[trialset.Cell],
    owned: dict[str, dict[str, Any]],
    *,
    deps: Dependencies,
) -> tuple[Event, ...]:
    """Apply each existing cell (a template change reaches it); create new ones within parallelism."""
    events = []
    busy = trialset.unfinished(cells, owned)
    for cell in cells:
        exists = cell.name in owned
        if not exists and busy >= parsed.parallelism:
            continue
        owned[cell.name] = deps.cluster.apply(
            trialset.build_trial(parsed, cell), namespace=parsed.namespace, field_manager="toollab-set"
        )
        if not exists:
            busy += 1
            events.append(Event("Normal", "CellCreated", f"ToolTrial {cell.name} created"))
    return tuple(events)


def _status(
    parsed: trialset.TrialSet,
    cells: list[trialset.Cell],
    owned: Mapping[str, Mapping[str, Any]],
    *,
    versions: list[str],
    checked: datetime | None,
    old: Mapping[str, Any],
    now: datetime,
) -> dict[str, Any]:
    figures = trialset.summarize(cells, owned)
    ready = figures["phase"] == "Passed"
    status = {
        "observedGeneration": parsed.generation,
        **figures,
        "versions": versions or None,
        "versionsCheckedAt": None if checked is None else stored.format_time(checked),
        "message": None,
    }
    state = "True" if ready else ("Unknown" if figures["phase"] == "Running" else "False")
    status["conditions"] = [_ready(old, state, figures["phase"], figures["summary"], parsed.generation, now)]
    return status


def _ready(
    old: Mapping[str, Any], state: str, reason: str, message: str, generation: int, now: datetime
) -> dict[str, Any]:
    """The Ready condition; its lastTransitionTime moves only when its status does."""
    before = next(
        (c for c in old.get("conditions") or () if isinstance(c, Mapping) and c.get("type") == "Ready"), {}
    )
    since = before.get("lastTransitionTime") if before.get("status") == state else stored.format_time(now)
    return {
        "type": "Ready", "status": state, "reason": reason, "message": conditions.trim(message),
        "lastTransitionTime": since, "observedGeneration": generation,
    }  # fmt: skip


def _stalled(
    body: Mapping[str, Any],
    old: Mapping[str, Any],
    exc: errors.ToollabError,
    *,
    deps: Dependencies,
    now: datetime,
) -> SetPass:
    """A set that cannot be expanded (bad spec, unreadable index) says why in its status."""
    meta = body.get("metadata") or {}
    generation = int(meta.get("generation") or 0)
    reason = "InvalidSpec" if isinstance(exc, errors.SpecError) else exc.reason
    status = {
        "observedGeneration": generation,
        "phase": "Error",
        "message": conditions.trim(str(exc)),
        "conditions": [_ready(old, "False", reason, str(exc), generation, now)],
    }
    if {k: old.get(k) for k in status} != status:
        _write(deps, str(meta.get("name")), str(meta.get("namespace")), {**old, **status})
        return SetPass(delay=30.0 if exc.retryable else None, events=(Event("Warning", reason, str(exc)),))
    return SetPass(delay=30.0 if exc.retryable else None)


def _write(deps: Dependencies, name: str, namespace: str, status: Mapping[str, Any]) -> None:
    deps.cluster.patch_status(trial.API_VERSION, trialset.KIND, name=name, namespace=namespace, status=status)
