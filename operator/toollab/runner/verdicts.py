"""What follows every verdict: the run joins status.history, the next scheduled run is shown, and a
Passed run followed by a Failed one posts a `Regressed` warning.

Pure: status in, status and events out; `execute.finish` and `reconcile`'s error path both end here.
"""

from __future__ import annotations

from toollab.model import history, status, trial
from toollab.runner import transitions
from toollab.runner.deps import Event

REGRESSED = "Regressed"


def conclude(
    tool_trial: trial.ToolTrial, finished: status.TrialStatus
) -> tuple[status.TrialStatus, tuple[Event, ...]]:
    """`finished` (a status just given its verdict) with its run recorded; a Regressed event if it is one."""
    next_run = None
    if tool_trial.is_scheduled and tool_trial.schedule is not None and finished.run is not None:
        next_run = tool_trial.schedule.next_after(finished.run.started_at)
    recorded = transitions.record_run(finished, limit=tool_trial.history_limit, next_run_at=next_run)
    found = history.regression(recorded.history)
    again = finished.run is not None and any(
        e.started_at == finished.run.started_at for e in finished.history
    )
    if found is None or again:  # a run concluded twice (an error after its verdict) warns once
        return recorded, ()
    return recorded, (Event("Warning", REGRESSED, history.describe_regression(*found)),)
