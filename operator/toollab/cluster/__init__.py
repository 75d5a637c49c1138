"""Access to Kubernetes: the only package that imports the `kubernetes` client."""

__all__: list[str] = []
