"""The pure assertion engine: expected documents against actual objects; never reads the cluster."""

__all__: list[str] = []
