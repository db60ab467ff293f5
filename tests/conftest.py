"""Fixtures for the Telegram tests: a strict fake Bot API on 127.0.0.1 and the real bot polling it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from engine_support import CONFIG, CORPUS
from fake_bot_api import FakeBotAPI
from telegram_support import Harness, start_bot, stop_bot

# As the bot sets it when it builds its application: tests that call the sending code directly see the same PTB.
os.environ.setdefault("PTB_TIMEDELTA", "1")

@pytest.fixture
def fake() -> Iterator[FakeBotAPI]:
    server = FakeBotAPI()
    server.start()
    yield server
    server.stop()
    assert server.internal_errors == [], "the fake itself failed (a bug in the fake, not in the bot)"


@pytest.fixture
async def bot(fake: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    """The bot with the real corpus and config, admin user 42, usage store in tmp_path."""
    harness = await start_bot(fake, tmp_path, admins=frozenset({42}))
    yield harness
    await stop_bot(harness)
    assert not harness.rejected_sends(), "Telegram would have refused:\n" + fake.summary()
    assert not fake.internal_errors, fake.internal_errors


@pytest.fixture(autouse=True)
def _fixture_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's default folders are the fixture copies: no test may read the operators' live corpus/ and config/."""
    import bot.cli

    monkeypatch.setattr(bot.cli, "DEFAULT_CORPUS", CORPUS)
    monkeypatch.setattr(bot.cli, "DEFAULT_CONFIG", CONFIG)


@pytest.fixture(scope="session")
def fixture_embeddings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One embedding store for the session: the fixture corpora are embedded once, whichever test comes first."""
    return tmp_path_factory.mktemp("embeddings")
