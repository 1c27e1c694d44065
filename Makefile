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

# Translations: each .po compiles to the .mo beside it with Babel, which is pure Python, so
# installing needs no GNU gettext. The .mo files are build output, not kept in git.
PO_FILES := $(wildcard articles/locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: install run test lint format clean messages screenshots vendor-axe vnu bench loadtest
# A failed compile must not leave a .mo that looks up to date.
.DELETE_ON_ERROR:

# What running the site needs (make install, make run); the test tools (the `test` extra in
# pyproject.toml: pytest, Playwright, Schemathesis, ruff, ...) come on top with the targets that
# use them, so a first `make run` installs none of them.
$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed (python3.11 not found)."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

TEST_TOOLS := $(VENV)/.installed-test
$(TEST_TOOLS): $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed $(MO_FILES)

# The locale is the third part of articles/locale/<locale>/LC_MESSAGES/django.po.
%.mo: %.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile --input-file $< --output-file $@ --locale $(word 3,$(subst /, ,$<))

# Re-extract the strings marked for translation into the .po files (needs GNU gettext's
# xgettext and msgmerge, a translator's tool); then translate the new entries.
messages: install
	DJANGO_DEBUG=1 $(MANAGE) makemessages --locale zh_Hans --no-obsolete \
		--ignore .venv --ignore staticfiles --ignore tests --ignore build

# The address the site is served on, for the links in emails and in createuser's output.
SITE_URL = $(or $(NEWSROOM_SITE_URL),http://$(HOST):$(PORT))
RUN_ENV = DJANGO_DEBUG=1 NEWSROOM_SITE_URL=$(SITE_URL)

# .env (git-ignored, newsroom/localenv.py) keeps debug on, a secret key made once and the site's
# address for the manage.py commands typed in this checkout afterwards.
run: install
	$(PY) -m newsroom.localenv NEWSROOM_SITE_URL=$(SITE_URL)
	$(RUN_ENV) $(MANAGE) ensure_database
	$(RUN_ENV) $(MANAGE) migrate --noinput
	$(RUN_ENV) $(MANAGE) seed_demo_data
	$(RUN_ENV) $(MANAGE) ensure_admin
	$(RUN_ENV) $(MANAGE) runserver $(HOST):$(PORT)

test: install $(TEST_TOOLS)
	$(TEST_ENV) VNU_JAR=$(VNU_JAR) $(VENV)/bin/pytest $(PYTEST_ARGS)

# Loads BENCH_ARTICLES (100,000) stories into PostgreSQL (BENCH_DATABASE_URL, default
# newsroom_bench, recreated), serves them with gunicorn and wrk on 127.0.0.1, and writes
# docs/benchmarks.md. Needs PostgreSQL and Redis; installs wrk with apt-get if missing.
bench: install
	$(PY) -m bench.run

# 64 connections for 60 s against 100,000 stories (PostgreSQL database newsroom_loadtest,
# recreated) served by gunicorn as in production; fails on any socket error, timeout or status
# other than 200. Needs PostgreSQL and Redis; installs wrk with apt-get if missing.
loadtest: install
	$(PY) -m bench.loadtest

lint: install $(TEST_TOOLS)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install $(TEST_TOOLS)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Pictures of the real product in docs/screenshots/ (needs Chromium: apt-get install chromium).
screenshots: install $(TEST_TOOLS)
	$(PY) -m tests.browser.screenshots

# Replace the vendored axe-core of the accessibility tests with release AXE_VERSION from npm.
AXE_VERSION ?= 4.14.1
vendor-axe:
	@command -v npm >/dev/null || { echo "npm is needed: apt-get install npm"; exit 1; }
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  (cd "$$tmp" && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null) && \
	  tar -xzf "$$tmp/axe-core-$(AXE_VERSION).tgz" -C "$$tmp" && \
	  cp "$$tmp/package/axe.min.js" tests/browser/vendor/axe.min.js && \
	  cp "$$tmp/package/LICENSE" tests/browser/vendor/axe-core-LICENSE.txt && \
	  head -n 1 tests/browser/vendor/axe.min.js

# The Nu Html Checker (the W3C's validator), which tests/articles/test_html_validity.py runs on
# every kind of public page: from npm (vnu-jar), run with Java 17+. CI installs it; elsewhere the
# test is skipped until `make vnu` has been run.
VNU_VERSION ?= 26.9.27
VNU_JAR := .cache/vnu-$(VNU_VERSION)/vnu.jar
vnu: $(VNU_JAR)
$(VNU_JAR):
	@command -v npm >/dev/null || { echo "npm is needed: apt-get install npm"; exit 1; }
	@command -v java >/dev/null || { echo "Java 17 or later is needed: apt-get install default-jre-headless"; exit 1; }
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  (cd "$$tmp" && npm pack --silent vnu-jar@$(VNU_VERSION) >/dev/null) && \
	  tar -xzf "$$tmp/vnu-jar-$(VNU_VERSION).tgz" -C "$$tmp" && \
	  mkdir -p $(dir $(VNU_JAR)) && cp "$$tmp/package/build/dist/vnu.jar" $(VNU_JAR) && \
	  java -jar $(VNU_JAR) --version

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .cache $(MO_FILES)
