"""The local control plane: build its tools, start and stop it. Standard library only."""

__all__: list[str] = []
