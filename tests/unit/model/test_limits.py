"""Input bounds: nesting, size, durations and TTL are refused past their limits, without overflow."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.model.samples import body_with
from toollab import errors
from toollab.model import durations, limits, parse


def nested(levels: int) -> Any:
    """A value `levels` deep (built without recursion)."""
    value: Any = "leaf"
    for _ in range(levels):
        value = {"a": value}
    return value


def test_depth_counts_levels_of_objects_and_lists() -> None:
    assert limits.depth("x") == 0
    assert limits.depth({}) == 1
    assert limits.depth({"a": [1, {"b": []}]}) == 4
    assert limits.depth(nested(7)) == 7


def test_depth_of_a_thousand_levels_does_not_recurse() -> None:
    assert limits.depth(nested(5000), stop_after=10_000) == 5000


@pytest.mark.parametrize("levels", [limits.MAX_DEPTH, limits.MAX_DEPTH + 1, 1200])
def test_a_spec_deeper_than_the_limit_is_an_invalid_spec(levels: int) -> None:
    # spec, tool and helm are three levels above the values
    body = body_with({"spec.tool.helm.values": nested(levels - 3)})
    if levels <= limits.MAX_DEPTH:
        parse.parse_trial(body)
        return
    with pytest.raises(errors.SpecError, match=f"spec: nested deeper than {limits.MAX_DEPTH} levels"):
        parse.parse_trial(body)
    assert [str(p) for p in parse.find_problems(body)] == [
        f"spec: nested deeper than {limits.MAX_DEPTH} levels"
    ]


def test_a_spec_larger_than_the_limit_is_an_invalid_spec() -> None:
    parse.parse_trial(body_with({"spec.tool.helm.values": {"blob": "x" * 300_000}}))
    with pytest.raises(errors.SpecError, match=r"spec: is \d+ bytes as JSON, more than 524288 \(512 KiB\)"):
        parse.parse_trial(body_with({"spec.tool.helm.values": {"blob": "x" * limits.MAX_SPEC_BYTES}}))


@pytest.mark.parametrize(
    ("timeout", "expected"),
    [
        ("99999999h", 'spec.timeout: "99999999h" is longer than 24h'),
        ("24h1s", 'spec.timeout: "24h1s" is longer than 24h'),
        ("999999999999999999999h", 'spec.timeout: "999999999999999999999h" is not a duration'),
        ("1" * 400 + "s", "is not a duration"),
    ],
)
def test_durations_past_24h_or_with_too_many_digits_are_refused(timeout: str, expected: str) -> None:
    with pytest.raises(errors.SpecError) as caught:
        parse.parse_trial(body_with({"spec.timeout": timeout}))
    assert expected in str(caught.value)


def test_a_step_timeout_is_bounded_too() -> None:
    with pytest.raises(errors.SpecError, match=r"spec.steps\[0\].timeout: \"25h\" is longer than 24h"):
        parse.parse_trial(body_with({"spec.steps.0.timeout": "25h"}))
    assert durations.parse_duration("24h", path="x") == 86400


def test_ttl_seconds_after_finished_is_at_most_thirty_days() -> None:
    parse.parse_trial(body_with({"spec.cleanup.ttlSecondsAfterFinished": limits.MAX_TTL_SECONDS}))
    with pytest.raises(
        errors.SpecError, match="ttlSecondsAfterFinished: must be 2592000 \\(30 days\\) or less"
    ):
        parse.parse_trial(body_with({"spec.cleanup.ttlSecondsAfterFinished": 9223372036854775807}))
