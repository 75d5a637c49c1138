"""The operator's engine: watch events and timers feed bounded pools of workers (no thread per trial),
one active replica (a Lease), shards by label, and the metrics. Knows nothing of Kopf."""

from toollab.engine import bodies, core, fairqueue, lanes, leader, metrics, sharding

__all__ = ["bodies", "core", "fairqueue", "lanes", "leader", "metrics", "sharding"]
