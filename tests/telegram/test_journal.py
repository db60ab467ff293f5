"""The update journal: what a crash left taken and unanswered is answered at start; nothing is answered twice.

The kill -9 test itself is tests/e2e/test_crash.py; these pin the journal's rules one by one, in process.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import httpx
import pytest
from fake_bot_api import FakeBotAPI
from telegram_support import start_bot, stop_bot, switch_to_webhook

from bot.telegram.journal import RECOVER_WINDOW_S, UpdateJournal


def _message_update(fake: FakeBotAPI, update_id: int, user_id: int, text: str) -> dict[str, object]:
    """An update as Telegram sent it before the crash (already confirmed, so the fake holds no copy of it)."""
    user = fake.user(user_id)
    chat = fake.private_chat(user)
    return {"update_id": update_id, "message": {"message_id": 1, "from": user, "chat": chat,
                                                "date": int(time.time()), "text": text}}


async def test_taken_and_unanswered_before_a_crash_is_answered_at_start_and_an_old_one_only_logged(
        fake: FakeBotAPI, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    journal = UpdateJournal.open(tmp_path / "updates.sqlite3")
    fresh = _message_update(fake, 7001, 11, "Wat is de belangrijkste regel?")
    old = _message_update(fake, 7000, 12, "Hoe houd ik klanten trouw?")
    journal.take(7000, json.dumps(old), now=time.time() - RECOVER_WINDOW_S - 60)
    journal.take(7001, json.dumps(fresh), now=time.time() - 5)
    caplog.set_level(logging.INFO)
    bot = await start_bot(fake, tmp_path, journal=journal)
    try:
        sent = await fake.wait_sent(1, 11)
        assert "<blockquote>" in sent[0]["text"]
        await fake.wait_for(lambda: journal.pending() == [], what="both updates marked done")
        assert fake.sent(12) == [], "an update older than the window is logged, not answered out of context"
        assert "update 7000 (private chat) was taken but never answered" in caplog.text
        assert "1 question(s) taken but not answered before the last stop are answered now" in caplog.text
    finally:
        await stop_bot(bot)


async def test_an_update_telegram_delivers_again_after_a_crash_is_not_answered_twice(
        fake: FakeBotAPI, tmp_path: Path) -> None:
    journal = UpdateJournal.open(tmp_path / "updates.sqlite3")
    anna, ben = fake.user(21), fake.user(22)
    fake.send_message(fake.private_chat(anna), anna, "Wat is de belangrijkste regel?")
    again = fake.pending_updates()[-1]["update_id"]
    # Answered and marked done, then killed before the next getUpdates confirmed it: Telegram sends it once more.
    journal.take(again, "{}")
    journal.done(again)
    fake.send_message(fake.private_chat(ben), ben, "Hoe houd ik klanten trouw?")
    bot = await start_bot(fake, tmp_path, journal=journal)
    try:
        await fake.wait_sent(1, 22)
        await fake.wait_for(lambda: fake.pending_updates() == [], what="both updates confirmed")
        assert fake.sent(21) == []
    finally:
        await stop_bot(bot)


async def test_every_update_is_on_disk_before_telegram_is_told_it_was_taken(fake: FakeBotAPI, tmp_path: Path) -> None:
    """The order that makes a crash harmless: journal first, then the offset that confirms the update."""
    journal = UpdateJournal.open(tmp_path / "updates.sqlite3")
    fake.fail("sendMessage", "slow", delay=1.0)  # the answer is still underway when the offset is confirmed
    bot = await start_bot(fake, tmp_path, journal=journal)
    try:
        anna = fake.user(31)
        fake.send_message(fake.private_chat(anna), anna, "Wat is de belangrijkste regel?")
        await fake.wait_for(lambda: fake.pending_updates() == [], what="the update confirmed")
        pending = journal.pending()
        assert len(pending) == 1 and "belangrijkste regel" in pending[0][2]  # confirmed, unanswered, and on disk
        await fake.wait_sent(1, 31)
        await fake.wait_for(lambda: journal.pending() == [], what="marked done once answered")
    finally:
        await stop_bot(bot)


class _SlowJournal(UpdateJournal):
    """Records when each update reached the disk; writing takes a noticeable time, like a slow fsync."""

    recorded_at: dict[int, float]

    def take(self, update_id: int, payload: str, now: float | None = None) -> bool:
        time.sleep(0.3)
        new = super().take(update_id, payload, now)
        self.recorded_at[update_id] = time.monotonic()
        return new


async def test_in_webhook_mode_an_update_is_acknowledged_only_once_it_is_recorded(
        fake: FakeBotAPI, tmp_path: Path) -> None:
    plain = UpdateJournal.open(tmp_path / "updates.sqlite3")
    journal = _SlowJournal(plain._conn, plain.path)
    journal.recorded_at = {}
    bot = await start_bot(fake, tmp_path, journal=journal)
    try:
        port = await switch_to_webhook(bot)
        update = _message_update(fake, 8001, 41, "Wat is de belangrijkste regel?")
        async with httpx.AsyncClient() as client:
            response = await client.post(f"http://127.0.0.1:{port}/telegram", json=update,
                                         headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-X"})
        acknowledged = time.monotonic()
        assert response.status_code == 200
        assert journal.recorded_at.get(8001, acknowledged + 1) <= acknowledged, "acknowledged before it was recorded"
        await fake.wait_sent(1, 41)
    finally:
        await stop_bot(bot)


async def test_an_answer_telegram_could_not_take_stays_pending_and_is_delivered_later(
        fake: FakeBotAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """"Done" means the answer was sent: an answer lost to an outage longer than the send retries is tried again."""
    import bot.telegram.journal as journal_module

    monkeypatch.setattr(journal_module, "RETRY_UNDELIVERED_S", 0.3)
    journal = UpdateJournal.open(tmp_path / "updates.sqlite3")
    bot = await start_bot(fake, tmp_path, journal=journal)
    try:
        fake.fail("sendMessage", "500", times=8)  # the answer's four attempts and the apology's four
        anna = fake.user(51)
        chat = fake.private_chat(anna)
        fake.send_message(chat, anna, "Wat is de belangrijkste regel?")
        sent = await fake.wait_sent(1, chat["id"], timeout=15)
        assert "<blockquote>" in sent[0]["text"]
        await fake.wait_for(lambda: journal.pending() == [], what="marked done once delivered")
        assert bot.store is not None and bot.store.today()[0] == 1  # recorded once: the answer that was delivered
    finally:
        await stop_bot(bot)
