# Terreau — the two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      ?= .venv
PY        := $(VENV)/bin/python
PYTHON    ?= $(shell scripts/find-python)
HOST      ?= 127.0.0.1
PORT      ?= 8000
PYTEST_ARGS ?=

.PHONY: help run test lint format check messages bench screenshots clean

help:
	@echo "make run     set up and serve Terreau on http://$(HOST):$(PORT) with demo data"
	@echo "make test    set up and run the whole test suite"
	@echo "make lint    ruff lint and format check"
	@echo "make format  format the code with ruff"
	@echo "make messages  extract and compile the fr/en translation catalogues"
	@echo "make screenshots  regenerate docs/screenshots/ (demo data, French, desktop and phone)"

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

clean:
	rm -rf $(VENV) var/static
