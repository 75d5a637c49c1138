"""`spec.schedule`: when a trial runs again. A cron expression (five fields, or @hourly and the
like, as a Kubernetes CronJob takes them, in UTC) or `@every <duration>` (at least 10s).

Pure: no clock reads; callers pass the time to count from. Cron is croniter's (pallets-eco).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from croniter import croniter

from toollab import errors
from toollab.model import durations, limits

EVERY = "@every "
MIN_INTERVAL_SECONDS = 10.0
MACROS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
DEFAULT_HISTORY_LIMIT = 10
MAX_HISTORY_LIMIT = 100


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule: the text as written, and either a cron expression or an interval."""

    text: str
    interval_seconds: float | None = None  # @every

    def next_after(self, moment: datetime) -> datetime:
        """The first scheduled time strictly after `moment` (timezone-aware, UTC)."""
        if self.interval_seconds is not None:
            return moment + timedelta(seconds=self.interval_seconds)
        found: datetime = croniter(self.text, moment).get_next(datetime)
        return found


def parse_schedule(value: object, *, path: str) -> Schedule:
    """A Schedule, or SpecError naming `path` with what is wrong."""
    if not isinstance(value, str) or not value.strip():
        raise errors.SpecError(path, "must be a cron expression like */30 * * * * or @every 10m")
    text = " ".join(value.split())
    if text.startswith(EVERY):
        seconds = durations.parse_duration(text[len(EVERY) :], path=path, most=limits.MAX_INTERVAL_SECONDS)
        if seconds < MIN_INTERVAL_SECONDS:
            raise errors.SpecError(path, f'"{value}": runs must be at least {MIN_INTERVAL_SECONDS:g}s apart')
        return Schedule(text=text, interval_seconds=seconds)
    if text.startswith("@") and text not in MACROS:
        raise errors.SpecError(path, f'"{value}" is not a known macro ({", ".join(sorted(MACROS))}, @every)')
    if not text.startswith("@") and len(text.split()) != 5:
        raise errors.SpecError(
            path, f'"{value}" needs five fields: minute hour day-of-month month day-of-week'
        )
    if not croniter.is_valid(text):
        raise errors.SpecError(path, f'"{value}" is not a valid cron expression')
    return Schedule(text=text)
