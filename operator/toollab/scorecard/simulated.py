"""On a simulated cluster: the tool's webhooks that fail closed, read as findings.

Pure. Nothing answers a webhook on kwok nodes, so a webhook with failurePolicy Fail refuses every
request it matches: at best the tool's own objects, at worst (Gatekeeper's namespace check,
Keptn's pod webhook) every other trial's. Each one is a Warning on its configuration.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from toollab.model import scorecard

NAME = "simulated-cluster"
CHECK = "fail-closed-webhook"
WEBHOOK_KINDS = ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")


def fail_closed(
    configurations: Iterable[Mapping[str, Any]],
) -> tuple[scorecard.CheckerRun, tuple[scorecard.Finding, ...]]:
    """One finding per fail-closed webhook; passed counts the ones that fail open."""
    found: list[scorecard.Finding] = []
    passed = 0
    for config in configurations:
        target = f"{config.get('kind')} {(config.get('metadata') or {}).get('name')}"
        for hook in config.get("webhooks") or []:
            if hook.get("failurePolicy", "Fail") != "Fail":  # Fail is the API's default
                passed += 1
                continue
            rules = ", ".join(_rule(r) for r in hook.get("rules") or []) or "its rules"
            message = (
                f"webhook {hook.get('name')} fails closed (failurePolicy Fail) and nothing answers on a "
                f"simulated cluster: every request it matches is refused ({rules})"
            )
            found.append(scorecard.Finding(NAME, CHECK, scorecard.Severity.WARNING, target, message))
    run = scorecard.CheckerRun(NAME, "", scorecard.CheckerState.RAN, passed=passed)
    return run, tuple(found)


def _rule(rule: Mapping[str, Any]) -> str:
    operations = "/".join(rule.get("operations") or [])
    resources = ",".join(rule.get("resources") or [])
    return f"{operations} {resources}".strip()
