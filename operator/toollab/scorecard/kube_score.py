"""kube-score, the workload checker: its argv, and its JSON (v2) output read into findings.

Pure: builds argv and parses text; `scorecard.running` runs the process. kube-score grades each
check of each object 1 (critical), 5 (warning), 7 (almost OK) or 10 (OK); skipped checks count
for nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from toollab import errors
from toollab.model import scorecard

NAME = "kube-score"
GRADE_CRITICAL = 1
GRADE_WARNING = 5
GRADE_OK = 10


def score_argv(kube_score: str, *, kubernetes_version: str) -> list[str]:
    """`kube-score score` of the objects on standard input, as JSON v2."""
    return [
        kube_score, "score", "--output-format", "json", "--output-version", "v2",
        "--kubernetes-version", kubernetes_version, "--color", "never", "-",
    ]  # fmt: skip


def version_of(text: str) -> str:
    """ "kube-score version: 1.20.0, commit: ..." -> "1.20.0"."""
    head = text.strip().split(",", 1)[0]
    return head.rsplit(":", 1)[-1].strip() if ":" in head else head


def parse_score(text: str, *, namespace: str) -> tuple[int, tuple[scorecard.Finding, ...]]:
    """(checks passed, findings) from `kube-score score -o json` output."""
    try:
        objects = json.loads(text)
    except json.JSONDecodeError as exc:
        raise errors.InstallError(f"kube-score printed something other than JSON: {exc}") from exc
    if not isinstance(objects, list):
        raise errors.InstallError("kube-score printed JSON that is not a list of objects")
    passed, found = 0, []
    for item in objects:
        if not isinstance(item, Mapping):
            continue
        target = _target(item, namespace=namespace)
        for check in item.get("checks") or ():
            if not isinstance(check, Mapping) or check.get("skipped"):
                continue
            finding = _finding(check, target)
            if finding is None:
                passed += 1
            else:
                found.append(finding)
    return passed, tuple(found)


def _target(item: Mapping[str, Any], *, namespace: str) -> str:
    kind = (item.get("type_meta") or {}).get("kind") or "Object"
    meta = item.get("object_meta") or {}
    name = meta.get("name") or "?"
    return (
        f"{kind} {namespace}/{name}" if namespace and kind != "CustomResourceDefinition" else f"{kind} {name}"
    )


def _finding(check: Mapping[str, Any], target: str) -> scorecard.Finding | None:
    grade = check.get("grade")
    if not isinstance(grade, int) or grade > GRADE_WARNING:
        return None
    spec = check.get("check") or {}
    severity = scorecard.Severity.CRITICAL if grade <= GRADE_CRITICAL else scorecard.Severity.WARNING
    return scorecard.Finding(
        checker=NAME,
        check=str(spec.get("id") or spec.get("name") or "?"),
        severity=severity,
        target=target,
        message=_message(check.get("comments") or ()),
    )


def _message(comments: Sequence[Any]) -> str:
    """Each distinct comment once, with the container it is about: "agent: The container is privileged"."""
    seen: list[str] = []
    for comment in comments:
        if not isinstance(comment, Mapping):
            continue
        summary = str(comment.get("summary") or "").strip()
        path = str(comment.get("path") or "").strip()
        text = f"{path}: {summary}" if path else summary
        if text and text not in seen:
            seen.append(text)
    return "; ".join(seen)
