# Two entry points for a fresh machine with Python 3.11+ and make:
#   make run   installs into .venv/ and starts the bot (Telegram when TELEGRAM_BOT_TOKEN is set, else a terminal chat)
#   make test  installs into .venv/ (with test tools) and runs the whole test suite, then ruff
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot

test: $(STAMP)
	$(BIN)/python -m pytest
	$(BIN)/ruff check bot tests

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bot bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache data/cache
