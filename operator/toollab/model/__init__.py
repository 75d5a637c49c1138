"""The ToolTrial API as data: raw shapes, parsed spec, status; pure, no I/O."""

__all__: list[str] = []
