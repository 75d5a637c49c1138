"""Pod Security Standards, checked by the API server itself: its warnings read as findings.

Pure. A namespace the trial creates carries `pod-security.kubernetes.io/warn: baseline`; a
server-side dry-run apply of each installed workload then makes PodSecurity admission answer with
one warning per object, e.g. `would violate PodSecurity "baseline:latest": hostPath volumes
(volumes "dev", "proc"), privileged (container "agent" must not set securityContext.privileged=true)`
(pod-security-admission, admission.go). Each violation becomes one finding on that object.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from toollab.model import scorecard

NAME = "pod-security"
LEVEL = "baseline"
WARN_LABEL = "pod-security.kubernetes.io/warn"
WARN_VERSION_LABEL = "pod-security.kubernetes.io/warn-version"
WOULD_VIOLATE = re.compile(r'^would violate PodSecurity "(?P<policy>[^"]+)": (?P<violations>.+)$', re.DOTALL)
# The kinds PodSecurity admission evaluates: pods and the workload resources with a pod template.
WORKLOAD_KINDS = frozenset(
    {"Pod", "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"}
)


def warn_labels(level: str = LEVEL) -> dict[str, str]:
    """The labels that make the API server warn about writes below `level` in a namespace."""
    return {WARN_LABEL: level, WARN_VERSION_LABEL: "latest"}


def split_violations(text: str) -> list[tuple[str, str]]:
    """`hostPath volumes (volumes "a", "b"), privileged (container "x" ...)` ->
    [("hostPath volumes", 'volumes "a", "b"'), ("privileged", 'container "x" ...')]."""
    parts, depth, quoted, current = [], 0, False, ""
    for char in text:
        quoted = not quoted if char == '"' else quoted
        depth += {"(": 1, ")": -1}.get(char, 0) if not quoted else 0
        if char == "," and depth == 0 and not quoted:
            parts.append(current.strip())
            current = ""
            continue
        current += char
    parts.append(current.strip())
    found = []
    for part in filter(None, parts):
        reason, _, detail = part.partition(" (")
        found.append((reason.strip(), detail[:-1] if detail.endswith(")") else detail))
    return found


def parse_warnings(warnings: Iterable[str], *, target: str) -> tuple[scorecard.Finding, ...]:
    """One finding per violation in the API server's warnings about one object; others are ignored."""
    found = []
    for warning in warnings:
        match = WOULD_VIOLATE.match(warning.strip())
        if match is None:
            continue
        for reason, detail in split_violations(match["violations"]):
            message = f"violates {match['policy']}: {detail}" if detail else f"violates {match['policy']}"
            found.append(
                scorecard.Finding(
                    checker=NAME,
                    check=reason,
                    severity=scorecard.Severity.CRITICAL,
                    target=target,
                    message=message,
                )
            )
    return tuple(found)
