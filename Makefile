# Newsroom: `make run` serves the site with demo content; `make test` runs the suite.
# DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom switches both to PostgreSQL.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# A throwaway key for the test settings only; real deployments set DJANGO_SECRET_KEY.
TEST_ENV := DJANGO_SECRET_KEY=newsroom-test-only-not-secret

.PHONY: install run test lint format clean bench

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed (python3.11 not found)."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed

run: install
	DJANGO_DEBUG=1 $(MANAGE) ensure_database
	DJANGO_DEBUG=1 $(MANAGE) migrate --noinput
	DJANGO_DEBUG=1 $(MANAGE) seed_demo_data
	DJANGO_DEBUG=1 $(MANAGE) ensure_admin --url http://$(HOST):$(PORT)/admin/
	DJANGO_DEBUG=1 $(MANAGE) runserver $(HOST):$(PORT)

test: install
	$(TEST_ENV) $(VENV)/bin/pytest $(PYTEST_ARGS)

# Loads BENCH_ARTICLES (100,000) stories into PostgreSQL (BENCH_DATABASE_URL, default
# newsroom_bench, recreated), serves them with gunicorn and wrk on 127.0.0.1, and writes
# docs/benchmarks.md. Needs PostgreSQL and Redis; installs wrk with apt-get if missing.
bench: install
	$(PY) -m bench.run

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
