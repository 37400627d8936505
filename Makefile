# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint messages mutation

$(BIN)/tillit: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: $(BIN)/tillit
	$(BIN)/tillit demo

# Tests marked serial measure time against a target; they run after the others, alone, so
# the other worker's load is not in their numbers (they carry no promise mark).
test: $(BIN)/tillit
	$(BIN)/pytest -n auto -m "not serial" --promise-report=var/promise-results.json
	$(BIN)/pytest -m serial

lint: $(BIN)/tillit
	$(BIN)/ruff check .

# From the package folder, so the catalogue's references stay relative to it and tests/ is left out.
messages: $(BIN)/tillit
	cd src/tillit && ../../$(BIN)/tillit makemessages -l sv --no-obsolete --ignore "*/migrations/*"
	$(BIN)/tillit compiletranslations

# Mutation testing of the core modules (not in CI; hours on a 2-core machine): tools/mutation.py
mutation: $(BIN)/tillit
	$(BIN)/pip install --quiet 'mutmut>=3.8,<4'
	$(BIN)/python tools/mutation.py
