"""Chainsaw's waiting and collecting operations: sleep, wait, get, describe, events, podLogs.

Chainsaw runs `kubectl` for these; toollab asks the API server directly, so no kubectl is needed:
`get` and `describe` print the objects as YAML (or JSON), `events` a table of the namespace's
events, `podLogs` the pods' logs; `wait` polls for a condition, creation, deletion or a
`{.json.path}` value. Sleeps only through the runtime's `sleep`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import yaml

from toollab import errors
from toollab.assertions import verdict
from toollab.reports import text
from toollab.suites.chainsaw import context as contexts
from toollab.suites.chainsaw import expectations, model
from toollab.suites.core import polling

MAX_OBJECTS_SHOWN = 20


def run(operation: model.Operation, context: contexts.Context) -> expectations.Done:
    """Perform one waiting or collecting operation."""
    if operation.kind == "sleep":
        polling.pause(float(operation.body.get("duration") or 0), sleep=context.runtime.sleep)
        return expectations.Done()
    if operation.kind == "wait":
        return _wait(operation, context)
    if operation.kind == "podLogs":
        return _logs(operation, context)
    if operation.kind == "events":
        kind = {"apiVersion": "v1", "kind": "Event"}
        return expectations.Done(log=(_event_table(_select({**operation.body, **kind}, context)),))
    objects = _select(operation.body, context)
    if not objects and operation.body.get("name"):
        return expectations.Done(
            failure=f"{operation.body.get('kind')} {operation.body.get('name')} not found"
        )
    return expectations.Done(log=(_render(objects, operation.body.get("format")),))


def _select(body: Mapping[str, Any], context: contexts.Context) -> list[dict[str, Any]]:
    """The objects a collector names: by name, by label selector, or all of the kind."""
    api_version, kind = str(body.get("apiVersion") or ""), str(body.get("kind") or "")
    if not api_version or not kind:
        raise errors.SpecError(kind or "collector", "needs apiVersion and kind")
    cluster = context.runtime.cluster
    info = cluster.resource(api_version, kind)
    namespace = (context.evaluate(body.get("namespace")) or context.namespace) if info.namespaced else None
    name = context.evaluate(body.get("name"))
    if name:
        found = cluster.get(api_version, kind, name=str(name), namespace=namespace)
        return [found] if found is not None else []
    return cluster.list(
        api_version, kind, namespace=namespace, labels=_selector(body.get("selector"), context)
    )


def _selector(value: Any, context: contexts.Context) -> dict[str, str] | None:
    """`app=web,tier=front` (equality only) as a label map."""
    text = context.evaluate(value) if value else ""
    if not text:
        return None
    labels = {}
    for part in str(text).split(","):
        key, sep, val = part.partition("=")
        if not sep or not key.strip() or "!" in key:
            raise errors.SpecError("selector", f"only equality selectors are supported: {text!r}")
        labels[key.strip()] = val.strip().lstrip("=")
    return labels


def _wait(operation: model.Operation, context: contexts.Context) -> expectations.Done:
    body, runtime = operation.body, context.runtime
    wanted = body.get("for")
    condition: Mapping[str, Any] = wanted if isinstance(wanted, Mapping) else {}
    timeout = context.timeout("exec", operation)
    waiting = polling.retry(
        lambda: _waiting_on(condition, _select(body, context), body),
        done=lambda left: not left,
        timeout=timeout,
        interval=runtime.poll_interval,
        clock=runtime.clock,
        sleep=runtime.sleep,
    )
    return expectations.Done(failure=f"timed out after {timeout:g}s waiting for {waiting}" if waiting else "")


def _waiting_on(condition: Mapping[str, Any], objects: list[dict[str, Any]], body: Mapping[str, Any]) -> str:
    """What is not there yet (empty when the wait is over)."""
    what = f"{body.get('kind')} {body.get('name') or '(all)'}"
    if "deletion" in condition:
        return f"deletion of {what}" if objects else ""
    if not objects:
        return f"{what} to exist"
    if "creation" in condition:
        return ""
    if isinstance(condition.get("condition"), Mapping):
        wanted = condition["condition"]
        name, value = str(wanted.get("name") or ""), str(wanted.get("value") or "true")
        missing = [o for o in objects if not _has_condition(o, name, value)]
        return f"condition {name}={value} on {_names(missing)}" if missing else ""
    if isinstance(condition.get("jsonPath"), Mapping):
        path, value = (
            str(condition["jsonPath"].get("path") or ""),
            str(condition["jsonPath"].get("value") or ""),
        )
        missing = [o for o in objects if _json_path(o, path) != value]
        return f"{path}={value} on {_names(missing)}" if missing else ""
    raise errors.SpecError("wait.for", "needs condition, creation, deletion or jsonPath")


def _has_condition(obj: Mapping[str, Any], name: str, value: str) -> bool:
    for condition in (obj.get("status") or {}).get("conditions") or []:
        if str(condition.get("type", "")).lower() == name.lower():
            return str(condition.get("status", "")).lower() == value.lower()
    return False


def _json_path(obj: Any, path: str) -> str:
    """A simple kubectl JSONPath (`{.status.phase}`, `{.items[0].x}`) as text; "" when absent."""
    current = obj
    for part in path.strip().strip("{}").strip(".").replace("[", ".[").split("."):
        if not part:
            continue
        if part.startswith("[") and part.endswith("]") and part[1:-1].isdigit():
            index = int(part[1:-1])
            current = current[index] if isinstance(current, list) and index < len(current) else None
        else:
            current = current.get(part) if isinstance(current, Mapping) else None
    return "" if current is None else current if isinstance(current, str) else json.dumps(current)


def _logs(operation: model.Operation, context: contexts.Context) -> expectations.Done:
    body = operation.body
    pods = _select({**body, "apiVersion": "v1", "kind": "Pod"}, context)
    tail = body.get("tail") if isinstance(body.get("tail"), int) else (10 if body.get("selector") else None)
    sections = []
    for pod in pods:
        meta = pod.get("metadata") or {}
        try:
            text = context.runtime.cluster.pod_logs(
                name=meta["name"],
                namespace=meta.get("namespace", ""),
                container=body.get("container"),
                tail=tail,
            )
        except errors.ClusterError as exc:
            return expectations.Done(failure=f"logs of Pod {meta.get('name')}: {exc}")
        sections.append(f"Pod {meta.get('name')}:\n{text.rstrip()}")
    return expectations.Done(log=tuple(sections))


def _render(objects: list[dict[str, Any]], fmt: Any) -> str:
    shown = [text.strip_volatile(obj) for obj in objects[:MAX_OBJECTS_SHOWN]]
    more = f"\n… {len(objects) - len(shown)} more" if len(objects) > len(shown) else ""
    if fmt == "json":
        return json.dumps(shown, indent=2, sort_keys=True) + more
    return yaml.safe_dump_all(shown, sort_keys=True).rstrip() + more if shown else "(none)"


def _event_table(events: list[dict[str, Any]]) -> str:
    rows = ["TYPE     REASON               OBJECT                         MESSAGE"]
    for event in sorted(events, key=lambda e: str(e.get("lastTimestamp") or e.get("eventTime") or "")):
        involved = event.get("involvedObject") or {}
        target = f"{str(involved.get('kind', '')).lower()}/{involved.get('name', '')}"
        message = str(event.get("message", "")).replace("\n", " ")
        rows.append(f"{event.get('type', ''):<8} {event.get('reason', ''):<20} {target:<30} {message}")
    return "\n".join(rows) if len(rows) > 1 else "(no events)"


def _names(objects: list[dict[str, Any]]) -> str:
    return ", ".join(verdict.object_subject(o) for o in objects)
