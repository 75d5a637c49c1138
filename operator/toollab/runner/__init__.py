"""Drives a trial for the operator and the CLI alike: plan, transitions, execution; no kopf."""

__all__: list[str] = []
