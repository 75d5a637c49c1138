"""The `toollab` command line: one front end over the runner (the operator is the other)."""

__all__: list[str] = []
