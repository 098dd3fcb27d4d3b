# The two commands of the README: `make demo` and `make test`.
# Each creates its own virtual environment in .venv with the Python 3.11+ it finds.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
LOCALE ?= en_US

.PHONY: demo test venv lint typecheck bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.demo: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test: pyproject.toml tests/example_adapter/pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]' -e tests/example_adapter
	touch $@ $(VENV)/.demo

demo: $(VENV)/.demo
	$(BIN)/python -m backoffice_core demo --locale $(LOCALE)

test: $(VENV)/.test
	$(BIN)/python -m pytest -q
	$(BIN)/python -m mypy
	$(BIN)/python -m ruff check src tests benchmarks

bench: $(VENV)/.test
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/ledger_bench.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
