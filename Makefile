# Immunoblog's commands. `make run` serves the blog; `make test` runs every test.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The lock files are written by uv (`make lock`); installs only need pip.
UV_VERSION := 0.13.9
PIP := $(BIN)/python -m pip
# Every pin with its hashes, for Python 3.11 and later on any platform, from
# the default index whatever this machine's pip or uv configuration says.
LOCK := $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--no-config --custom-compile-command "make lock" \
	$(if $(UPGRADE),--upgrade)

.PHONY: run test test-scaled outside-checks lint format bench editor migrate lock fonts css icons clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Exactly what the lock names, hash-checked and with --no-deps, so pip never
# resolves anything against the index (an extra such as coverage[toml] would
# otherwise be looked up there and could take a newer release); `pip check`
# then fails when the lock is incomplete. scripts/check-lock proves in CI that
# a brand-new venv takes nothing but the lock. The stamps make a second
# `make run` or `make test` with an unchanged lock run no pip at all, and
# `make test` after `make run` only adds the test packages (the server's are
# pinned identically in both files, so pip finds them already satisfied).
define install_lock
	$(PIP) install --quiet --require-hashes --no-deps -r $(1)
	$(PIP) check
endef

$(VENV)/.installed: requirements.txt pyproject.toml | $(BIN)/python
	$(call install_lock,requirements.txt)
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(call install_lock,requirements-test.txt)
	touch $@

tests/e2e/node_modules/.installed: tests/e2e/package.json tests/e2e/package-lock.json
	npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
	touch $@

styles/node_modules/.installed: styles/package.json styles/package-lock.json
	npm ci --prefix styles --no-audit --no-fund --loglevel=error
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

## The suite again on PostgreSQL and Redis, started on loopback for the run; the
## browser tests and the outside checkers cannot depend on the database, and ran in `make test`
test-scaled: $(VENV)/.installed-test
	scripts/with-services $(BIN)/pytest -m "not outside and not e2e" $(PYTEST_ARGS)

## Lighthouse on the site as production serves it (gunicorn, DJANGO_DEBUG=0): Accessibility,
## Best Practices and SEO 100 on the article, a comment page, the home page and a profile
outside-checks: $(VENV)/.installed-test tests/e2e/node_modules/.installed
	$(BIN)/python scripts/outside-checks

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Load-test the article page against a bare Django view (writes docs/benchmarks.md)
bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

## Create an editor account: make editor USERNAME=alice EMAIL=alice@example.com FIRST_NAME=Alice LAST_NAME=Liddell
editor: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py create_editor $(USERNAME) $(EMAIL) --first-name "$(FIRST_NAME)" --last-name "$(LAST_NAME)"

## Refresh requirements*.txt from pyproject.toml, keeping current pins; UPGRADE=1 takes the newest allowed
lock: | $(BIN)/python
	$(PIP) install --quiet uv==$(UV_VERSION)
	$(LOCK) pyproject.toml requirements-build.in --extra test -o requirements-test.txt
	$(LOCK) pyproject.toml requirements-build.in -c requirements-test.txt -o requirements.txt

## Copy the web fonts from their npm packages (fonts/package.json) into static/fonts/
fonts: $(VENV)/.installed-test
	npm ci --prefix fonts --no-audit --no-fund --loglevel=error
	$(BIN)/python fonts/vendor.py

## Rebuild static/css/bootstrap.css: Bootstrap with only the rules the templates and scripts use
css: styles/node_modules/.installed $(VENV)/.installed
	node styles/build.mjs "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"

## Render the PNG and ICO icons from static/icons/favicon.svg (needs rsvg-convert: apt-get install librsvg2-bin)
icons:
	scripts/make-icons

clean:
	rm -rf $(VENV) staticfiles var .pytest_cache tests/e2e/node_modules fonts/node_modules styles/node_modules test-artifacts
