# Two entry points for a fresh machine: `make run` (install, ingest the examples, serve) and
# `make test` (install with test extras and system packages, run the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATA_DIR ?= data
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint bench bench-smoke

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/ffkg ingest examples/articles --data-dir $(DATA_DIR)
	$(BIN)/ffkg serve --data-dir $(DATA_DIR) --host $(HOST) --port $(PORT)

test: install
	./scripts/install-system-deps.sh
	bash .ci/virtuoso.sh
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check kg api tests bench

bench: install
	$(BIN)/python -m bench

bench-smoke: install
	$(BIN)/python -m bench --smoke
