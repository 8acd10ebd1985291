# The two set-up commands: `make run` and `make test` (see README.md).
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTHON ?= python3

.PHONY: install run test test-fast check lint format messages collectstatic deploy-check bench profile bench-wordpress bench-import loadtest bench-scale test-wordpress

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# Development server and, beside it, the worker of the background jobs (core/jobs.py:
# e-mails, deliveries; it does not reload on code changes); Ctrl-C stops both.
# DJANGO_DEBUG defaults to on here only. The demo content goes into
# an empty blog on the first start and is never written again; `make run DEMO=0` starts
# without it. No step changes existing content (tests/live/test_restart.py runs them).
DEMO ?= 1
run: install
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(PY) manage.py migrate --noinput
	$(if $(filter 0,$(DEMO)),,DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(PY) manage.py load_demo)
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(PY) manage.py ensure_admin
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(PY) manage.py collectstatic --noinput --verbosity 0
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(PY) manage.py db_worker --queue-name '*' --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' INT TERM EXIT; \
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# The edit-test loop: no browser, no servers of their own, nothing slow; stops at the
# first failure.
test-fast: install
	$(PY) -m pytest -m "not browser and not ops and not slow" -x -q $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Production settings must pass Django's deployment checks.
deploy-check: install
	DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	DJANGO_HTTPS=1 DJANGO_ALLOWED_HOSTS=blog.example.org \
	$(PY) manage.py check --deploy --fail-level WARNING

check: lint deploy-check
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(MAKE) test

# Regenerate the German catalogue and compile it (needs GNU gettext).
messages: install
	DJANGO_DEBUG=1 $(PY) manage.py makemessages --locale de --ignore '.venv/*' --ignore 'staticfiles/*'
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages --locale de --ignore '.venv/*'

# Throughput, latency, queries and the write path on a benchmark database (bench/run.py).
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

# Where the CPU time of one page goes (bench/profile.py): cProfile in-process, DEBUG off,
# e.g. make profile PAGE="1000 comments" MODE=fragments.
PAGE ?= home
MODE ?= off
profile: install
	$(PY) -m bench.profile "$(PAGE)" --mode "$(MODE)"

# A WordPress to measure against in the same run (bench/wordpress/): nginx, PHP 8.2
# with opcache, MariaDB, Debian's WordPress and classic theme, on 127.0.0.1:8089.
# Needs root (apt, services); afterwards `make bench` measures it too.
bench-wordpress: install
	bash bench/wordpress/setup.sh
	$(PY) -m bench.wordpress.urls --load

# A big blog (issue #14, bench/scale.py): 1,000 and 10,000 posts with 20 comments each on
# average, built with bulk inserts; every page type measured one request after another,
# caches off: p50/p90 and the ratio to the post page. SQLite files in bench/out/ by
# default; DATABASE_URL=postgres://…/benchscale for PostgreSQL (benchscale_1000 and
# benchscale_10000, each emptied when built); BENCH_ARGS=--reuse measures them again.
# BENCH_ARGS e.g. "--sizes 1000 --requests 10".
bench-scale: install
	$(PY) -m bench.scale $(BENCH_ARGS)

# The WordPress import (issue #5): 1,000 posts and 20,000 comments into a throwaway
# database; BENCH_IMPORT_ARGS="--tracemalloc" adds the peak of Python allocations (slower).
# The import's speed and memory (issue #13): SQLite, or PostgreSQL with DATABASE_URL; the
# big run: BENCH_IMPORT_ARGS="--posts 10000 --comments 200000".
bench-import: install
	$(PY) -m wordpress.bench $(BENCH_IMPORT_ARGS)

# The import against a real WordPress (issue #13; root): Debian's WordPress of
# bench/wordpress/ makes content with its own PHP API and exports it (scenario.php);
# tests/wordpress/test_real_wordpress.py imports it and compares item by item. It
# empties that WordPress's content: `make bench` loads its own again.
test-wordpress: install
	bash bench/wordpress/setup.sh
	WP_SCENARIO=1 $(PY) -m pytest tests/wordpress/test_real_wordpress.py -q -p no:cacheprovider

# Faults and load (issue #7, bench/loadtest.py): gunicorn with 4 workers on 127.0.0.1,
# 1,000 comments from 20 clients while pages are read, one worker SIGKILLed, a backup
# taken under load and restored; exits non-zero on any lost or duplicate comment or 5xx.
# SQLite by default; DATABASE_URL=postgres://…/loadtest for PostgreSQL (that database is
# dropped and created afresh). LOADTEST_ARGS e.g. "--cache redis" or "--comments 200".
loadtest: install
	$(PY) bench/loadtest.py $(LOADTEST_ARGS)
