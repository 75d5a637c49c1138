"""Presentation of trial results (failure text, scoreboard, JUnit, HTML); pure: no I/O."""

__all__: list[str] = []
