"""Shared helpers for engine tests: the real corpus and config, built once per test session."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bot.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
CONFIG = ROOT / "config"


@lru_cache(maxsize=1)
def real_engine() -> Engine:
    return Engine.load(CORPUS, CONFIG)
