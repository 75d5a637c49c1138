"""The lab scorecard's hygiene checks: helm lint, chart checks, kube-score, Pod Security.

Reported per check, with each checker's name and version; never folded into one number.
"""

__all__ = ["chart_checks", "helm_lint", "kube_score", "pod_security", "running"]
