"""The guards around Kopf: no diffbase for trials, safe decoding, and the watchdog of watchers."""

from __future__ import annotations

import asyncio

import kopf
import pytest
from kopf._cogs.clients import api as kopf_api

from toollab.cluster import decoding
from toollab.handlers import guard


def storage() -> guard.TrialsWithoutDiffBase:
    return guard.TrialsWithoutDiffBase(prefix="toollab.dev", key="last-handled-configuration")


def body(kind: str, api_version: str) -> kopf.Body:
    return kopf.Body({"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}, "spec": {"a": 1}})


def test_a_trial_gets_no_last_handled_configuration() -> None:
    trial = body("ToolTrial", "toollab.dev/v1alpha1")
    patch = kopf.Patch()
    storage().store(body=trial, patch=patch, essence=kopf.BodyEssence({"spec": {"a": 1}}))
    assert dict(patch) == {}
    assert storage().fetch(body=trial) is None


def test_a_trial_set_keeps_its_diffbase() -> None:
    trial_set = body("ToolTrialSet", "toollab.dev/v1alpha1")
    patch = kopf.Patch()
    storage().store(body=trial_set, patch=patch, essence=kopf.BodyEssence({"spec": {"a": 1}}))
    annotations = patch["metadata"]["annotations"]
    assert annotations["toollab.dev/last-handled-configuration"] == '{"spec":{"a":1}}\n'


def test_kopf_decodes_through_the_guard() -> None:
    guard.install_decoding()
    deep = b'{"a":' * 2000 + b"1" + b"}" * 2000
    assert kopf_api.json.loads(deep) == decoding.loads(deep)  # type: ignore[attr-defined]


def test_the_watchdog_fails_once_a_watcher_failed_not_when_one_was_cancelled() -> None:
    async def scenario() -> list[str]:
        dog = guard.Watchdog()

        async def failing() -> None:
            await asyncio.sleep(0.05)
            raise RecursionError("maximum recursion depth exceeded while decoding a JSON object")

        broken = asyncio.create_task(failing(), name="watcher for tooltrials@lab")
        cancelled = asyncio.create_task(asyncio.sleep(10), name="watcher for tooltrials@gone")
        healthy = asyncio.create_task(asyncio.sleep(10), name="watcher for tooltrials@other")
        dog.check()  # all running: healthy
        cancelled.cancel()
        await asyncio.gather(broken, cancelled, return_exceptions=True)
        with pytest.raises(kopf.PermanentError, match="watching stopped: tooltrials@lab"):
            dog.check()
        healthy.cancel()
        return dog.stopped()

    assert asyncio.run(scenario()) == ["tooltrials@lab"]
