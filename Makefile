# Skillbook: `make serve` and `make test` set everything up on a fresh machine.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve build test check bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

serve: $(STAMP)  ## Serve the site with live reload on http://127.0.0.1:8000
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: $(STAMP)  ## Build the site into site/, failing on any warning
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

check: $(STAMP)  ## Validate skills and chapters without building
	$(BIN)/skillbook check

test: $(STAMP)  ## Run the whole test suite
	NO_MKDOCS_2_WARNING=1 $(BIN)/pytest

bench: $(STAMP)  ## Build-time and memory benchmarks on a generated large book
	NO_MKDOCS_2_WARNING=1 $(BIN)/python bench/run.py

clean:
	rm -rf site $(VENV) .pytest_cache
