"""What keeps Kopf's watch alive whatever a trial holds: decoding, diffbase, and the watchdog.

- Kopf decodes watch events and list answers with `json.loads`: both go through
  `cluster.decoding.loads`, which cuts values nested too deeply to decode (no RecursionError).
- Kopf keeps a copy of every object it handled in a `last-handled-configuration` annotation;
  a trial over 256 KiB then makes every Kopf patch fail. The engine never uses Kopf's diffs, so
  for ToolTrials that storage stores nothing (ToolTrialSets keep theirs: their `wake` handler
  reacts to spec changes).
- `Watchdog` remembers Kopf's watcher tasks; the liveness probe fails once any has stopped.

Wiring only: no trial logic.
"""

from __future__ import annotations

import asyncio
import json
import logging
import types
from typing import Any

import aiohttp
import kopf
from kopf._cogs.clients import api as kopf_api

from toollab.cluster import decoding
from toollab.model import trial

log = logging.getLogger(__name__)
WATCHER_PREFIX = "watcher for "  # how Kopf names the task watching one resource in one namespace
SAMPLE_SECONDS = 0.5


def install_decoding() -> None:
    """Kopf's watch streams and its list, get and patch answers decode through `decoding.loads`."""
    kopf_api.json = types.SimpleNamespace(loads=decoding.loads, dumps=json.dumps)  # type: ignore[attr-defined,assignment]
    defaults = aiohttp.ClientResponse.json.__kwdefaults__
    if defaults is not None:
        defaults["loads"] = decoding.loads


class TrialsWithoutDiffBase(kopf.AnnotationsDiffBaseStorage):
    """Stores nothing for ToolTrials (their spec may be up to 512 KiB), annotations for the rest."""

    def fetch(self, *, body: kopf.Body) -> kopf.BodyEssence | None:
        """No earlier state for a ToolTrial: Kopf's diffs are not used for them."""
        return None if _is_trial(body) else super().fetch(body=body)

    def store(self, *, body: kopf.Body, patch: kopf.Patch, essence: kopf.BodyEssence) -> None:
        """Nothing for a ToolTrial; the annotation for anything else."""
        if not _is_trial(body):
            super().store(body=body, patch=patch, essence=essence)


def _is_trial(body: kopf.Body) -> bool:
    return body.get("kind") == trial.KIND and str(body.get("apiVersion", "")).startswith(trial.GROUP + "/")


class Watchdog:
    """Kopf's watcher tasks as last seen: a watcher that failed or ended is a stopped watch."""

    def __init__(self) -> None:
        self._tasks: dict[str, asyncio.Task[Any]] = {}

    def sample(self) -> None:
        """Remember every running watcher task (a newer task of the same name replaces the old)."""
        for task in asyncio.all_tasks():
            name = task.get_name()
            if name.startswith(WATCHER_PREFIX) and not task.done():
                self._tasks[name] = task

    def stopped(self) -> list[str]:
        """Watchers that failed or ended by themselves (cancelled ones were stopped on purpose)."""
        return sorted(
            name[len(WATCHER_PREFIX) :]
            for name, task in self._tasks.items()
            if task.done() and not task.cancelled()
        )

    def check(self) -> None:
        """Raise kopf.PermanentError (the liveness probe answers 500) when a watch has stopped."""
        self.sample()
        stopped = self.stopped()
        if stopped:
            raise kopf.PermanentError(f"watching stopped: {', '.join(stopped)}")

    async def run(self) -> None:
        """Sample every SAMPLE_SECONDS, logging a stopped watch once."""
        reported: set[str] = set()
        while True:
            self.sample()
            for name in set(self.stopped()) - reported:
                log.critical("toollab: the watch of %s stopped; the liveness probe fails", name)
                reported.add(name)
            await asyncio.sleep(SAMPLE_SECONDS)
