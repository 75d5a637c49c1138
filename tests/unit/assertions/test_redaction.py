"""A Secret that does not match says which key differs and the lengths, never a value."""

from __future__ import annotations

from typing import Any

import pytest

from toollab.assertions import dialect, selection, verdict
from toollab.reports import text

ACTUAL_VALUE = "c3VwZXItc2VjcmV0LXBhc3N3b3Jk"  # the live value (base64)
EXPECTED_VALUE = "d3Jvbmc="


def secret(data: dict[str, Any], **extra: Any) -> dict[str, Any]:
    meta = {"name": "db", "namespace": "trial-t"}
    return {"apiVersion": "v1", "kind": "Secret", "metadata": meta, "data": data, **extra}


LOOKUP = selection.Lookup("v1", "Secret", "db", "trial-t")


@pytest.mark.parametrize("chosen", list(dialect.Dialect))
def test_a_secret_mismatch_names_the_key_and_the_lengths_only(chosen: dialect.Dialect) -> None:
    actual = secret({"password": ACTUAL_VALUE, "user": "YWRtaW4="}, stringData={"token": "live-token"})
    expected = secret({"password": EXPECTED_VALUE}, stringData={"token": "other-token"})
    failure = verdict.judge_assert(expected, [actual], lookup=LOOKUP, dialect=chosen)
    assert failure is not None
    shown = "\n".join(
        [
            failure.message,
            text.summarise(verdict.StepOutcome(passed=False, failures=(failure,))),
            text.format_outcome(verdict.StepOutcome(passed=False, failures=(failure,)), verbose=True),
        ]
    )
    for value in (ACTUAL_VALUE, EXPECTED_VALUE, "live-token", "other-token", "YWRtaW4="):
        assert value not in shown
    assert 'data.password: expected "<secret of 8 characters>", got "<secret of 28 characters>"' in shown


def test_a_missing_secret_key_is_named_without_the_expected_value() -> None:
    failure = verdict.judge_assert(secret({"apiKey": "c2VjcmV0"}), [secret({"other": "eA=="})], lookup=LOOKUP)
    assert failure is not None
    assert "c2VjcmV0" not in failure.message
    assert 'data.apiKey: expected "<secret of 8 characters>", got nothing' in failure.message


def test_other_kinds_still_show_their_values() -> None:
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "n"}}
    failure = verdict.judge_assert(
        {**config, "data": {"k": "want"}},
        [{**config, "data": {"k": "have"}}],
        lookup=selection.Lookup("v1", "ConfigMap", "c", "n"),
    )
    assert failure is not None and '"want"' in failure.message and '"have"' in failure.message
