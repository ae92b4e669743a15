# Two commands for a fresh machine (Python >= 3.11, Node >= 20.19): `make serve`, `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY_OK  := $(VENV)/.installed
JS_OK  := node_modules/.installed
# site/ as the tests need it, rebuilt only when something a build reads is newer than its home page (the
# post-build step writes that page last; a failed build deletes it): editing a test does not rebuild.
SITE_OK := site/index.html
SOURCES := mkdocs.yml $(shell find docs data macros catalog engine tools overrides -type f ! -path '*/__pycache__/*' 2>/dev/null)
MKSITE  := NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet && $(BIN)/python -m tools.postbuild site
PYTEST  := $(BIN)/python -m pytest
# One pytest worker per core; a worker that runs out of tests takes half of another's queue (worksteal), so
# a module's warm page serves the tests that stay together and one long test does not leave a core idle.
PARALLEL := -n auto --dist worksteal

.PHONY: setup build serve check test test-slow test-loaded bench lint clean score
.DELETE_ON_ERROR:

setup: $(PY_OK) $(JS_OK)

$(PY_OK): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $@

$(JS_OK): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## build: the deployable static site in site/ and dist/handbook-site.zip for an intranet server
build: setup
	$(MKSITE) --zip dist/handbook-site.zip

$(SITE_OK): $(PY_OK) $(JS_OK) $(SOURCES)
	$(MKSITE)
	touch $@

## serve: build, then serve at http://127.0.0.1:8000
serve: build
	$(BIN)/python tools/serve.py site --port 8000

## check: the fast tier while editing (about 35 s on an idle two-core machine): data, engine goldens, built-HTML checks in CPython (no browser, no copy of the handbook built)
check: $(SITE_OK)
	$(PYTEST) $(PARALLEL) -m "not browser and not build and not slow"

## test: the suite CI runs (unit, data and browser tests in Debian Chromium), all but the slow tier
test: $(SITE_OK)
	$(PYTEST) $(PARALLEL) -m "not slow"

## test-slow: before a release: full network-idle crawl, repository-copy builds, a real Pyodide build, long hypothesis run
test-slow: $(SITE_OK)
	$(PYTEST) $(PARALLEL) -m "slow or hypothesis" --hypothesis-profile=release

## bench: speed, page weight and Lighthouse scores (not part of the tests)
bench: build
	$(BIN)/python tools/bench.py

## score: score a CSV of responses, e.g. `make score INSTRUMENT=phq9 FILE=x.csv` (writes x.scored.csv)
score: $(PY_OK)
	$(BIN)/python -m engine score $(INSTRUMENT) $(FILE)

## lint: ruff (lint and format check) for Python, ESLint for the site's scripts and the Node tools
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	node_modules/.bin/eslint docs/assets/js tools eslint.config.mjs

clean:
	rm -rf site site-* dist .pytest_cache

## test-loaded: `make test`'s tier three times in a row with both cores kept busy (flakiness check, not part of make test)
test-loaded: $(SITE_OK)
	command -v stress-ng >/dev/null || (apt-get update -qq && apt-get install -y -qq stress-ng >/dev/null)
	stress-ng --cpu 2 --timeout 3h --quiet & pid=$$!; \
	  status=0; for run in 1 2 3; do echo "== loaded run $$run"; $(PYTEST) $(PARALLEL) -q -m "not slow" || status=1; done; \
	  kill $$pid; exit $$status
