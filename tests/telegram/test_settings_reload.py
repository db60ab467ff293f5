"""Half-written settings are not settings: an emptied or unparsable telegram.yaml / texts.yaml during a reload keeps
what is in use (texts included), with a warning in the log and the admin chat; a valid file is applied.

A probe found that an emptied telegram.yaml silently gave every default (the admins lost /status, admin_chat was
forgotten, the throttles reset), and that a broken texts.yaml fell back to the built-in texts, not the last good ones.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from fake_bot_api import FakeBotAPI
from telegram_support import start_bot, stop_bot

CUSTOM = "Dat commando ken ik niet, vraag gerust iets anders."


async def test_an_emptied_telegram_yaml_and_a_broken_texts_yaml_keep_what_is_in_use(
        fake: FakeBotAPI, tmp_path: Path) -> None:
    boss = fake.user(42, "Admin")
    admin_chat = fake.private_chat(boss)
    bot = await start_bot(fake, tmp_path, admins=frozenset({42}), admin_chat=admin_chat["id"],
                          user_messages_per_minute=7)
    try:
        texts_path = bot.config / "texts.yaml"
        data = yaml.safe_load(texts_path.read_text(encoding="utf-8"))
        data["nl"]["unknown_command"] = CUSTOM
        texts_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        await bot.live.reload("test")
        assert bot.services.texts.get("nl", "unknown_command") == CUSTOM
        before = len(fake.sent(admin_chat["id"]))

        telegram_path = bot.config / "telegram.yaml"
        good = telegram_path.read_text(encoding="utf-8")
        telegram_path.write_text("", encoding="utf-8")  # truncate-then-write, caught midway
        texts_path.write_text("nl:\n  unknown_command: [unclosed\n", encoding="utf-8")
        await bot.live.reload("test")
        settings = bot.services.settings
        assert settings.admins == frozenset({42}) and settings.admin_chat == admin_chat["id"]
        assert bot.services.user_throttle.limit == 7
        assert bot.services.texts.get("nl", "unknown_command") == CUSTOM  # the last good, not the built-in text
        sent = await fake.wait_sent(before + 1, admin_chat["id"])
        told = sent[-1]["text"]
        assert "telegram.yaml" in told and "the file is empty" in told and "kept the telegram settings in use" in told
        assert "texts.yaml" in told and "malformed YAML" in told and "kept the texts in use" in told

        # Once the files are whole again, they apply.
        telegram_path.write_text(good.replace("user_messages_per_minute: 7", "user_messages_per_minute: 9"),
                                 encoding="utf-8")
        data["nl"]["unknown_command"] = "Onbekend."
        texts_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        await bot.live.reload("test")
        assert bot.services.user_throttle.limit == 9
        assert bot.services.texts.get("nl", "unknown_command") == "Onbekend."
    finally:
        await stop_bot(bot)


async def test_a_refused_text_keeps_the_text_in_use_and_a_removed_one_goes_back_to_the_default(
        fake: FakeBotAPI, tmp_path: Path) -> None:
    from bot.telegram.settings import DEFAULT_TEXTS

    bot = await start_bot(fake, tmp_path)
    try:
        texts_path = bot.config / "texts.yaml"
        data = yaml.safe_load(texts_path.read_text(encoding="utf-8"))
        data["nl"]["unknown_command"] = CUSTOM
        data["nl"]["ask_what"] = "Wat wilt u weten?"
        texts_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        await bot.live.reload("test")
        data["nl"]["unknown_command"] = "Kapot {count:>5000}"
        del data["nl"]["ask_what"]
        texts_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        await bot.live.reload("test")
        assert bot.services.texts.get("nl", "unknown_command") == CUSTOM
        assert bot.services.texts.get("nl", "ask_what") == DEFAULT_TEXTS["nl"]["ask_what"]
    finally:
        await stop_bot(bot)
