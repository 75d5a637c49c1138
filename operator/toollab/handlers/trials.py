"""Kopf's watch of ToolTrials feeds the engine: every event, the initial listing included.

No handler blocks and none writes: the engine decides, its worker pools act, and all trial
state lives in `.status` (written by the runner's reconcile pass).
"""

from __future__ import annotations

from typing import Any

import kopf

from toollab.handlers import metrics
from toollab.model import trial as trial_model

RESOURCE = (trial_model.GROUP, trial_model.VERSION, trial_model.PLURAL)


@kopf.on.event(*RESOURCE, id="observe")
async def observe_trial(*, event: kopf.RawEvent, memo: Any, **_: Any) -> None:
    """Hand the trial as it is now to the engine (which ignores what is not its own)."""
    kind, body = event.get("type"), event["object"]
    if kind == "DELETED":  # a trial that is gone leaves no regression series behind
        meta = body.get("metadata") or {}
        metrics.forget(str(meta.get("namespace", "")), str(meta.get("name", "")))
    memo.engine.observe(kind, body)
