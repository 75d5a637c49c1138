"""parse_trial(body) -> ToolTrial: check a stored ToolTrial and build the frozen model.

Checks everything the CRD's schema and CEL rules check (so it also works where that
validation was skipped), raising SpecError with the exact field path. Pure: no I/O.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from toollab import errors
from toollab.model import celparts, durations, fields, limits, parts, step, trial
from toollab.model import schedule as schedules

# Limits shared with the CRD (tests/unit/test_crd.py holds the two in step).
MAX_STEPS = 50
MAX_OBJECTS = 100  # per step part (apply, assert, errors, delete)
MAX_INLINE = 500
MAX_URLS = 20
MAX_VALUES_FROM = 16
MAX_ARGS = 64  # run.command, run.args, run.env

STEP_PARTS = ("apply", "assert", "errors", "delete", "run", "cel")

Body = Mapping[str, Any]


def parse_trial(body: Body) -> trial.ToolTrial:
    """The ToolTrial in `body`; SpecError(path, message) on the first problem found."""
    body = fields.as_mapping(body, "")
    meta = fields.as_mapping(body.get("metadata") or {}, "metadata")
    name = fields.string(meta, "name", "metadata", required=True)
    spec = fields.as_mapping(fields.required_value(body, "spec", ""), "spec")
    limits.check_spec(spec)
    tool, source = _tool(fields.as_mapping(fields.required_value(spec, "tool", "spec"), "spec.tool"))
    return trial.ToolTrial(
        name=name,
        namespace=fields.string(meta, "namespace", "metadata"),
        uid=fields.string(meta, "uid", "metadata"),
        generation=fields.integer(meta, "generation", "metadata", default=0),
        tool=tool,
        source=source,
        target=_target(spec, trial_name=name),
        service_account=_service_account(spec),
        steps=_steps(spec),
        timeout_seconds=_timeout(spec),
        cleanup=_cleanup(spec),
        schedule=_schedule(spec),
        suspend=fields.boolean(spec, "suspend", "spec", False),
        history_limit=_history_limit(spec),
    )


def find_problems(body: Body) -> list[errors.SpecError]:
    """What parse_trial would reject, part by part (each step on its own), for `toollab validate`."""
    try:
        body = fields.as_mapping(body, "")
        meta = fields.as_mapping(body.get("metadata") or {}, "metadata")
        spec = fields.as_mapping(fields.required_value(body, "spec", ""), "spec")
        limits.check_spec(spec)
        items = fields.list_of(spec, "steps", "spec", max_items=MAX_STEPS)
    except errors.SpecError as exc:
        return [exc]
    name = meta.get("name") if isinstance(meta.get("name"), str) else ""
    checks: list[Callable[[], object]] = [
        lambda: fields.string(meta, "name", "metadata", required=True),
        lambda: _tool(fields.as_mapping(fields.required_value(spec, "tool", "spec"), "spec.tool")),
        lambda: _target(spec, trial_name=name or "x"),
        lambda: _service_account(spec),
        lambda: _timeout(spec),
        lambda: _cleanup(spec),
        lambda: _schedule(spec),
        lambda: fields.boolean(spec, "suspend", "spec", False),
        lambda: _history_limit(spec),
        lambda: _unique_names(items),
        lambda: _dialect(spec, "spec", step.DIALECTS[0]),
    ]
    dialect = str(spec["dialect"]) if spec.get("dialect") in step.DIALECTS else step.DIALECTS[0]
    checks += [partial(_step, item, f"spec.steps[{i}]", dialect) for i, item in enumerate(items)]
    found = []
    for check in checks:
        try:
            check()
        except errors.SpecError as exc:
            found.append(exc)
    return found


# --- spec.tool ---------------------------------------------------------------------------


def _tool(tool: Body) -> tuple[trial.Tool, trial.Source]:
    name = fields.string(tool, "name", "spec.tool", required=True, max_length=253)
    version = fields.string(tool, "version", "spec.tool") or None
    if tool.get("profile") is not None:  # the operator and `validate` expand it first (model.profile)
        raise errors.SpecError("spec.tool.profile", "names a ToolProfile that was not resolved")
    given = [key for key in ("helm", "manifests", "parts") if tool.get(key) is not None]
    if len(given) != 1:
        what = "needs a source" if not given else "has two sources"
        raise errors.SpecError("spec.tool", f"{what}: set exactly one of helm, manifests, parts or profile")
    resolved = fields.string(tool, parts.RESOLVED_FROM, "spec.tool") or None  # set by the expansion
    preset = fields.string(tool, "preset", "spec.tool") or None
    tool_model = trial.Tool(name, version, profile=resolved, preset=preset)
    if given[0] == "parts":
        return tool_model, parts.parse_parts(tool, "spec.tool", helm=_helm, manifests=_manifests)
    if given[0] == "helm":
        return tool_model, _helm(fields.as_mapping(tool["helm"], "spec.tool.helm"))
    return tool_model, _manifests(fields.as_mapping(tool["manifests"], "spec.tool.manifests"))


def _helm(helm: Body, path: str = "spec.tool.helm") -> trial.HelmSource:
    values = fields.as_mapping(helm.get("values") or {}, f"{path}.values")
    refs = fields.list_of(helm, "valuesFrom", path, max_items=MAX_VALUES_FROM)
    return trial.HelmSource(
        repo=fields.string(helm, "repo", path, required=True, pattern=fields.REPO_URL),
        chart=fields.string(helm, "chart", path, required=True),
        version=fields.string(helm, "version", path) or None,
        values=copy.deepcopy(dict(values)),
        values_from=tuple(_values_from(item, f"{path}.valuesFrom[{i}]") for i, item in enumerate(refs)),
    )


def _values_from(item: Any, path: str) -> trial.KeyRef:
    item = fields.as_mapping(item, path)
    config_map, secret = item.get("configMapRef"), item.get("secretRef")
    if (config_map is None) == (secret is None):
        raise errors.SpecError(path, "set exactly one of configMapRef or secretRef")
    if config_map is not None:
        return _key_ref(config_map, f"{path}.configMapRef", trial.RefKind.CONFIG_MAP)
    return _key_ref(secret, f"{path}.secretRef", trial.RefKind.SECRET)


def _key_ref(value: Any, path: str, kind: trial.RefKind) -> trial.KeyRef:
    ref = fields.as_mapping(value, path)
    name = fields.string(ref, "name", path, required=True, pattern=fields.DNS_SUBDOMAIN, max_length=253)
    return trial.KeyRef(
        kind=kind, name=name, key=fields.string(ref, "key", path, required=True, max_length=253)
    )


def _manifests(manifests: Body, path: str = "spec.tool.manifests") -> trial.ManifestSource:
    inline = fields.objects(manifests, "inline", path, max_items=MAX_INLINE)
    urls = fields.list_of(manifests, "urls", path, max_items=MAX_URLS)
    ref = manifests.get("configMapRef")
    if not (inline or urls or ref is not None):
        raise errors.SpecError(path, "needs at least one of inline, urls or configMapRef")
    return trial.ManifestSource(
        inline=inline,
        urls=tuple(_url(url, f"{path}.urls[{i}]") for i, url in enumerate(urls)),
        config_map_ref=None
        if ref is None
        else _key_ref(ref, f"{path}.configMapRef", trial.RefKind.CONFIG_MAP),
    )


def _url(value: Any, path: str) -> str:
    if not isinstance(value, str) or not re.match(fields.MANIFEST_URL, value):
        raise errors.SpecError(path, f"{fields.show(value)} is not a https:// or http:// URL")
    return value


# --- spec.target, spec.cleanup ------------------------------------------------------------


def _target(spec: Body, *, trial_name: str) -> trial.Target:
    target = fields.as_mapping(spec.get("target") or {}, "spec.target")
    path = "spec.target"
    namespace = fields.string(target, "namespace", path, pattern=fields.DNS_LABEL, max_length=63)
    if not namespace:
        namespace = f"trial-{trial_name}"
        if len(namespace) > 63 or not re.match(fields.DNS_LABEL, namespace):
            raise errors.SpecError(
                f"{path}.namespace", f'the default "{namespace}" is not a valid namespace name; set one'
            )
    return trial.Target(
        namespace=namespace, create_namespace=fields.boolean(target, "createNamespace", path, True)
    )


def _service_account(spec: Body) -> str | None:
    return (
        fields.string(spec, "serviceAccountName", "spec", pattern=fields.DNS_SUBDOMAIN, max_length=253)
        or None
    )


def _timeout(spec: Body) -> float:
    return durations.parse_duration(spec.get("timeout", trial.DEFAULT_TIMEOUT), path="spec.timeout")


def _cleanup(spec: Body) -> trial.Cleanup:
    path = "spec.cleanup"
    cleanup = fields.as_mapping(spec.get("cleanup") or {}, path)
    policy = cleanup.get("policy", trial.CleanupPolicy.DELETE.value)
    choices = [str(p) for p in trial.CleanupPolicy]
    if policy not in choices:
        raise errors.SpecError(f"{path}.policy", f"{fields.show(policy)} is not one of {', '.join(choices)}")
    ttl = fields.integer(cleanup, "ttlSecondsAfterFinished", path, default=None, minimum=0)
    limits.check_ttl(ttl, path=f"{path}.ttlSecondsAfterFinished")
    return trial.Cleanup(policy=trial.CleanupPolicy(policy), ttl_seconds_after_finished=ttl)


def _schedule(spec: Body) -> schedules.Schedule | None:
    value = spec.get("schedule")
    if value is None:
        return None
    parsed = schedules.parse_schedule(value, path="spec.schedule")
    cleanup = spec.get("cleanup")
    if isinstance(cleanup, Mapping) and cleanup.get("ttlSecondsAfterFinished") is not None:
        raise errors.SpecError(
            "spec.cleanup.ttlSecondsAfterFinished",
            "deletes the trial after a run, but spec.schedule runs it again: set one or the other",
        )
    return parsed


def _history_limit(spec: Body) -> int:
    limit: int = fields.integer(
        spec, "historyLimit", "spec", default=schedules.DEFAULT_HISTORY_LIMIT, minimum=1
    )
    if limit > schedules.MAX_HISTORY_LIMIT:
        raise errors.SpecError("spec.historyLimit", f"{limit} is more than {schedules.MAX_HISTORY_LIMIT}")
    return limit


def _steps(spec: Body) -> tuple[step.Step, ...]:
    items = fields.list_of(spec, "steps", "spec", max_items=MAX_STEPS)
    dialect = _dialect(spec, "spec", step.DIALECTS[0])
    steps = tuple(_step(item, f"spec.steps[{i}]", dialect) for i, item in enumerate(items))
    _unique_names(items)
    return steps


def _unique_names(items: list[Any]) -> None:
    seen: set[str] = set()
    for i, item in enumerate(items):
        name = item.get("name") if isinstance(item, Mapping) else None
        if isinstance(name, str) and name in seen:
            raise errors.SpecError(f"spec.steps[{i}].name", f'step names must be unique: "{name}" repeats')
        if isinstance(name, str):
            seen.add(name)


def _dialect(mapping: Body, path: str, default: str) -> str:
    """`dialect`: one of step.DIALECTS, else `default`."""
    value = mapping.get("dialect", default)
    if value not in step.DIALECTS:
        raise errors.SpecError(
            f"{path}.dialect", f"{fields.show(value)} is not one of {', '.join(step.DIALECTS)}"
        )
    return str(value)


def _step(value: Any, path: str, dialect: str = step.DIALECTS[0]) -> step.Step:
    item = fields.as_mapping(value, path)
    name = fields.string(item, "name", path, required=True, pattern=fields.STEP_NAME, max_length=63)
    if all(fields.is_empty(item.get(part)) for part in STEP_PARTS):
        raise errors.SpecError(path, f'step "{name}" has nothing to do (need one of {", ".join(STEP_PARTS)})')
    run = item.get("run")
    return step.Step(
        name=name,
        timeout_seconds=durations.parse_duration(
            item.get("timeout", step.DEFAULT_STEP_TIMEOUT), path=f"{path}.timeout"
        ),
        apply=fields.objects(item, "apply", path, max_items=MAX_OBJECTS),
        asserts=fields.objects(item, "assert", path, max_items=MAX_OBJECTS),
        errors=fields.objects(item, "errors", path, max_items=MAX_OBJECTS),
        delete=_deletions(item, path),
        run=None if run is None else _run(run, f"{path}.run"),
        dialect=_dialect(item, path, dialect),
        **celparts.parse(item, path),
    )


def _deletions(item: Body, path: str) -> tuple[step.Object, ...]:
    objects = fields.objects(item, "delete", path, max_items=MAX_OBJECTS)
    for i, obj in enumerate(objects):
        meta = obj.get("metadata")
        if not isinstance(meta, Mapping) or not (meta.get("name") or meta.get("labels")):
            raise errors.SpecError(
                f"{path}.delete[{i}]", "name the object (metadata.name) or select it (metadata.labels)"
            )
    return objects


def _run(value: Any, path: str) -> step.RunSpec:
    run = fields.as_mapping(value, path)
    env = fields.list_of(run, "env", path, max_items=MAX_ARGS)
    return step.RunSpec(
        image=fields.string(run, "image", path, required=True),
        command=fields.strings(run, "command", path, max_items=MAX_ARGS),
        args=fields.strings(run, "args", path, max_items=MAX_ARGS),
        env=tuple(_env(item, f"{path}.env[{i}]") for i, item in enumerate(env)),
    )


def _env(value: Any, path: str) -> step.EnvVar:
    env = fields.as_mapping(value, path)
    return step.EnvVar(fields.string(env, "name", path, required=True), fields.string(env, "value", path))
