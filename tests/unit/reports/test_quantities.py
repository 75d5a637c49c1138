"""Resource quantities as numbers, for the HTML charts."""

from __future__ import annotations

import pytest

from toollab.reports import quantities


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("100m", 0.1),
        ("2", 2.0),
        ("1.5", 1.5),
        ("512Mi", 512 * 2**20),
        ("1Gi", 2**30),
        ("1G", 1e9),
        ("128974848", 128974848.0),
        ("1e3", 1000.0),
        (3, 3.0),
        ("", None),
        ("lots", None),
        ("12Xi", None),
        (None, None),
        (True, None),
    ],
)
def test_parse_quantity(text: object, value: float | None) -> None:
    assert quantities.parse_quantity(text) == value


@pytest.mark.parametrize(("value", "text"), [(512 * 2**20, "512Mi"), (1.5 * 2**30, "1.5Gi"), (100, "100")])
def test_format_bytes(value: float, text: str) -> None:
    assert quantities.format_bytes(value) == text


@pytest.mark.parametrize(("value", "text"), [(0.25, "250m"), (1.5, "1.5"), (2, "2")])
def test_format_cores(value: float, text: str) -> None:
    assert quantities.format_cores(value) == text
