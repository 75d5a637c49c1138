"""KUTTL-format suites: the file format (TestSuite, TestStep, TestAssert, step files) and its runner."""

__all__: list[str] = []
