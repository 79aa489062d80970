# Terreau — the two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      ?= .venv
PY        := $(VENV)/bin/python
PYTHON    ?= $(shell scripts/find-python)
HOST      ?= 127.0.0.1
PORT      ?= 8000
PYTEST_ARGS ?=
BENCH_SCALE ?= 1
BENCH_DURATION ?= 5
BENCH_CONNECTIONS ?= 8

.PHONY: help run test lint format check messages bench screenshots clean

help:
	@echo "make run     set up and serve Terreau on http://$(HOST):$(PORT) with demo data"
	@echo "make test    set up and run the whole test suite"
	@echo "make lint    ruff lint and format check"
	@echo "make format  format the code with ruff"
	@echo "make messages  extract and compile the fr/en translation catalogues"
	@echo "make screenshots  regenerate docs/screenshots/ (demo data, French, desktop and phone)"
	@echo "make bench   benchmark suite (docs/benchmarks.md); DATABASE_URL, BENCH_SCALE, BENCH_DURATION"

$(VENV)/.python:
	@test -n "$(PYTHON)" || { scripts/find-python >/dev/null; exit 1; }
	@echo "Creating $(VENV) with $(PYTHON)"
	@$(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@touch $@

# Reinstall only when pyproject.toml changes: a second `make run` starts in seconds.
$(VENV)/.installed-run: $(VENV)/.python pyproject.toml
	@echo "Installing Terreau into $(VENV)"
	@$(PY) -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.python pyproject.toml
	@echo "Installing Terreau with its test tools into $(VENV)"
	@$(PY) -m pip install --quiet --disable-pip-version-check -e ".[test]"
	@touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	@$(PY) manage.py migrate --noinput
	@$(PY) manage.py seed_demo
	@echo
	@echo "  Terreau is running at http://$(HOST):$(PORT)/"
	@echo "  Demo logins (password: terreau-demo):"
	@echo "    coordinator (jardinier)  jardinier@terreau.coop"
	@echo "    superuser                admin@terreau.coop"
	@echo "    members and pioneers     ines.pionniere@terreau.coop, lea.associee@terreau.coop"
	@echo "  E-mails (verification, reset) are printed in this terminal."
	@echo
	@$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-test
	@$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-test
	@$(VENV)/bin/ruff format .
	@$(VENV)/bin/ruff check --fix .

# Each app keeps its own catalogue (<app>/locale); create <app>/locale/fr/LC_MESSAGES
# first for a new app. Fill the French, then `make messages` again to compile.
messages: $(VENV)/.installed-test
	@$(PY) manage.py makemessages -l fr -l en --ignore=.venv --ignore=var --ignore=tests --no-obsolete
	@$(PY) manage.py compilemessages --ignore=.venv --ignore=var

# PNGs of the main pages from a throwaway demo database, with /usr/bin/chromium.
screenshots: $(VENV)/.installed-test
	@$(PY) scripts/screenshots.py

# The benchmark suite (issue 11): seeds an empty DATABASE_URL (default var/bench.sqlite3)
# and its 1/10 twin, serves them with gunicorn and loads every scenario with wrk (the
# Debian package, installed here when possible) or the bundled Python client.
bench: $(VENV)/.installed-run
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& apt-get install -y -qq wrk >/dev/null 2>&1; } \
		|| echo "wrk is not installed: the Python load generator is used instead"
	@$(PY) -m bench --scale $(BENCH_SCALE) --duration $(BENCH_DURATION) --connections $(BENCH_CONNECTIONS)

clean:
	rm -rf $(VENV) var/static
