# The two commands of the README: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000


.PHONY: demo test test-e2e install install-dev translations messages lint audit serve serve-prod bench-load

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

install: $(VENV)/.runtime-installed
install-dev: $(VENV)/.dev-installed

# Compiled with Babel, so no GNU gettext is needed on the machine.
translations: $(VENV)/.runtime-installed
	$(BIN)/pybabel --quiet compile --domain django --directory locale --statistics
	$(BIN)/pybabel --quiet compile --domain django --directory locale-oscar --statistics

# Sets everything up on the embedded default (SQLite, eager tasks, database
# search) and serves the demo at http://127.0.0.1:8000/.
demo: install translations
	$(MANAGE) migrate --no-input
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(MANAGE) load_demo
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(MANAGE) runserver $(HOST):$(PORT)

serve: install translations
	$(MANAGE) runserver $(HOST):$(PORT)

# Production on this machine: gunicorn, a Celery worker and Celery beat on
# PostgreSQL and Redis (deploy/serve-prod says which variables it reads).
# LOAD_DEMO=1 loads the demo's data first, to have something to look at.
serve-prod: install translations
	BIND=$${BIND:-$(HOST):$(PORT)} deploy/serve-prod

# The load benchmark against that production topology on 127.0.0.1 with
# bench-scale data (bench/load.py; results in bench/RESULTS.md). Never run
# by `make test`. BENCH_ARGS, e.g. "--scale 0.1 --duration 60".
bench-load: install translations
	$(BIN)/pip install --quiet -r requirements-bench.txt
	command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(BIN)/python bench/load.py $(BENCH_ARGS)

lint: install-dev
	$(BIN)/ruff check .

# Known advisories in every installed package (deploy/audit-dependencies),
# with pip-audit from a virtualenv of its own. Where no advisory data can be
# reached it says so and checks only the version floors.
AUDIT_VENV := .venv-audit
$(AUDIT_VENV)/bin/pip-audit: | $(BIN)/python
	$(PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/pip install --quiet pip-audit==2.10.1
audit: install-dev $(AUDIT_VENV)/bin/pip-audit
	$(AUDIT_VENV)/bin/python deploy/audit-dependencies $(BIN)/python

# Sets up what the suite needs and runs all of it: the dependency audit,
# lint, Django's checks, missing migrations, then pytest. DATABASE_URL and CELERY_BROKER_URL, when
# set, choose PostgreSQL and a real broker (see .ci/run). E2E=0 leaves out
# the browser tests.
E2E ?= 1
test: install-dev translations audit
	$(BIN)/ruff check .
	DJANGO_SETTINGS_MODULE=marketplace.settings.test $(MANAGE) check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=marketplace.settings.test $(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest --ignore=tests/e2e
	$(if $(filter 1,$(E2E)),$(MAKE) test-e2e)

# Browser tests in a session of their own: their live server empties the
# database after each test, which must not touch the rest of the suite.
# Screenshots and traces, when a test saves them, go to test-artifacts/.
test-e2e: install-dev node_modules/axe-core/axe.min.js
	$(BIN)/pytest tests/e2e $(E2E_ARGS)

# axe-core, which the accessibility tests inject into each page, at the
# version package-lock.json pins (npm from Debian; the site needs no Node).
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Collects new strings into locale/vi (needs GNU gettext; only for those
# who add strings). Translate them, then `make translations`.
messages: install
	$(MANAGE) makemessages --locale vi --no-location --ignore '.venv/*' --ignore 'tests/*' --ignore '*/migrations/*'
