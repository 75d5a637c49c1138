"""Operator log lines a person can triage with: each line about a trial names it
(`namespace/name`, generation) and the action; as text, or JSON with one object per line.

Standard library only: no kopf, no client. Kopf's own records about an object carry `k8s_ref`;
the formatters name the trial from it too, with the generation last logged for that trial.
"""

from __future__ import annotations

import datetime
import json
import logging
import sys
import threading
from collections.abc import Mapping, MutableMapping
from typing import Any, TextIO

FORMATS = ("text", "json")
TRIAL_KIND = "ToolTrial"
# Chatty loggers, shown only with --verbose: Kopf's per-handler successes (toollab logs each
# action itself) and its activity lines at WARNING and up; the HTTP client's retry notes (the
# failure that follows them is reported) at ERROR and up.
QUIET = {"kopf.objects": logging.WARNING, "kopf.activities": logging.WARNING}
QUIETER = {"urllib3": logging.ERROR, "kubernetes": logging.ERROR}

_generations: dict[str, int] = {}  # "namespace/name" -> the generation last logged for it
_lock = threading.Lock()


class TrialLog(logging.LoggerAdapter[logging.Logger]):
    """A logger whose records carry the trial and its generation (extra fields merge, not replace)."""

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        kwargs["extra"] = {**(self.extra or {}), **(kwargs.get("extra") or {})}
        return msg, kwargs


def for_trial(logger: logging.Logger, *, namespace: str, name: str, generation: Any = None) -> TrialLog:
    """A logger for lines about one trial."""
    trial = f"{namespace}/{name}"
    number = _as_generation(generation)
    if number is not None:
        with _lock:
            _generations[trial] = number
    return TrialLog(logger, {"trial": trial, "generation": number})


def for_body(logger: logging.Logger, body: Mapping[str, Any]) -> TrialLog:
    """A logger for lines about the trial `body` (its metadata names it)."""
    meta = body.get("metadata") or {}
    return for_trial(
        logger,
        namespace=str(meta.get("namespace") or ""),
        name=str(meta.get("name") or ""),
        generation=meta.get("generation"),
    )


def _as_generation(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def trial_fields(record: logging.LogRecord) -> dict[str, Any]:
    """trial, generation, action and reason of a record; empty for lines about no trial."""
    trial = getattr(record, "trial", None)
    ref = getattr(record, "k8s_ref", None)
    if trial is None and isinstance(ref, Mapping) and ref.get("kind") == TRIAL_KIND:
        trial = f"{ref.get('namespace')}/{ref.get('name')}"
    if trial is None:
        return {}
    generation = getattr(record, "generation", None)
    if generation is None:
        with _lock:
            generation = _generations.get(trial)
    fields = {"trial": trial, "generation": generation}
    fields.update({key: getattr(record, key) for key in ("action", "reason") if getattr(record, key, None)})
    return fields


def _timestamp(record: logging.LogRecord) -> str:
    moment = datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class TextFormatter(logging.Formatter):
    """`TIME LEVEL trial NS/NAME gen N ACTION [REASON]: message`, or `TIME LEVEL logger: message`."""

    def format(self, record: logging.LogRecord) -> str:
        fields = trial_fields(record)
        if fields:
            gen = f" gen {fields['generation']}" if fields["generation"] is not None else ""
            action = f" {fields['action']}" if "action" in fields else ""
            reason = f" [{fields['reason']}]" if "reason" in fields else ""
            about = f"trial {fields['trial']}{gen}{action}{reason}"
        else:
            about = record.name
        line = f"{_timestamp(record)} {record.levelname:<7} {about}: {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the trial's fields when about one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **trial_fields(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure(*, fmt: str = "text", verbose: bool = False, stream: TextIO | None = None) -> None:
    """Send every log record to `stream` (stderr) in `fmt`; INFO and up (DEBUG with `verbose`)."""
    if fmt not in FORMATS:
        raise ValueError(f"log format {fmt!r}: use one of {', '.join(FORMATS)}")
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for name, level in {**QUIET, **QUIETER}.items():
        logging.getLogger(name).setLevel(logging.NOTSET if verbose else level)


__all__ = [
    "FORMATS",
    "JsonFormatter",
    "TextFormatter",
    "TrialLog",
    "configure",
    "for_body",
    "for_trial",
    "trial_fields",
]
