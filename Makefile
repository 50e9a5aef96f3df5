# RoleMatch. Quick start on a fresh machine: `make run`, then `make test`.
SHELL := /bin/bash
PYTHON_BIN ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PORT ?= 8000
CONSTRAINTS := requirements/constraints.txt
RUNTIME_STAMP := $(VENV)/.runtime-installed
TEST_STAMP := $(VENV)/.test-installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install install-test run test lint format bench migrate clean

$(PY):
	$(PYTHON_BIN) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# torch goes first and on its own: the pinned CPU build lies on local disk, and installing it
# before anything that depends on it keeps a CUDA build from being pulled in.
$(RUNTIME_STAMP): pyproject.toml $(CONSTRAINTS) | $(PY)
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -c $(CONSTRAINTS) -e .
	@touch $@

$(TEST_STAMP): $(RUNTIME_STAMP)
	$(PIP) install --quiet -c $(CONSTRAINTS) -e '.[test]'
	@touch $@

install: $(RUNTIME_STAMP)

install-test: $(TEST_STAMP)

migrate: install
	$(PY) manage.py bootstrap

# Serves the product and runs a Celery worker (with its beat scheduler) in the foreground; one
# Ctrl-C stops both. honcho gives the first process (web) the port passed with -p.
run: install
	$(PY) manage.py bootstrap
	$(VENV)/bin/honcho --procfile Procfile.dev --app-root . start --port $(PORT)

test: install-test
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports

format: install-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install-test
	$(PY) -m bench

clean:
	rm -rf var/test.sqlite3 var/broker var/celery-results
