"""The HTML report as a person sees it: headless Chromium renders it, screenshots it and dumps its DOM.

Needs Debian's `chromium` package (no network: the page is a local file and loads nothing else).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from tests.unit.reports import trial_samples
from toollab.reports import html, scoreboard

CANDIDATES = trial_samples.DATA / "candidates.yaml"
PASSED_GREEN = (0x1A, 0x7F, 0x37)  # --passed in report.html.j2: the falco bars


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("headless Chromium is missing: apt-get install -y chromium", pytrace=False)
    return found


def run_chromium(tmp_path: Path, page: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    argv = [
        chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,900",
        *extra, page.as_uri(),
    ]  # fmt: skip
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(html.render_html(trial_samples.load_rows(), generated_at="2026-11-21 10:05 UTC"))
    return path


def test_every_trial_is_on_the_rendered_page(tmp_path: Path, report_file: Path) -> None:
    done = run_chromium(tmp_path, report_file, "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    for body in trial_samples.load_bodies():
        assert f"{body['metadata']['namespace']}/{body['metadata']['name']}" in done.stdout
    assert done.stdout.count("<svg") == 6


def test_screenshot_shows_the_report(tmp_path: Path, report_file: Path) -> None:
    png = tmp_path / "report.png"
    done = run_chromium(tmp_path, report_file, f"--screenshot={png}")
    assert done.returncode == 0, done.stderr[-2000:]
    assert png.exists(), done.stderr[-2000:]
    width, height, pixels = decode_png(png.read_bytes())
    assert (width, height) == (1200, 900)
    not_white = sum(1 for p in pixels if p != (255, 255, 255))
    assert not_white > 0.02 * len(pixels), "the screenshot is (nearly) blank"
    assert sum(1 for p in pixels if p == PASSED_GREEN) > 500, "no green bars or badges were drawn"


@pytest.fixture(scope="module")
def comparison_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two service-mesh candidates with a history and a scorecard, side by side."""
    rows = scoreboard.build_rows(trial_samples.load_bodies(CANDIDATES))
    path = tmp_path_factory.mktemp("compare") / "compare.html"
    path.write_text(html.render_html(rows, generated_at="2026-11-21 10:05 UTC", compared=True))
    return path


def test_the_comparison_shows_both_candidates_their_history_and_scorecards(
    tmp_path: Path, comparison_file: Path
) -> None:
    done = run_chromium(tmp_path, comparison_file, "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert dom.index("Candidates side by side") < dom.index("<h2>Scoreboard</h2>")  # the view comes first
    for text in ("lab/mesh-a", "lab/mesh-b", "service-mesh", "✓✗✓", "kube-score 1.20.0", "hostPath volumes"):
        assert text in dom, text
    assert dom.count('<svg class="spark"') == 2  # one history line per candidate
    assert dom.count('<circle class="Failed"') == 1  # mesh-a's failed run in the middle


def test_screenshot_of_the_comparison(tmp_path: Path, comparison_file: Path) -> None:
    png = tmp_path / "compare.png"
    done = run_chromium(tmp_path, comparison_file, f"--screenshot={png}")
    assert done.returncode == 0 and png.exists(), done.stderr[-2000:]
    width, height, pixels = decode_png(png.read_bytes())
    assert (width, height) == (1200, 900)
    assert sum(1 for p in pixels if p != (255, 255, 255)) > 0.02 * len(pixels), (
        "the screenshot is (nearly) blank"
    )


def decode_png(data: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """Width, height and RGB pixels of an 8-bit RGB or RGBA PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = {}, 8
    idat = b""
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        body = data[offset + 8 : offset + 8 + length]
        idat += body if kind == b"IDAT" else b""
        chunks.setdefault(kind, body)
        offset += 12 + length
    width, height, depth, color = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert depth == 8 and color in (2, 6), f"unexpected PNG format depth={depth} color={color}"
    channels = 3 if color == 2 else 4
    rows = unfilter(zlib.decompress(idat), width * channels, channels, height)
    return width, height, [tuple(row[i : i + 3]) for row in rows for i in range(0, len(row), channels)]


def unfilter(raw: bytes, stride: int, bpp: int, height: int) -> list[bytes]:
    """Undo PNG's per-row filters (None, Sub, Up, Average, Paeth)."""
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = previous[i], previous[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + _predict(kind, a, b, c)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return rows


def _predict(kind: int, a: int, b: int, c: int) -> int:
    if kind == 0:
        return 0
    if kind == 1:
        return a
    if kind == 2:
        return b
    if kind == 3:
        return (a + b) // 2
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)
