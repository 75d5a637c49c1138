"""poll: rounds until pass or deadline, with a fake clock and sleep."""

from __future__ import annotations

from collections.abc import Callable

from toollab.assertions import verdict
from toollab.assertions.selection import Lookup
from toollab.suites.core import polling

FAILED = verdict.fold([verdict.not_found(Lookup("v1", "ConfigMap", "c", "ns"))])
PASSED = verdict.fold([])


class FakeTime:
    """A clock that moves only when slept on (or when a round takes time)."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def scripted(
    fake: FakeTime, outcomes: list[verdict.StepOutcome], *, takes: float = 0.0
) -> Callable[[], verdict.StepOutcome]:
    remaining = list(outcomes)

    def check() -> verdict.StepOutcome:
        fake.now += takes
        return remaining.pop(0) if len(remaining) > 1 else remaining[0]

    return check


def test_a_first_pass_returns_at_once() -> None:
    fake = FakeTime()
    assert polling.poll(scripted(fake, [PASSED]), timeout=30, clock=fake.clock, sleep=fake.sleep) == (
        PASSED,
        1,
    )
    assert fake.sleeps == []


def test_it_retries_once_a_second_until_a_pass() -> None:
    fake = FakeTime()
    outcome, attempts = polling.poll(
        scripted(fake, [FAILED, FAILED, PASSED]), timeout=30, clock=fake.clock, sleep=fake.sleep
    )
    assert (outcome, attempts) == (PASSED, 3)
    assert fake.sleeps == [1.0, 1.0]


def test_at_the_deadline_it_returns_the_last_failure() -> None:
    fake = FakeTime()
    outcome, attempts = polling.poll(
        scripted(fake, [FAILED]), timeout=3.5, clock=fake.clock, sleep=fake.sleep
    )
    assert (outcome, attempts) == (FAILED, 5)  # at 0, 1, 2, 3 and a last round at the deadline
    assert fake.sleeps == [1.0, 1.0, 1.0, 0.5]


def test_a_zero_timeout_still_runs_one_round() -> None:
    fake = FakeTime()
    assert polling.poll(scripted(fake, [FAILED]), timeout=0, clock=fake.clock, sleep=fake.sleep) == (
        FAILED,
        1,
    )
    assert fake.sleeps == []


def test_slow_rounds_shorten_the_pause() -> None:
    fake = FakeTime()
    polling.poll(scripted(fake, [FAILED, PASSED], takes=0.25), timeout=30, clock=fake.clock, sleep=fake.sleep)
    assert fake.sleeps == [0.75]


def test_a_first_interval_doubles_up_to_the_interval() -> None:
    fake = FakeTime()
    outcome, attempts = polling.poll(
        scripted(fake, [FAILED]), timeout=4.0, clock=fake.clock, sleep=fake.sleep, first_interval=0.1
    )
    assert not outcome.passed
    assert fake.sleeps == [0.1, 0.2, 0.4, 0.8, 1.0, 1.0, 0.5]  # then a last round at the deadline
    assert attempts == 8


def test_a_check_that_holds_soon_is_seen_within_the_first_interval() -> None:
    fake = FakeTime()
    outcome, attempts = polling.poll(
        scripted(fake, [FAILED, PASSED]), timeout=30.0, clock=fake.clock, sleep=fake.sleep, first_interval=0.1
    )
    assert outcome.passed and attempts == 2 and fake.sleeps == [0.1]
