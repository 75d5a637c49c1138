"""Durations as users write them in timeouts."""

from __future__ import annotations

import pytest

from toollab import errors
from toollab.model import durations


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("5m", 300), ("1h30m", 5400), ("300ms", 0.3), ("1.5s", 1.5), ("2h", 7200), ("1m30s", 90)],
)
def test_parses_go_style_durations(text: str, seconds: float) -> None:
    assert durations.parse_duration(text, path="spec.timeout") == pytest.approx(seconds)


@pytest.mark.parametrize("value", ["5 minutes", "30", "", "5M", "m5", "1h 30m", "-5s", 30, None])
def test_rejects_anything_else_naming_the_field(value: object) -> None:
    with pytest.raises(errors.SpecError) as caught:
        durations.parse_duration(value, path="spec.steps[1].timeout")
    assert caught.value.path == "spec.steps[1].timeout"
    assert "is not a duration like 30s or 5m" in caught.value.detail


def test_the_message_quotes_the_value() -> None:
    with pytest.raises(
        errors.SpecError, match=r'^spec.timeout: "5 minutes" is not a duration like 30s or 5m$'
    ):
        durations.parse_duration("5 minutes", path="spec.timeout")


def test_a_zero_duration_is_rejected() -> None:
    with pytest.raises(errors.SpecError, match="longer than 0s"):
        durations.parse_duration("0s", path="spec.timeout")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.3, "300ms"), (45, "45s"), (1.5, "1.5s"), (300, "5m"), (5400, "1h30m"), (3600, "1h")],
)
def test_formats_back_to_short_text(seconds: float, text: str) -> None:
    assert durations.format_duration(seconds) == text
    assert durations.parse_duration(text, path="x") == pytest.approx(seconds)
