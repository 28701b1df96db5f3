PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

FEVER_VENV := .venv-fever
FEVER_STAMP := $(FEVER_VENV)/.installed

.PHONY: run test lint bench clean articles fever-server snapshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# compileall: keep start-up fast even where PYTHONDONTWRITEBYTECODE stops Python caching bytecode.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	$(BIN)/python -m compileall -q -j 0 reader $(VENV)/lib > /dev/null
	touch $@

$(TEST_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/python -m compileall -q -j 0 reader $(VENV)/lib > /dev/null
	touch $@ $(STAMP)

# A real Fever server for the sync tests (tests/fever), in a venv of its own: coldsweat pins
# Flask and urllib3 versions of its own, kept out of ours.
$(FEVER_STAMP):
	$(PYTHON) -m venv $(FEVER_VENV)
	$(FEVER_VENV)/bin/pip install -q coldsweat==0.10.2
	touch $@

fever-server: $(FEVER_STAMP)

run: $(STAMP)
	$(BIN)/reader $(ARGS)

test: $(TEST_STAMP) $(FEVER_STAMP)
	$(BIN)/ruff check reader tests bench
	$(BIN)/mypy
	$(BIN)/mypy bench
	$(BIN)/pytest -n 2

# After a change of look that is meant: rewrite the SVGs in tests/snapshots/__snapshots__/
# (review them with git diff or in a browser before committing).
snapshots: $(TEST_STAMP)
	$(BIN)/pytest -n 2 tests/snapshots --snapshot-update

lint: $(TEST_STAMP)
	$(BIN)/ruff check reader tests bench
	$(BIN)/mypy
	$(BIN)/mypy bench

bench: $(TEST_STAMP)
	$(BIN)/python -m bench

articles: $(STAMP)
	$(BIN)/reader import digest tests/data/digest.txt --into articles

clean:
	rm -rf $(VENV) $(FEVER_VENV)
