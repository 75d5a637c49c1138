"""The ToolTrial reconciler, for the operator: plan, transitions, execution; no kopf, no suites."""

__all__: list[str] = []
