"""toollab: a Kubernetes operator and CLI that runs tool-evaluation trials."""

__version__ = "0.1.0"
