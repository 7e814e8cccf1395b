# Quick start: `make run` (set up, ingest the bundled sample through the Prefect flow)
#              `make test` (set up with the test extras, run the tests)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
DB     ?= data/curated/warehouse.duckdb
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export PREFECT_LOGGING_LEVEL ?= WARNING

.PHONY: run test install bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/delib run --db $(DB)

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python -m pipeline.bench

clean:
	rm -rf data/curated/*.duckdb data/curated/*.wal .prefect
