"""Shared helpers for engine tests: the fixture corpus and config under tests/fixtures, built once per session.

Tests never read the live `corpus/` and `config/`: those belong to operators, who add articles and synonyms there.
"""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from bot.search.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
CORPUS = FIXTURES / "seed_corpus"  # the two seed articles as cleaned into corpus/ when this was written
CONFIG = FIXTURES / "config"  # the shipped settings at that time
JUDGMENTS = FIXTURES / "judgments"


@lru_cache(maxsize=1)
def real_engine() -> Engine:
    return Engine.load(CORPUS, CONFIG)


# An article about something the real corpus does not cover, for tests that add one while the bot runs.
NEW_ARTICLE = """---
id: telefoon-tips
title: Bellen met klanten
author: Test Auteur
---
## Bellen

Bel een ontevreden klant binnen een dag terug. Een snelle telefoon voorkomt dat de klacht groeit, want de klant
voelt zich gehoord en de zeepbel van frustratie knapt voordat hij groot wordt.
"""


def copy_folders(tmp_path: Path) -> tuple[Path, Path]:
    """A writable copy of the real corpus and config folders, for tests that change files."""
    corpus, config = tmp_path / "corpus", tmp_path / "config"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(CONFIG, config)
    return corpus, config


def with_semantic_settings(engine: Engine, **values: Any) -> Engine:
    """A copy of an engine with the semantic signal whose `semantic` settings differ (`min_confidence=1.0`, ...):
    the vectors and the index are shared, so trying a bar costs no embedding."""
    assert engine.semantic is not None
    changed = engine.with_semantic(engine.semantic)
    changed.settings = dataclasses.replace(engine.settings,
                                           semantic=dataclasses.replace(engine.settings.semantic, **values))
    return changed


class FakeModel:
    """A stand-in for the embedding model: deterministic vectors from word hashes (a bag of words, normalised), so the
    same text gives the same vector; counts the passages it embeds, so tests can prove the store's cache works."""

    model_id = "fake-model/1"

    def __init__(self, dimensions: int = 64) -> None:
        self.dimensions = dimensions
        self.calls = 0

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimensions, dtype=np.float32)
        for word in text.casefold().split():
            vector[hashlib.sha256(word.encode()).digest()[0] % self.dimensions] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def question(self, text: str) -> np.ndarray:
        return self._vector(text)

    def has_question(self, text: str) -> bool:
        return False  # nothing cached: every question is computed

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += len(texts)
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])
