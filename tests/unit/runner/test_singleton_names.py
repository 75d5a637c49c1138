"""The Lease of a cluster-singleton tool: a valid name whatever the profile is called, and a
Queued message that names the trial holding it."""

from __future__ import annotations

import re

import pytest

from toollab.runner import singleton

DNS = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


@pytest.mark.parametrize("tool", ["linkerd", "OpenTelemetry_Operator", "a" * 80, "weird/name.x", "x-"])
def test_lease_names_are_dns_labels_with_the_prefix(tool: str) -> None:
    name = singleton.lease_name(tool)
    assert name.startswith("toollab-tool-") and len(name) <= 63 and DNS.match(name), name


def test_the_waiting_message_names_the_holder_and_the_lease() -> None:
    assert singleton.waiting_message("litmus", "lab/first") == (
        "waiting for cluster-singleton tool litmus: trial lab/first has it installed"
        " (Lease toollab-tool-litmus)"
    )
    assert singleton.holder_from("lab", "first", "u-1") == "lab/first/u-1"
