"""Polling with real time: repeat a check until it passes or its deadline ends.

The only module that sleeps. Clock and sleep are parameters, so tests pass fakes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from toollab.assertions import verdict

_T = TypeVar("_T")


def poll(
    check: Callable[[], verdict.StepOutcome],
    *,
    timeout: float,
    interval: float = 1.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    first_interval: float | None = None,
) -> tuple[verdict.StepOutcome, int]:
    """Run `check` until it passes or `timeout` seconds pass; returns the last outcome and the attempts.

    At least one round always runs; rounds start `interval` apart, and a last round runs at the
    deadline (kuttl polls once a second for 30 s by default). An outcome that retrying cannot
    change (a chainsaw evaluation error) ends the polling at once, as Chainsaw does. With
    `first_interval`, rounds start that far apart and the gap doubles up to `interval`, so a
    check that holds soon after apply is seen within a fraction of a second.
    """
    deadline = clock() + timeout
    attempts = 0
    gap = min(first_interval or interval, interval)
    while True:
        started = clock()
        outcome = check()
        attempts += 1
        remaining = deadline - clock()
        if outcome.passed or outcome.is_final or remaining <= 0:
            return outcome, attempts
        sleep(max(0.0, min(gap - (clock() - started), remaining)))
        gap = min(gap * 2, interval)


def retry(
    attempt: Callable[[], _T],
    *,
    done: Callable[[_T], bool],
    timeout: float,
    interval: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> _T:
    """Call `attempt` until `done(result)` or `timeout` seconds pass (at least once); the last result."""
    deadline = clock() + timeout
    while True:
        result = attempt()
        if done(result) or clock() >= deadline:
            return result
        sleep(min(interval, max(0.0, deadline - clock())))


def pause(seconds: float, *, sleep: Callable[[float], None] = time.sleep) -> None:
    """Wait `seconds` (Chainsaw's `sleep` operation)."""
    sleep(max(0.0, seconds))
