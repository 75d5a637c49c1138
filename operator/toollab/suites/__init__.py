"""KUTTL-format test directories: step-file grammar, suite and test-case loading."""

__all__: list[str] = []
