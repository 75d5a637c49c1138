"""The real-tools tier: the e2e operator (shipped RBAC, tenant `lab-runner`), the built-in catalog
applied, and the upstream charts of the twelve tools served over http on 127.0.0.1.

The charts come from the offline mirror: TOOLLAB_CHART_MIRROR, else `../shared/charts` beside
the repository. Without one the tier skips with that reason, unless TOOLLAB_REQUIRE_CHART_MIRROR
is set (CI sets it), where a missing mirror fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO
from tests.e2e.conftest import namespace, operator, operator_kubeconfig, trial_status  # noqa: F401
from toollab.localcluster import chartserver

CATALOG = REPO / "catalog"


def mirror_path() -> Path:
    """The chart mirror folder (with index.yaml); skips or fails when there is none."""
    configured = os.environ.get("TOOLLAB_CHART_MIRROR")
    path = Path(configured) if configured else REPO.parent / "shared" / "charts"
    if (path / "index.yaml").exists():
        return path
    if os.environ.get("TOOLLAB_REQUIRE_CHART_MIRROR") or os.environ.get("CI"):
        pytest.fail(f"no chart mirror at {path} (TOOLLAB_REQUIRE_CHART_MIRROR is set)", pytrace=False)
    pytest.skip(f"no chart mirror at {path}: set TOOLLAB_CHART_MIRROR to the real charts folder")


@pytest.fixture(scope="session")
def mirror_repo() -> Iterator[str]:
    """The mirror served over http on 127.0.0.1 (its index.yaml holds relative URLs)."""
    with chartserver.serve_directory(mirror_path()) as url:
        yield url


@pytest.fixture(scope="session")
def catalog(kube: Any, crds: list[str]) -> list[str]:
    """The built-in ToolProfiles, applied as `make demo` applies them."""
    names = []
    for path in sorted(CATALOG.glob("*.yaml")):
        body = yaml.safe_load(path.read_text())
        kube.apply(body, namespace=None)
        names.append(body["metadata"]["name"])
    return names
