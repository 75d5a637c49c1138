"""Test-suite formats and their runners for `toollab test`: `kuttl/` and the shared `core/`."""

__all__: list[str] = []
