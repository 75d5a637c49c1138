"""Chainsaw tests run unmodified: `chainsaw-test.yaml` files loaded as data, run on the shared core."""

__all__: list[str] = []
