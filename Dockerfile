# syntax=docker/dockerfile:1
# The toollab operator image: `toollab operator` plus the helm CLI, running as a non-root user.
#
#   make image                      # Docker or Podman, tag toollab:dev (IMAGE=... to change it)
#   docker buildx build --platform linux/amd64,linux/arm64 .   # what the release workflow does
#
# `make image` passes HELM_VERSION, KUBE_MINOR and KUBE_SCORE_VERSION from operator/toollab/localcluster/pins.py;
# the defaults below are the same pins (tests/unit/deploy/test_dockerfile.py keeps them equal).
# Runs as UID 65532 with a read-only root filesystem (the Deployment mounts /tmp).

ARG GO_VERSION=1.26
ARG PYTHON_VERSION=3.11

# --- helm, built from its Go module like `make tools` does (no release binary is downloaded) ---
# It runs on the build machine's platform and cross-compiles for the image's (buildx sets
# TARGETOS/TARGETARCH for each platform of a multi-arch build; a plain build gets the host's).
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS helm
ARG HELM_VERSION=3.21.4
ARG KUBE_MINOR=36
ARG TARGETOS=linux
ARG TARGETARCH
ENV CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN h=helm.sh/helm/v3 \
 && export GOOS="$TARGETOS" GOARCH="${TARGETARCH:-$(go env GOHOSTARCH)}" \
 && go install -trimpath \
      -ldflags "-s -w -X $h/internal/version.version=v${HELM_VERSION} \
        -X $h/pkg/chartutil.k8sVersionMajor=1 -X $h/pkg/chartutil.k8sVersionMinor=${KUBE_MINOR} \
        -X $h/pkg/lint/rules.k8sVersionMajor=1 -X $h/pkg/lint/rules.k8sVersionMinor=${KUBE_MINOR}" \
      "$h/cmd/helm@v${HELM_VERSION}" \
 && bin="$(go env GOPATH)/bin" && mkdir -p /out \
 && if [ -x "$bin/helm" ]; then mv "$bin/helm" /out/helm; else mv "$bin/${GOOS}_${GOARCH}/helm" /out/helm; fi \
 && if [ "$GOARCH" = "$(go env GOHOSTARCH)" ]; then /out/helm version --short | grep -q "^v${HELM_VERSION}"; fi

# --- kube-score, the scorecard's workload checker, built from its Go module the same way -------
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS kube-score
ARG KUBE_SCORE_VERSION=1.20.0
ARG TARGETOS=linux
ARG TARGETARCH
ENV CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN export GOOS="$TARGETOS" GOARCH="${TARGETARCH:-$(go env GOHOSTARCH)}" \
 && go install -trimpath -ldflags "-s -w -X main.version=${KUBE_SCORE_VERSION}" \
      "github.com/zegl/kube-score/cmd/kube-score@v${KUBE_SCORE_VERSION}" \
 && bin="$(go env GOPATH)/bin" && mkdir -p /out \
 && if [ -x "$bin/kube-score" ]; then mv "$bin/kube-score" /out/; else mv "$bin/${GOOS}_${GOARCH}/kube-score" /out/; fi \
 && if [ "$GOARCH" = "$(go env GOHOSTARCH)" ]; then /out/kube-score version | grep -q "version: ${KUBE_SCORE_VERSION},"; fi

# --- toollab into a virtualenv, so the final stage gets no pip cache, compiler or sources -------
FROM python:${PYTHON_VERSION}-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY operator/ operator/
RUN python -m venv /opt/toollab \
 && /opt/toollab/bin/pip install . \
 && /opt/toollab/bin/toollab --version

# --- the operator -----------------------------------------------------------------------------
FROM python:${PYTHON_VERSION}-slim
LABEL org.opencontainers.image.title="toollab" \
      org.opencontainers.image.description="Kubernetes operator that runs tool-evaluation trials (ToolTrial)"
COPY --from=helm /out/helm /usr/local/bin/helm
COPY --from=kube-score /out/kube-score /usr/local/bin/kube-score
COPY --from=build /opt/toollab /opt/toollab
RUN groupadd --system --gid 65532 toollab \
 && useradd --system --uid 65532 --gid 65532 --home-dir /tmp --no-create-home --shell /usr/sbin/nologin toollab
# HOME and the helm directories live under /tmp: the Deployment mounts an emptyDir there and keeps
# the root filesystem read-only.
ENV PATH=/opt/toollab/bin:$PATH \
    HOME=/tmp \
    HELM_CACHE_HOME=/tmp/helm/cache \
    HELM_CONFIG_HOME=/tmp/helm/config \
    HELM_DATA_HOME=/tmp/helm/data \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["toollab", "operator"]
