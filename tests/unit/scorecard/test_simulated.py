"""Fail-closed webhooks on a simulated cluster are findings; fail-open ones count as passed."""

from __future__ import annotations

from toollab.model import scorecard
from toollab.scorecard import simulated


def test_each_fail_closed_webhook_is_a_warning_on_its_configuration() -> None:
    config = {
        "kind": "ValidatingWebhookConfiguration",
        "metadata": {"name": "gatekeeper-validating-webhook-configuration"},
        "webhooks": [
            {"name": "validation.gatekeeper.sh", "failurePolicy": "Ignore"},
            {
                "name": "check-ignore-label.gatekeeper.sh",
                "failurePolicy": "Fail",
                "rules": [{"operations": ["CREATE", "UPDATE"], "resources": ["namespaces"]}],
            },
            {"name": "defaulted.example.com"},  # no failurePolicy: the API's default, Fail
        ],
    }
    run, findings = simulated.fail_closed([config])
    assert (run.name, run.state, run.passed) == ("simulated-cluster", scorecard.CheckerState.RAN, 1)
    assert [f.target for f in findings] == [
        "ValidatingWebhookConfiguration gatekeeper-validating-webhook-configuration"
    ] * 2
    assert all(
        f.severity is scorecard.Severity.WARNING and f.check == "fail-closed-webhook" for f in findings
    )
    assert "check-ignore-label.gatekeeper.sh fails closed" in findings[0].message
    assert findings[0].message.endswith("(CREATE/UPDATE namespaces)")
    assert simulated.fail_closed([]) == (
        run.__class__("simulated-cluster", "", scorecard.CheckerState.RAN),
        (),
    )
