# Immunoblog's commands. `make run` serves the blog; `make test` runs every test.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-scaled lint format bench editor migrate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

tests/e2e/node_modules/.installed: tests/e2e/package.json tests/e2e/package-lock.json
	npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
	touch $@

## Install, migrate and serve the blog on http://127.0.0.1:8000/, with its task worker
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

migrate: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input

## Install what the tests need and run them all (lint included)
test: $(VENV)/.installed-test tests/e2e/node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

## The same suite on PostgreSQL and Redis, started on loopback for the run
test-scaled: $(VENV)/.installed-test tests/e2e/node_modules/.installed
	scripts/with-services $(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Load-test the article page against a bare Django view (writes docs/benchmarks.md)
bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

## Create an editor account: make editor USERNAME=alice EMAIL=alice@example.com
editor: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py create_editor $(USERNAME) $(EMAIL)

clean:
	rm -rf $(VENV) staticfiles var .pytest_cache tests/e2e/node_modules test-artifacts
