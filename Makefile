# Two entry points for a fresh machine with Python 3.11+ and make:
#   make run   installs into .venv/ and starts the bot (Telegram when TELEGRAM_BOT_TOKEN is set, else a terminal chat)
#   make test  installs into .venv/ (with test tools), runs the whole test suite on its fixture corpus, then ruff,
#              mypy, and `corpus check` on the live corpus/ and config/ (the only check that reads them)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HASH := $(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# Two stamps: `make run` installs only what the bot needs (a production machine gets no pytest, hypothesis or ruff),
# `make test` adds the test tools. Each is redone only when pyproject.toml changed.
RUN_STAMP := $(VENV)/.installed-run-$(HASH)
DEV_STAMP := $(VENV)/.installed-dev-$(HASH)

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	rm -f $(VENV)/.installed-run-*
	touch $(RUN_STAMP)

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-dev-*
	touch $(DEV_STAMP)

run: $(RUN_STAMP)
	$(BIN)/python -m bot

test: $(DEV_STAMP)
	$(BIN)/python -m pytest
	$(BIN)/ruff check bot tests
	$(BIN)/mypy
	$(BIN)/python -m bot corpus check

bench: $(DEV_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bot bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache data/cache
