# Skillbook: `make serve` and `make test` set everything up on a fresh machine.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# axe-core for the accessibility tests, from npm into the git-ignored node_modules/.
AXE := node_modules/axe-core/axe.min.js

.PHONY: serve build test test-properdocs a11y check bench bench-search bench-pages bench-previews coverage mutation clean

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

$(AXE):
	@if command -v npm >/dev/null; then npm install --no-save --no-audit --no-fund --prefix . axe-core@4 >/dev/null; \
	else echo "npm not found: the accessibility tests will be skipped (apt-get install npm)"; fi

test: $(STAMP) $(AXE)  ## Type-check the package, then run the whole test suite
	$(BIN)/mypy
	NO_MKDOCS_2_WARNING=1 $(BIN)/pytest

test-properdocs: $(STAMP)  ## Build the book with ProperDocs (the maintained fork of MkDocs 1.6) and run the live-reload tests under it
	scratch=$$(mktemp -d) && NO_MKDOCS_2_WARNING=1 $(BIN)/properdocs build --strict --quiet --site-dir "$$scratch/site"; \
	status=$$?; rm -rf "$$scratch"; exit $$status
	NO_MKDOCS_2_WARNING=1 SKILLBOOK_MKDOCS=properdocs $(BIN)/pytest -q tests/test_live_reload.py

a11y: $(STAMP) $(AXE)  ## axe-core on every page of the fixture book and of the bench book, both palettes, desktop and phone (about an hour; not in CI)
	NO_MKDOCS_2_WARNING=1 $(BIN)/pytest tests/browser/test_accessibility.py -m every_page

coverage: $(STAMP) $(AXE)  ## Branch coverage of src/skillbook/ over the whole suite, subprocesses included (on demand, not in CI)
	test -x $(BIN)/coverage || $(BIN)/pip install --quiet 'coverage>=7.10'
	rm -f .coverage .coverage.*
	NO_MKDOCS_2_WARNING=1 nice -n 19 $(BIN)/coverage run -m pytest -q
	$(BIN)/coverage combine -q
	$(BIN)/coverage report

mutation: $(STAMP)  ## Mutation testing of the core with mutmut, one process (on demand, not in CI)
	test -x $(BIN)/mutmut || $(BIN)/pip install --quiet 'mutmut>=3.8,<4'
	NO_MKDOCS_2_WARNING=1 nice -n 19 $(BIN)/mutmut run --max-children 1
	$(BIN)/mutmut results

bench: $(STAMP)  ## Build times clean and cached, memory, scaling, mkdocs serve start and save-to-reload times on a generated large book, beside Zensical
	NO_MKDOCS_2_WARNING=1 $(BIN)/python bench/run.py --zensical

bench-previews: $(STAMP)  ## Build time with link preview images (clean and cached) against without them, and the cost of one card
	NO_MKDOCS_2_WARNING=1 $(BIN)/python bench/previews.py

bench-pages: $(STAMP)  ## Lighthouse mobile performance of the library, catalog, a chapter and a prompt page
	test -x node_modules/.bin/lighthouse || npm install --no-save --no-audit --no-fund --prefix . lighthouse@12 >/dev/null
	NO_MKDOCS_2_WARNING=1 $(BIN)/python bench/pages.py

bench-search: $(STAMP)  ## Every skill id of the bench book typed into search in Chromium, at 60 and 150 ms a key and pasted: first result, lists of another query, time to the settled first result
	NO_MKDOCS_2_WARNING=1 $(BIN)/python bench/search.py

clean:
	rm -rf site $(VENV) .pytest_cache node_modules mutants htmlcov .coverage .coverage.* .cache/skillbook
