"""Operators, end to end: live corpus and config changes while users keep asking, reported to the admin chat."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from fake_bot_api import FakeBotAPI
from telegram_support import start_bot, stop_bot

NEW_ARTICLE = """---
id: zeepkist-regel
title: De zeepkistregel voor leveranciers
author: Test Auteur
---
## De zeepkistregel

Betaal uw leveranciers altijd binnen zeven dagen. Een leverancier die snel betaald wordt, gaat voor u door het vuur
wanneer het eens tegenzit. Dat noemen wij de zeepkistregel: wie op tijd betaalt, staat vooraan in de rij.
"""
NEW_QUESTION = "Wat is de zeepkistregel voor leveranciers?"
STEADY_QUESTION = "Wat is de belangrijkste regel?"


async def test_corpus_changes_apply_while_questions_keep_being_answered(fake: FakeBotAPI, tmp_path: Path) -> None:
    boss = fake.user(42, "Admin")
    admin_chat = fake.private_chat(boss)
    bot = await start_bot(fake, tmp_path, watch=True, admins=frozenset({42}), admin_chat=admin_chat["id"],
                          user_messages_per_minute=600)
    steady_user, asker = fake.user(1), fake.user(2, "Bea")
    steady_chat, ask_chat = fake.private_chat(steady_user), fake.private_chat(asker)
    asked = 0

    async def keep_asking() -> None:
        nonlocal asked
        while True:
            fake.send_message(steady_chat, steady_user, STEADY_QUESTION)
            asked += 1
            await asyncio.sleep(0.25)

    async def ask_until(predicate_text: str | None, absent: str | None = None, timeout: float = 20) -> str:
        """Ask the new question until the reply contains (or lacks) a text: the reload lands within seconds."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            before = len(fake.sent(ask_chat["id"]))
            fake.send_message(ask_chat, asker, NEW_QUESTION)
            await fake.wait_sent(before + 1, ask_chat["id"], timeout=10)
            text = fake.sent(ask_chat["id"])[-1]["text"]
            if (predicate_text is None or predicate_text in text) and (absent is None or absent not in text):
                return text
            assert asyncio.get_running_loop().time() < deadline, f"reload did not land: {text[:200]}"
            await asyncio.sleep(0.5)

    load = asyncio.create_task(keep_asking())
    try:
        # Before: the corpus does not know the "zeepkistregel".
        first = await ask_until(None)
        assert "<blockquote>" not in first
        # Added: answerable after the reload, quoted from the new file.
        (bot.corpus / "zeepkist.md").write_text(NEW_ARTICLE, encoding="utf-8")
        text = await ask_until("De zeepkistregel voor leveranciers")
        assert "binnen zeven dagen" in text or "zeepkistregel" in text
        await fake.wait_for(lambda: any("new corpus" in t for t in fake.sent_texts_plain(admin_chat["id"])),
                            timeout=10, what="the reload report in the admin chat")
        # Broken: reported with its file; the last good version and every other article keep being served.
        (bot.corpus / "kapot.md").write_text("---\nid: [unclosed\ntitle: Kapot\n---\nTekst.\n", encoding="utf-8")
        await fake.wait_for(lambda: any("kapot.md" in t for t in fake.sent_texts_plain(admin_chat["id"])),
                            timeout=15, what="the broken file reported to the admin chat")
        assert "De zeepkistregel" in await ask_until("De zeepkistregel")
        # Removed: never quoted again once the reload has swapped the index.
        (bot.corpus / "zeepkist.md").unlink()
        gone = await ask_until(None, absent="zeepkist")
        assert "<blockquote>" not in gone
        # Texts are config too: an edited text is used without a restart.
        texts = bot.config / "texts.yaml"
        texts.write_text(texts.read_text(encoding="utf-8").replace(
            "Daar gaan mijn artikelen niet over", "Helaas, daar gaan mijn artikelen niet over"), encoding="utf-8")
        await ask_until("Helaas, daar gaan")
    finally:
        load.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await load
        # Every steady question asked during the changes got exactly one answer, each a quote.
        await fake.wait_for(lambda: len(fake.sent(steady_chat["id"])) >= asked, timeout=10)
        await stop_bot(bot)
    steady = fake.sent(steady_chat["id"])
    assert len(steady) == asked
    assert all("<blockquote>" in s["text"] for s in steady)
    assert not bot.rejected_sends()
