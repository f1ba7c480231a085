# Sambandh: `make run` starts the CRM with demo data; `make test` runs every check CI runs.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT VENV

.PHONY: venv venv-test run test lint bench chromium messages

## venv: create .venv with Python >= 3.12 and install the project (once per pyproject.toml)
venv:
	@scripts/venv

venv-test:
	@scripts/venv test

## run: migrate, load demo data into an empty database, serve at $(HOST):$(PORT)
run: venv
	$(VENV)/bin/sambandh serve --demo

## test: lint, then the test suite on SQLite and on PostgreSQL
test: venv-test chromium
	@scripts/test

## chromium: Debian's Chromium for the browser tests (Playwright never downloads one)
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
		echo "Installing Debian's chromium for the browser tests"; \
		$$SUDO apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

## lint: style, format, types, and no missing migrations
lint: venv-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy sambandh config bench
	$(PY) manage.py makemigrations --check --dry-run

## bench: the benchmarks in bench/
bench: venv
	$(PY) bench/run.py

## messages: refresh the translation catalogues from the code and compile them (docs/translating.md)
messages: venv-test
	@scripts/messages
