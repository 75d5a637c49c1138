"""Pod Security Standards, checked by the API server itself: what its warnings say, as findings.

Pure. The API server's PodSecurity admission evaluates the pods of a namespace when a dry-run
sets its `enforce` label, and warns once per group of pods with the same violations:
`agent-x (and 2 other pods): hostPath volumes, privileged` (pod-security-admission,
admission.go). Each violation becomes one finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from toollab.model import scorecard

NAME = "pod-security"
LEVEL = "baseline"
ENFORCE_LABEL = "pod-security.kubernetes.io/enforce"
ENFORCE_VERSION_LABEL = "pod-security.kubernetes.io/enforce-version"
POD_GROUP = re.compile(
    r"^(?P<pod>[a-z0-9][-a-z0-9.]*)(?: \(and (?P<more>\d+) other pods?\))?: (?P<reasons>.+)$"
)
HEADER_MARKS = ("existing pods in namespace", "new PodSecurity enforce level only checked")


def dry_run_labels(level: str = LEVEL) -> dict[str, str]:
    """The labels a dry-run sets on the namespace to have its pods evaluated at `level`."""
    return {ENFORCE_LABEL: level, ENFORCE_VERSION_LABEL: "latest"}


def parse_warnings(warnings: Iterable[str], *, namespace: str) -> tuple[scorecard.Finding, ...]:
    """One finding per violation per group of pods; the summary lines are not findings."""
    found = []
    for warning in warnings:
        match = POD_GROUP.match(warning.strip())
        if match is None or warning.startswith(HEADER_MARKS):
            continue
        more = int(match["more"] or 0)
        pods = f"Pod {namespace}/{match['pod']}" + (
            f" (and {more} other pod{'s' if more > 1 else ''})" if more else ""
        )
        for reason in _reasons(match["reasons"]):
            found.append(
                scorecard.Finding(
                    checker=NAME,
                    check=reason,
                    severity=scorecard.Severity.CRITICAL,
                    target=pods,
                    message=f"violates the {LEVEL} Pod Security Standard: {reason}",
                )
            )
    return tuple(found)


def _reasons(text: str) -> list[str]:
    return [part.strip() for part in text.split(", ") if part.strip()]


def violating_pods(warnings: Iterable[str]) -> int:
    """How many pods the warnings name (each group: its pod and the others counted with it)."""
    count = 0
    for warning in warnings:
        match = POD_GROUP.match(warning.strip())
        if match is not None and not warning.startswith(HEADER_MARKS):
            count += 1 + int(match["more"] or 0)
    return count
