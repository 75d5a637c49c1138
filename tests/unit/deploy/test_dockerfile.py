"""The operator image's Dockerfile: the same helm pin as `make tools`, non-root, `toollab operator`."""

from __future__ import annotations

import json
import re
from pathlib import Path

from toollab.localcluster import pins

REPO = Path(__file__).resolve().parents[3]
DOCKERFILE = (REPO / "Dockerfile").read_text()


def arg_default(name: str) -> str:
    match = re.search(rf"^ARG {name}=(\S+)$", DOCKERFILE, re.MULTILINE)
    assert match, f"ARG {name} with a default is missing"
    return match.group(1)


def test_helm_pins_are_those_of_make_tools() -> None:
    assert arg_default("HELM_VERSION") == pins.HELM
    assert arg_default("KUBE_MINOR") == pins.kube_minor()
    assert pins.GO_DIRECTIVE.startswith(arg_default("GO_VERSION") + ".")


def test_kube_score_pin_is_that_of_make_tools_and_it_is_built_from_its_module() -> None:
    assert arg_default("KUBE_SCORE_VERSION") == pins.KUBE_SCORE
    assert "github.com/zegl/kube-score/cmd/kube-score@v${KUBE_SCORE_VERSION}" in DOCKERFILE
    assert "COPY --from=kube-score /out/kube-score /usr/local/bin/kube-score" in DOCKERFILE


def test_helm_is_built_from_its_go_module_small_and_reproducible() -> None:
    assert "go install -trimpath" in DOCKERFILE
    assert '-ldflags "-s -w' in DOCKERFILE
    assert "$h/cmd/helm@v${HELM_VERSION}" in DOCKERFILE
    assert "helm.sh/helm/v3" in DOCKERFILE


def test_go_tools_are_cross_compiled_for_each_platform_of_a_multi_arch_build() -> None:
    for stage in ("helm", "kube-score"):
        assert f"FROM --platform=$BUILDPLATFORM golang:${{GO_VERSION}} AS {stage}" in DOCKERFILE
    assert DOCKERFILE.count('GOARCH="${TARGETARCH:-$(go env GOHOSTARCH)}"') == 2


def test_python_stage_installs_the_project() -> None:
    assert arg_default("PYTHON_VERSION") == "3.11"
    assert "FROM python:${PYTHON_VERSION}-slim" in DOCKERFILE
    assert "pip install ." in DOCKERFILE


def test_final_stage_runs_the_operator_as_non_root() -> None:
    final = DOCKERFILE.rsplit("\nFROM ", 1)[1]
    user = re.search(r"^USER (\S+)$", final, re.MULTILINE)
    assert user and user.group(1).split(":")[0] not in {"0", "root"}
    entrypoint = re.search(r"^ENTRYPOINT (.+)$", final, re.MULTILINE)
    assert entrypoint and json.loads(entrypoint.group(1)) == ["toollab", "operator"]
    assert "COPY --from=helm /out/helm /usr/local/bin/helm" in final


def test_dockerignore_sends_only_what_pip_needs() -> None:
    lines = [
        line
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert lines[0] == "*"
    assert {"!pyproject.toml", "!README.md", "!operator/"} <= set(lines)
