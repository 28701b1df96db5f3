PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint bench clean articles snapshots

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

run: $(STAMP)
	$(BIN)/reader $(ARGS)

test: $(TEST_STAMP)
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
	rm -rf $(VENV)
