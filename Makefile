# toollab — run `make` for the list of targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   ?= .venv
PY     := $(VENV)/bin/python
PYSTD  := PYTHONPATH=operator python3 -m toollab.localcluster
PYTEST := $(VENV)/bin/pytest
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export KUBECONFIG ?= $(CURDIR)/.run/kubeconfig

.PHONY: help dev check lint format typecheck layers tools tools-bench cluster cluster-down cluster-status env crds \
        test test-unit test-cluster test-e2e run demo demo-down bench image chart kind-up kind-down clean

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-15s\033[0m %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

dev: $(VENV)/.installed ## virtualenv with toollab (editable) and the dev tools

lint: dev ## ruff lint and format check
	$(VENV)/bin/ruff check operator tests bench
	$(VENV)/bin/ruff format --check operator tests bench

format: dev ## apply ruff's formatting and safe fixes
	$(VENV)/bin/ruff format operator tests bench
	$(VENV)/bin/ruff check --fix operator tests bench

typecheck: dev ## mypy --strict on the package
	$(VENV)/bin/mypy

layers: dev ## the import-layer contract
	PYTHONPATH=operator $(VENV)/bin/lint-imports

check: lint typecheck layers ## lint + typecheck + layers

tools: ## build etcd, kube-apiserver, controller-manager, scheduler, kwok, helm and kube-score into ~/.cache/toollab
	$(PYSTD) tools

tools-bench: ## build kubectl-kuttl (pinned) into the tools cache, for make bench (optional)
	$(PYSTD) tools-bench

cluster: tools ## start the local control plane with 3 kwok nodes (no-op when it is up)
	$(PYSTD) up

cluster-down: ## stop the local control plane and remove its run folder
	$(PYSTD) down

cluster-status: ## is the local control plane healthy?
	@$(PYSTD) status

env: ## print export lines: eval "$$(make -s env)"
	@$(PYSTD) env

crds: dev ## apply the ToolTrial CRD to the current cluster
	$(VENV)/bin/kubectl apply --server-side --force-conflicts -f crds/

test-unit: dev ## unit tier: no cluster, seconds
	$(PYTEST) -q tests/unit

test-cluster: dev cluster ## cluster tier against the local control plane
	$(PYTEST) -q tests/cluster

test-e2e: dev cluster ## the operator end to end, every example
	$(PYTEST) -q tests/e2e

test: check cluster ## everything: checks, then unit, cluster and e2e tiers (what CI runs)
	$(PYTEST) -q tests

run: dev ## run the operator in the foreground on the current KUBECONFIG
	$(VENV)/bin/toollab operator --allow-http

demo: dev cluster ## the lab: cluster, CRDs, operator, demo trials, scoreboard
	$(PY) -m toollab.localcluster.demo

bench: dev cluster ## benchmarks that print figures (builds kubectl-kuttl for the comparison; without it, that one is skipped)
	-$(PYSTD) tools-bench
	$(PY) bench/bench_matcher.py
	$(PY) bench/bench_suite.py
	$(PY) bench/bench_operator.py
	$(PY) bench/bench_kuttl.py

PIN = PYTHONPATH=operator python3 -c 'from toollab.localcluster import pins; print(pins.$(1))'
# Docker, else Podman (override: make image CONTAINER=podman); IMAGE is the tag built
CONTAINER ?= $(shell command -v docker 2>/dev/null || command -v podman 2>/dev/null)
IMAGE ?= toollab:dev

image: ## build the operator image with Docker or Podman (IMAGE=toollab:dev)
	@test -n "$(CONTAINER)" || { echo "make image: needs docker or podman on PATH (or CONTAINER=...)" >&2; exit 2; }
	$(CONTAINER) build -t $(IMAGE) --build-arg HELM_VERSION=$$($(call PIN,HELM)) \
	  --build-arg KUBE_MINOR=$$($(call PIN,kube_minor())) --build-arg KUBE_SCORE_VERSION=$$($(call PIN,KUBE_SCORE)) .

chart: ## package the operator chart into dist/ (helm from the tools cache)
	"$$($(call PIN,bin_dir()))/helm" lint --strict charts/toollab
	"$$($(call PIN,bin_dir()))/helm" package charts/toollab --destination dist

kind-up: image ## a kind cluster `toollab` running the operator from manifests/ (needs kind and Docker or Podman)
	kind get clusters 2>/dev/null | grep -qx toollab || kind create cluster --name toollab
	mkdir -p .run && $(CONTAINER) save $(IMAGE) -o .run/toollab-image.tar
	kind load image-archive .run/toollab-image.tar --name toollab
	kubectl --context kind-toollab apply -k manifests/
	kubectl --context kind-toollab -n toollab-system rollout status deployment/toollab-operator --timeout=180s

kind-down: ## delete the kind cluster `toollab`
	kind delete cluster --name toollab

clean: ## remove caches inside the repository (not the tools cache)
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis dist
