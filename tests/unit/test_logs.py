"""Operator log lines: each one about a trial names it, its generation, the action and the reason."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from toollab import logs


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        yield logging.getLogger("toollab.test"), stream
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        for name in [*logs.QUIET, *logs.QUIETER]:
            logging.getLogger(name).setLevel(logging.NOTSET)


def kopf_record(message: str, *, name: str = "agent", level: int = logging.ERROR) -> logging.LogRecord:
    """A record as Kopf's object logger makes it (its `k8s_ref` extra)."""
    record = logging.LogRecord("kopf.objects", level, __file__, 1, message, None, None)
    record.k8s_ref = {
        "apiVersion": "toollab.dev/v1alpha1",
        "kind": "ToolTrial",
        "namespace": "lab",
        "name": name,
    }
    return record


def test_a_trial_line_in_text_names_trial_generation_action_and_reason(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    logs.configure(fmt="text", stream=stream)
    trial_log = logs.for_trial(logger, namespace="lab", name="agent", generation=3)
    trial_log.info("installed agent 1.0.0", extra={"action": "Install", "reason": "InstallSucceeded"})
    line = stream.getvalue().strip()
    assert line.endswith(" INFO    trial lab/agent gen 3 Install [InstallSucceeded]: installed agent 1.0.0")
    assert line[:4].isdigit() and "T" in line.split()[0] and line.split()[0].endswith("Z")


def test_json_is_one_object_per_line_with_the_trials_fields(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    logs.configure(fmt="json", stream=stream)
    logs.for_trial(logger, namespace="lab", name="agent", generation=2).info(
        'step "a\nb" failed', extra={"action": "Finish", "reason": "AssertionsFailed"}
    )
    logger.info("not about a trial")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["trial"] == "lab/agent" and first["generation"] == 2
    assert (first["action"], first["reason"], first["level"]) == ("Finish", "AssertionsFailed", "INFO")
    assert first["message"] == 'step "a\nb" failed'  # a newline stays inside its line
    assert "trial" not in second and second["logger"] == "toollab.test"


def test_kopfs_own_lines_name_the_trial_with_the_generation_last_logged(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, _ = captured
    logs.for_trial(logger, namespace="lab", name="known", generation=7)
    assert logs.trial_fields(kopf_record("Handler 'cleanup' failed", name="known")) == {
        "trial": "lab/known",
        "generation": 7,
    }
    assert logs.trial_fields(kopf_record("x", name="never-seen"))["generation"] is None
    other = kopf_record("x")
    other.k8s_ref = {"kind": "Namespace", "name": "lab"}
    assert logs.trial_fields(other) == {}


def test_kopfs_per_handler_chatter_is_hidden_unless_verbose(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    _, stream = captured
    logs.configure(fmt="text", stream=stream)
    logging.getLogger("kopf.objects").info("Daemon 'run' succeeded.")
    logging.getLogger("kopf.objects").handle(kopf_record("Handler 'cleanup' failed temporarily"))
    logging.getLogger("urllib3.connectionpool").warning("Retrying ...")
    text = stream.getvalue()
    assert "Daemon 'run' succeeded." not in text and "Retrying" not in text
    assert "ERROR   trial lab/agent" in text and "Handler 'cleanup' failed temporarily" in text
    logs.configure(fmt="text", stream=stream, verbose=True)
    logging.getLogger("kopf.objects").info("Daemon 'run' succeeded.")
    assert "Daemon 'run' succeeded." in stream.getvalue()


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="use one of text, json"):
        logs.configure(fmt="xml")
