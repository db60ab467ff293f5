"""Shared helpers for engine tests: the fixture corpus and config under tests/fixtures, built once per session.

Tests never read the live `corpus/` and `config/`: those belong to operators, who add articles and synonyms there.
"""

from __future__ import annotations

import shutil
from functools import lru_cache
from pathlib import Path

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
