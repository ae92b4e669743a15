# Two commands for a fresh machine (Python >= 3.11, Node >= 20.19): `make serve`, `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY_OK  := $(VENV)/.installed
JS_OK  := node_modules/.installed

.PHONY: setup build serve test test-loaded bench lint clean score

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
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet
	$(BIN)/python -m tools.postbuild site --zip dist/handbook-site.zip

## serve: build, then serve at http://127.0.0.1:8000
serve: build
	$(BIN)/python tools/serve.py site --port 8000

## test: build, then the whole suite (unit, data and browser tests in Debian Chromium)
test: build
	$(BIN)/python -m pytest

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

## test-loaded: the whole suite three times in a row with both cores kept busy (flakiness check, not part of make test)
test-loaded: build
	command -v stress-ng >/dev/null || (apt-get update -qq && apt-get install -y -qq stress-ng >/dev/null)
	stress-ng --cpu 2 --timeout 3h --quiet & pid=$$!; \
	  status=0; for run in 1 2 3; do echo "== loaded run $$run"; $(BIN)/python -m pytest -q -p no:randomly || status=1; done; \
	  kill $$pid; exit $$status
