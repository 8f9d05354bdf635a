PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 4566

.PHONY: run test bench install lint clean shell reset

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/headwater serve --port $(PORT)

# A shell with the venv's `headwater` (and, after `make test`, `aws` and `pytest`) on PATH.
shell: $(VENV)/.installed
	@echo "headwater is on PATH; AWS_ENDPOINT_URL=http://127.0.0.1:$(PORT). 'exit' to leave."
	@PATH="$(CURDIR)/$(BIN):$$PATH" VIRTUAL_ENV="$(CURDIR)/$(VENV)" \
		AWS_ENDPOINT_URL="http://127.0.0.1:$(PORT)" $${SHELL:-/bin/sh} -i

# Delete the state of `make run` (running: through its admin endpoint; stopped: .headwater);
# the venv is kept.
reset: $(VENV)/.installed
	@if $(BIN)/python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$(PORT)/_headwater/health', timeout=2)" 2>/dev/null; \
	then $(BIN)/headwater reset --endpoint http://127.0.0.1:$(PORT); \
	else $(BIN)/headwater reset --data-dir .headwater; fi

# ruff (with isort) everywhere, mypy strict on the packages pyproject.toml lists (STYLE.md "Typing"),
# and DESIGN.md's layering as import contracts (import-linter, [tool.importlinter] in pyproject.toml).
lint: $(VENV)/.test-installed
	$(BIN)/ruff check src tests bench examples
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo

# In parallel: most of the suite's time is spent waiting on servers, function workers and
# subprocesses, so 4 processes fill 2 cores. --dist loadfile keeps each file on one process, so a
# module's server (scope="module") starts once; each process has its own session servers.
TEST_WORKERS ?= 4

test: lint
	$(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile

# Figures, not a timed test: the SQLite ceiling, then Headwater against moto (and dynalite when
# node and npm are present; it is installed into bench/.cache on first use).
bench: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python bench/sqlite_ceiling.py
	$(BIN)/python bench/dynamodb_items.py
	$(BIN)/python bench/dynamodb_reads.py
	$(BIN)/python bench/streams.py
	$(BIN)/python bench/functions.py
	$(BIN)/python bench/triggers.py
	$(BIN)/python bench/trigger_controls.py

clean:
	rm -rf $(VENV) .headwater
