"""A spec change (new generation) of a finished trial starts a new run that reaches its own verdict."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.e2e import trials
from tests.e2e.conftest import wait_for


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_editing_a_passed_trial_starts_a_new_run_with_fresh_steps(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    settings = trials.config_map("settings", {"level": "debug"})
    body = trials.tool_trial(
        "evolving",
        namespace,
        source=trials.manifests(trials.deployment("web")),
        steps=[trials.step("up", assert_=[trials.available("web")])],
        target=f"{namespace}-evolving",
        cleanup={"policy": "Retain"},
    )
    with trials.created(kube, body):
        first = trials.wait_phase(trial_status, "evolving", namespace, "Passed", "Failed", "Error")
        assert (first["phase"], first["observedGeneration"], first["passedText"]) == ("Passed", 1, "1/1")

        body["spec"]["steps"] = [
            trials.step("up", assert_=[trials.available("web")]),
            trials.step("configured", apply=[settings], assert_=[settings]),
        ]
        kube.create_or_merge(body, namespace=namespace)
        second = wait_for(
            lambda: (s := trial_status("evolving", namespace)).get("observedGeneration") == 2 and s,
            timeout=60,
        )
        assert second["phase"] == "Passed", second
        assert second["passedText"] == "2/2"
        assert [s["name"] for s in second["steps"]] == ["up", "configured"]
        finished_first = _time(first["finishedAt"])
        assert _time(second["startedAt"]) >= finished_first
        assert all(
            _time(s["startedAt"]) >= finished_first for s in second["steps"]
        )  # reset, not carried over
        assert trials.condition(second, "Ready")["observedGeneration"] == 2


def test_editing_a_trial_right_after_its_cleanup_installs_it_again(
    operator: Any, kube: Any, namespace: str, trial_status: Any
) -> None:
    body = trials.tool_trial(
        "again",
        namespace,
        source=trials.manifests(trials.deployment("web")),
        steps=[trials.step("up", assert_=[trials.available("web")])],
        target=f"{namespace}-again",
        cleanup={"policy": "Delete"},
    )
    with trials.created(kube, body):
        wait_for(
            lambda: trial_status("again", namespace).get("run", {}).get("stage") == "CleanedUp", timeout=60
        )
        body["spec"]["steps"][0]["timeout"] = "20s"  # a new generation while its namespace is going away
        kube.create_or_merge(body, namespace=namespace)
        second = wait_for(
            lambda: (
                (s := trial_status("again", namespace)).get("observedGeneration") == 2
                and s.get("run", {}).get("stage") == "CleanedUp"  # policy Delete: Passed, CleaningUp, Passed
                and s
            ),
            timeout=60,
        )
        assert second["result"] == "Passed", trials.condition(second, "Ready")["message"]
        assert second["phase"] == "Passed"
