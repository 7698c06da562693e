# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 7860
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.DEFAULT_GOAL := help
.PHONY: help install browser demo ingest refresh ui test test-fast lint typecheck eval clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# torch first, pinned: the CPU build on disk; a looser pin would pull a CUDA build.
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the project (torch==2.13.0 first)

browser: ## Install Debian's chromium for the browser test (root; CI runs it)
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

ingest: install ## Ingest corpus/ into $$RAG_HOME (default ./.rag); incremental
	$(PY) -m ingest corpus/

refresh: install ## Fetch new articles from the feeds in corpus/sources.yaml (network); once
	$(PY) -m ingest --sources corpus/sources.yaml

demo: ingest ## Install, ingest corpus/ and open the chat UI on http://127.0.0.1:7860
	$(PY) -m ui --host $(HOST) --port $(PORT)

ui: install ## Start the chat UI only
	$(PY) -m ui --host $(HOST) --port $(PORT)

test: install ## Install and run the whole test suite (unit + integration with real models)
	$(PY) -m pytest

test-fast: install ## Unit tests only (fakes, no real models)
	$(PY) -m pytest -m 'not slow and not ui'

lint: install ## ruff check + format check
	$(PY) -m ruff check rag ingest ui evals tests bench
	$(PY) -m ruff format --check rag ingest ui evals tests bench

typecheck: install ## mypy
	$(PY) -m mypy

eval: ingest ## Evaluate the default pipeline on the seed QA set
	$(PY) -m rag eval tests/data/seed_qa.jsonl

clean: ## Remove the index and caches (keeps .venv)
	rm -rf .rag .pytest_cache .mypy_cache .ruff_cache
