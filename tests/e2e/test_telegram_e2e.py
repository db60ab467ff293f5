"""End to end: the real PTB Application over HTTP against the strict fake Bot API on 127.0.0.1.

Every test also checks (in the `bot` fixture's teardown) that Telegram would have accepted every message the bot sent.
Expected quotes come from the engine itself, so these tests prove the wiring and rendering, not a hard-coded answer.
"""

from __future__ import annotations

import asyncio
import html
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from engine_support import CONFIG, CORPUS, real_engine, with_semantic_settings
from fake_bot_api import FakeBotAPI
from telegram_support import Harness, stop_bot, switch_to_webhook

from bot.evaluation import load_engine
from bot.telegram.render import MAX_MESSAGE, utf16_len

RULE_Q = "Wat is de belangrijkste regel?"
CASE_Q = "What went wrong at Aventeon?"
OFF_TOPIC = "Wat is de hoofdstad van Frankrijk?"


def buttons(sent: dict[str, Any]) -> list[dict[str, Any]]:
    markup = sent.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def button(sent: dict[str, Any], text: str) -> dict[str, Any]:
    for b in buttons(sent):
        if b["text"] == text:
            return b
    raise AssertionError(f"no button {text!r} in {buttons(sent)}")


def reply_id(sent: dict[str, Any]) -> int | None:
    params = sent.get("reply_parameters")
    if isinstance(params, str):
        params = json.loads(params)
    return params["message_id"] if params else sent.get("reply_to_message_id")


# --- private chats --------------------------------------------------------------------------------------------------

async def test_private_question_is_answered_with_the_engines_quote_label_and_source(bot: Harness) -> None:
    fake = bot.fake
    anna = fake.user(1)
    chat = fake.private_chat(anna)
    fake.send_message(chat, anna, RULE_Q)
    [sent] = await fake.wait_sent(1, chat["id"])
    best = real_engine().ask(RULE_Q).results
    text = sent["text"]
    assert text.startswith("<b>Regel</b>")
    assert f"<blockquote>{html.escape(best[0].quote, quote=False)}</blockquote>" in text
    assert "De belangrijkste regel in zakelijke relaties" in text and "Michel Hoetmer" in text
    assert f'href="{best[0].url}"' in text
    assert reply_id(sent) is None  # private chats get no reply quote
    names = [b["text"] for b in buttons(sent)]
    assert names == ["Meer", "Heel artikel", "👍", "👎"]
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons(sent))


async def test_more_button_sends_the_next_passage_and_stops_at_the_last(bot: Harness) -> None:
    fake = bot.fake
    anna = fake.user(1)
    chat = fake.private_chat(anna)
    fake.send_message(chat, anna, CASE_Q)
    [first] = await fake.wait_sent(1, chat["id"])
    results = real_engine().ask(CASE_Q, limit=bot.services.settings.results_per_question).results
    assert first["text"].startswith(f"<b>Casus Aventeon</b> 1/{len(results)}")  # the case names its section
    fake.press_button(first["result"], button(first, "Meer")["callback_data"], anna)
    sent = await fake.wait_sent(2, chat["id"])
    assert html.escape(results[1].quote, quote=False) in sent[1]["text"]
    assert sent[1]["text"].split("\n")[0].endswith(f"2/{len(results)}")
    # Page to the end: the last passage has no "Meer" button.
    for n in range(2, len(results)):
        fake.press_button(sent[-1]["result"], button(sent[-1], "Meer")["callback_data"], anna)
        sent = await fake.wait_sent(n + 1, chat["id"])
    assert "Meer" not in [b["text"] for b in buttons(sent[-1])]
    await fake.wait_for(lambda: len(fake.answered_callbacks()) == len(results) - 1, what="every press answered")


async def test_whole_article_button_sends_the_article_in_valid_parts(bot: Harness) -> None:
    fake = bot.fake
    anna = fake.user(1)
    chat = fake.private_chat(anna)
    fake.send_message(chat, anna, RULE_Q)
    [first] = await fake.wait_sent(1, chat["id"])
    fake.press_button(first["result"], button(first, "Heel artikel")["callback_data"], anna)
    await fake.wait_for(lambda: len(fake.answered_callbacks()) == 1)
    await asyncio.sleep(0.3)
    parts = fake.sent(chat["id"])[1:]
    article = real_engine().articles["belangrijkste-regel-zakelijke-relaties"]
    plain = "\n".join(fake.sent_texts_plain(chat["id"])[1:])
    assert parts
    assert all(utf16_len(t) <= MAX_MESSAGE for t in fake.sent_texts_plain(chat["id"]))
    # Every paragraph of every chunk arrives, in order, verbatim.
    position = 0
    for chunk in real_engine().article_chunks(article.id):
        for paragraph in chunk.text.split("\n\n"):
            found = plain.find(paragraph.strip()[:80], position)
            assert found >= 0, paragraph[:80]
            position = found
    if len(parts) > 1:
        assert f"(deel {len(parts)} van {len(parts)})" in plain


async def test_feedback_buttons_are_acknowledged_and_stored(bot: Harness) -> None:
    fake = bot.fake
    anna = fake.user(1)
    chat = fake.private_chat(anna)
    fake.send_message(chat, anna, RULE_Q)
    [first] = await fake.wait_sent(1, chat["id"])
    assert bot.store is not None
    await fake.wait_for(lambda: bot.store is not None and bot.store.today()[0] == 1, what="the question recorded")
    fake.press_button(first["result"], button(first, "👎")["callback_data"], anna)
    await fake.wait_for(lambda: len(fake.answered_callbacks()) == 1)
    assert fake.answered_callbacks()[0]["text"] == "Dank u, dat nemen we mee."
    assert bot.store is not None
    disliked = bot.store.disliked()
    assert [(d.article, d.down, d.up) for d in disliked] == [("belangrijkste-regel-zakelijke-relaties", 1, 0)]
    assert disliked[0].quote == real_engine().ask(RULE_Q).results[0].quote
    fake.press_button(first["result"], button(first, "👍")["callback_data"], anna)  # changing one's mind replaces
    await fake.wait_for(lambda: len(fake.answered_callbacks()) == 2)
    assert [(d.down, d.up) for d in bot.store.disliked()] in ([], [(0, 1)])
    assert bot.store.today()[0] == 1


async def test_start_welcomes_with_examples_and_sets_both_command_menus(bot: Harness) -> None:
    fake = bot.fake
    anna = fake.user(1)
    chat = fake.private_chat(anna)
    fake.send_message(chat, anna, "/start")
    [sent] = await fake.wait_sent(1, chat["id"])
    assert sent["text"].startswith("Welkom!")
    assert sent["text"].count("• <i>") == 3
    menus = fake.commands()
    flat = {key: [c["command"] for c in commands] for key, commands in menus.items()}
    assert any("all_private_chats" in key and names == ["start", "help"] for key, names in flat.items()), flat
    assert any("all_group_chats" in key and "vraag" in names for key, names in flat.items()), flat
    assert not any("status" in names for names in flat.values()), "admin commands must not be advertised"


async def test_help_lists_every_article_with_a_deep_link(bot: Harness) -> None:
    fake = bot.fake
    anna = fake.user(1)
    chat = fake.private_chat(anna)
    fake.send_message(chat, anna, "/help")
    [sent] = await fake.wait_sent(1, chat["id"])
    for article in real_engine().articles.values():
        assert f"https://t.me/{fake.bot_username}?start=a-{article.id}" in sent["text"]
        assert html.escape(article.title, quote=False) in sent["text"]


async def test_deep_link_opens_the_article(bot: Harness) -> None:
    fake = bot.fake
    anna = fake.user(1)
    chat = fake.private_chat(anna)
    fake.send_message(chat, anna, "/start a-opportunist-mensen-kwijt")
    sent = await fake.wait_sent(1, chat["id"])
    await asyncio.sleep(0.3)
    plain = "\n".join(fake.sent_texts_plain(chat["id"]))
    article = real_engine().articles["opportunist-mensen-kwijt"]
    assert plain.startswith(article.title)
    assert "Aventeon" in plain
    assert sent[0]["text"].startswith("<b>")
    fake.send_message(chat, anna, "/start a-does-not-exist")
    await fake.wait_for(lambda: "Dat artikel ken ik (niet meer)." in fake.sent_texts_plain(chat["id"]))


async def test_abstention_says_so_and_lists_topics_without_a_quote(bot: Harness) -> None:
    fake = bot.fake
    anna = fake.user(1)
    chat = fake.private_chat(anna)
    fake.send_message(chat, anna, OFF_TOPIC)
    [sent] = await fake.wait_sent(1, chat["id"])
    assert "<blockquote>" not in sent["text"]
    assert "niet over" in sent["text"]
    for title in [a.title for a in real_engine().articles.values()]:
        assert html.escape(title, quote=False) in sent["text"]
    assert buttons(sent) == []
    store = bot.store
    assert store is not None
    await fake.wait_for(lambda: store.unanswered() != [], what="recorded (right after the answer was sent)")
    assert store.unanswered()[0].representative == OFF_TOPIC


async def test_a_declined_question_names_the_closest_articles_with_buttons_that_open_them(
        bot: Harness, fixture_embeddings: Path) -> None:
    # The fixture config runs lexically; with the signal and a bar nothing reaches, every question is declined and
    # the answer model's nearest articles are offered instead.
    strict = with_semantic_settings(load_engine(CORPUS, CONFIG, "on", fixture_embeddings), min_confidence=1.0)
    bot.services.holder.swap(strict)
    article = strict.articles["opportunist-mensen-kwijt"]
    fake = bot.fake
    anna = fake.user(1)
    chat = fake.private_chat(anna)
    fake.send_message(chat, anna, CASE_Q)
    [sent] = await fake.wait_sent(1, chat["id"])
    assert "<blockquote>" not in sent["text"]
    assert f"• {html.escape(article.title, quote=False)}" in sent["text"]
    offered = [b for b in buttons(sent) if b.get("callback_data") == f"a:{article.id}"]
    assert len(offered) == 1 and offered[0]["text"].startswith("📄 ")
    fake.press_button(sent["result"], offered[0]["callback_data"], anna)
    await fake.wait_for(lambda: "Aventeon" in "\n".join(fake.sent_texts_plain(chat["id"])[1:]), what="the article")
    assert fake.sent_texts_plain(chat["id"])[1].startswith(article.title)
    store = bot.store
    assert store is not None
    await fake.wait_for(lambda: store.unanswered() != [], what="recorded as a question without an answer")
    assert store.unanswered()[0].nearby == article.id  # the operator's report names the article that came closest
    # In a group the buttons open the article in a private chat: nothing long is posted to the team.
    group = fake.group_chat()
    fake.send_message(group, anna, f"/vraag@{fake.bot_username} {CASE_Q}")
    [in_group] = await fake.wait_sent(1, group["id"])
    urls = [b.get("url") for b in buttons(in_group)]
    assert f"https://t.me/{fake.bot_username}?start=a-{article.id}" in urls
    assert all("callback_data" not in b for b in buttons(in_group))


async def test_small_talk_gets_a_friendly_line_never_a_quote_and_is_no_unanswered_question(bot: Harness) -> None:
    fake = bot.fake
    anna = fake.user(1)
    chat = fake.private_chat(anna)
    fake.send_message(chat, anna, "hallo allemaal")
    fake.send_message(chat, anna, "top, dank je!")
    fake.send_message(chat, anna, "wie ben jij?")
    sent = await fake.wait_sent(3, chat["id"])
    assert all("<blockquote>" not in s["text"] and buttons(s) == [] for s in sent)
    texts = sorted(s["text"] for s in sent)  # answered concurrently: in any order
    assert texts[0].startswith("Graag gedaan!") and texts[1].startswith("Hallo!")
    assert texts[2].startswith("Ik ben een bot") and f"{len(real_engine().articles)} artikelen" in texts[2]
    fake.send_message(chat, anna, OFF_TOPIC)  # a real question after them: the only one the store keeps
    await fake.wait_sent(4, chat["id"])
    store = bot.store
    assert store is not None
    await fake.wait_for(lambda: store.unanswered() != [], what="the off-topic question recorded")
    assert [g.representative for g in store.unanswered()] == [OFF_TOPIC]


async def test_small_talk_in_a_group_is_answered_only_when_addressed(bot: Harness) -> None:
    fake = bot.fake
    anna = fake.user(1)
    group = fake.group_chat()
    fake.send_message(group, anna, "hallo allemaal")  # to the team, not to the bot
    question = fake.send_message(group, anna, f"/vraag@{fake.bot_username} bedankt!")
    [sent] = await fake.wait_sent(1, group["id"])
    await asyncio.sleep(0.3)
    assert len(fake.sent(group["id"])) == 1, "the bot spoke without being addressed"
    assert reply_id(sent) == question["message_id"] and sent["text"].startswith("Graag gedaan!")


async def test_english_user_gets_english_texts_and_the_dutch_quote(bot: Harness) -> None:
    fake = bot.fake
    john = fake.user(7, "John", language_code="en-GB")
    chat = fake.private_chat(john)
    fake.send_message(chat, john, CASE_Q)
    [sent] = await fake.wait_sent(1, chat["id"])
    assert sent["text"].startswith("<b>Casus Aventeon</b>")
    assert html.escape(real_engine().ask(CASE_Q).results[0].quote, quote=False) in sent["text"]
    assert "Read the whole article" in sent["text"]  # this article has no known url: the link opens it in the bot
    assert [b["text"] for b in buttons(sent)][:2] == ["More", "Whole article"]


async def test_html_and_overlong_questions_are_escaped_truncated_and_noted(bot: Harness) -> None:
    fake = bot.fake
    anna = fake.user(1)
    chat = fake.private_chat(anna)
    fake.send_message(chat, anna, "<b>Hoe</b> houd ik <script>alert(1)</script> klanten trouw? &nbsp;")
    fake.send_message(chat, anna, "Doe wat u belooft " + "bla " * 1200)
    sent = await fake.wait_sent(2, chat["id"])
    assert all("<script>" not in s["text"] for s in sent)
    limit = real_engine().settings.answer.max_question_chars
    assert any(f"alleen de eerste {limit} tekens" in s["text"] for s in sent)


async def test_unknown_commands_and_admin_commands_for_non_admins_look_the_same(bot: Harness) -> None:
    fake = bot.fake
    eve = fake.user(5, "Eve")
    chat = fake.private_chat(eve)
    fake.send_message(chat, eve, "/frobnicate")
    fake.send_message(chat, eve, "/status")
    fake.send_message(chat, eve, "/onbeantwoord")
    fake.send_message(chat, eve, "/reload")
    sent = await fake.wait_sent(4, chat["id"])
    assert len({s["text"] for s in sent}) == 1
    assert "Status" not in sent[0]["text"] and "Reload" not in sent[0]["text"]


async def test_admin_commands_for_admins(bot: Harness) -> None:
    fake = bot.fake
    boss = fake.user(42, "Admin")
    chat = fake.private_chat(boss)
    fake.send_message(chat, boss, OFF_TOPIC)
    await fake.wait_sent(1, chat["id"])
    store = bot.store
    assert store is not None
    await fake.wait_for(lambda: store.today()[0] == 1, what="recorded (right after the answer was sent)")
    fake.send_message(chat, boss, "/status")
    sent = await fake.wait_sent(2, chat["id"])
    engine = real_engine()
    assert engine.version in sent[1]["text"]
    assert f"Articles: {len(engine.articles)}, chunks: {len(engine.chunks)}" in sent[1]["text"]
    assert "Questions today: 1, answered: 0%" in sent[1]["text"]
    fake.send_message(chat, boss, "/onbeantwoord")
    sent = await fake.wait_sent(3, chat["id"])
    assert html.escape(OFF_TOPIC, quote=False) in sent[2]["text"]
    fake.send_message(chat, boss, "/reload")
    sent = await fake.wait_sent(4, chat["id"], timeout=15)
    assert "unchanged corpus" in sent[3]["text"]


# --- groups ---------------------------------------------------------------------------------------------------------

async def test_group_chatter_is_ignored_and_the_command_is_answered_as_a_reply(bot: Harness) -> None:
    fake = bot.fake
    anna, piet = fake.user(1), fake.user(2, "Piet")
    group = fake.group_chat()
    fake.send_message(group, anna, "Hoe houd ik klanten trouw? Zullen we dat morgen bespreken?")
    fake.send_message(group, piet, "Goed idee, doe wat u belooft haha")
    fake.send_message(group, piet, "/vraag@SomeOtherBot hoe houd ik klanten trouw")
    question = fake.send_message(group, anna, f"/vraag@{fake.bot_username} {RULE_Q}")
    [sent] = await fake.wait_sent(1, group["id"])
    await asyncio.sleep(0.3)
    assert len(fake.sent(group["id"])) == 1, "the bot spoke without being addressed"
    assert reply_id(sent) == question["message_id"]
    assert sent["text"].startswith("<b>Regel</b>")
    # In a group the whole article opens in private instead of flooding the team's chat.
    assert button(sent, "Heel artikel")["url"].startswith(f"https://t.me/{fake.bot_username}?start=a-")


async def test_english_alias_and_vraag_as_reply_answers_the_colleagues_message(bot: Harness) -> None:
    fake = bot.fake
    anna, piet = fake.user(1), fake.user(2, "Piet")
    group = fake.group_chat()
    colleague = fake.send_message(group, piet, "Wat ging er mis bij Aventeon eigenlijk?")
    ask = fake.send_message(group, anna, "/vraag", reply_to=colleague)
    [sent] = await fake.wait_sent(1, group["id"])
    assert reply_id(sent) == ask["message_id"]
    assert sent["text"].startswith("<b>Casus Aventeon</b>")
    fake.send_message(group, anna, f"/ask@{fake.bot_username} {CASE_Q}")
    sent = await fake.wait_sent(2, group["id"])
    assert sent[1]["text"].startswith("<b>Casus Aventeon</b>")
    fake.send_message(group, anna, "/vraag")  # no words, no reply: ask what the question is
    sent = await fake.wait_sent(3, group["id"])
    assert "Wat is uw vraag?" in sent[2]["text"]


async def test_mention_and_reply_to_the_bot_are_answered(bot: Harness) -> None:
    fake = bot.fake
    anna = fake.user(1)
    group = fake.group_chat()
    mention = fake.send_message(group, anna, f"😀 Hé @{fake.bot_username}, {RULE_Q}")
    [sent] = await fake.wait_sent(1, group["id"])
    assert reply_id(sent) == mention["message_id"]
    assert sent["text"].startswith("<b>Regel</b>")
    follow_up = fake.send_message(group, anna, CASE_Q, reply_to=sent["result"])
    sent = await fake.wait_sent(2, group["id"])
    assert reply_id(sent[1]) == follow_up["message_id"]
    assert sent[1]["text"].startswith("<b>Casus Aventeon</b>")


async def test_forum_topic_answer_stays_in_the_topic(bot: Harness) -> None:
    fake = bot.fake
    anna = fake.user(1)
    forum = fake.group_chat(-100777, "Forum", is_forum=True)
    fake.send_message(forum, anna, f"/vraag@{fake.bot_username} {RULE_Q}", message_thread_id=12)
    [sent] = await fake.wait_sent(1, forum["id"])
    assert int(sent["message_thread_id"]) == 12


async def test_group_cooldown_gives_one_notice_then_silence(fake: FakeBotAPI, tmp_path: Any) -> None:
    from telegram_support import start_bot

    bot = await start_bot(fake, tmp_path, group_answers_per_minute=2)
    try:
        anna = fake.user(1)
        group = fake.group_chat()
        for _ in range(6):
            fake.send_message(group, anna, f"/vraag@{fake.bot_username} {RULE_Q}")
        await fake.wait_sent(3, group["id"])
        await asyncio.sleep(0.5)
        texts = fake.sent_texts_plain(group["id"])
        assert len(texts) == 3, texts
        assert sum("hooguit 2 vragen per minuut" in t for t in texts) == 1
    finally:
        await stop_bot(bot)
    assert not bot.rejected_sends()


async def test_group_migrated_to_supergroup_keeps_working(bot: Harness) -> None:
    fake = bot.fake
    anna = fake.user(1)
    group = fake.group_chat(-4000, "Team", type="group")
    fake.send_message(group, anna, f"/vraag@{fake.bot_username} {RULE_Q}")
    await fake.wait_sent(1, group["id"])
    supergroup = fake.migrate_chat(group, -1004000)
    fake.send_message(supergroup, anna, f"/vraag@{fake.bot_username} {CASE_Q}")
    [sent] = await fake.wait_sent(1, supergroup["id"])
    assert sent["text"].startswith("<b>Casus Aventeon</b>")


# --- inline mode ------------------------------------------------------------------------------------------------

async def test_inline_query_offers_formatted_quotes(bot: Harness) -> None:
    fake = bot.fake
    anna = fake.user(1)
    fake.inline_query(anna, CASE_Q)
    await fake.wait_for(lambda: len(fake.inline_answers()) == 1)
    answer = fake.inline_answers()[0]
    results = answer["results"] if isinstance(answer["results"], list) else json.loads(answer["results"])
    expected = real_engine().ask(CASE_Q, limit=bot.services.settings.inline_results).results
    assert len(results) == len(expected)
    first = results[0]["input_message_content"]
    assert first["parse_mode"] == "HTML"
    assert html.escape(expected[0].quote, quote=False) in first["message_text"]
    assert results[0]["title"].startswith("Casus: ")
    fake.inline_query(anna, OFF_TOPIC)
    await fake.wait_for(lambda: len(fake.inline_answers()) == 2)
    nothing = fake.inline_answers()[1]
    assert (nothing["results"] if isinstance(nothing["results"], list) else json.loads(nothing["results"])) == []


# --- faults in rendering and delivery ---------------------------------------------------------------------------

async def test_unparseable_html_falls_back_to_plain_text(bot: Harness) -> None:
    from bot.telegram.sending import deliver

    fake = bot.fake
    anna = fake.user(1)
    chat = fake.private_chat(anna)
    fake.send_message(chat, anna, "/start")
    await fake.wait_sent(1, chat["id"])
    message = await deliver(bot.app.bot.send_message, "<b>Doe wat u <i>belooft</b>", chat_id=chat["id"])
    assert message is not None and message.text == "Doe wat u belooft"
    refused = [c for c in fake.calls if c.method.lower() == "sendmessage" and c.status == 400]
    assert len(refused) == 1 and "can't parse entities" in refused[0].response["description"]
    fake.calls.remove(refused[0])  # expected here; the fixture fails on any other refused send


async def test_webhook_refuses_a_wrong_secret_and_serves_the_right_one(fake: FakeBotAPI, tmp_path: Any) -> None:
    from telegram_support import start_bot

    bot = await start_bot(fake, tmp_path)
    try:
        port = await switch_to_webhook(bot)
        anna = fake.user(1)
        chat = fake.private_chat(anna)
        update = {"update_id": 5001, "message": {"message_id": 1, "date": 1700000000, "chat": chat, "from": anna,
                                                 "text": RULE_Q}}
        fake.send_message(chat, anna, "(makes the chat known to the fake; nobody polls for it any more)")
        async with httpx.AsyncClient() as client:
            url = f"http://127.0.0.1:{port}/telegram"
            wrong = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
            missing = await client.post(url, json=update)
            assert wrong.status_code == 403 and missing.status_code == 403
            await asyncio.sleep(0.3)
            assert fake.sent(chat["id"]) == []
            right = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-X"})
            assert right.status_code == 200
        [sent] = await fake.wait_sent(1, chat["id"])
        assert sent["text"].startswith("<b>Regel</b>")
        assert any(c.method == "setWebhook" and c.params.get("secret_token") == "s3cret-X" for c in fake.calls)
    finally:
        await stop_bot(bot)


async def test_a_failing_handler_is_logged_with_context_and_the_user_gets_an_apology(
    bot: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = bot.fake
    anna = fake.user(1)
    chat = fake.private_chat(anna)
    engine = bot.services.holder.get()

    def broken(question: str, limit: int | None = None) -> None:
        raise RuntimeError("index exploded")

    monkeypatch.setattr(engine, "ask", broken)
    fake.send_message(chat, anna, RULE_Q)
    [sent] = await fake.wait_sent(1, chat["id"])
    assert sent["text"] == "Sorry, er ging iets mis bij het beantwoorden. Probeer het zo nog eens."
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert errors and "in a private chat" in errors[0].getMessage()
    assert "index exploded" in str(errors[0].exc_info[1])
    monkeypatch.undo()
    fake.send_message(chat, anna, RULE_Q)  # the bot keeps working after the failure
    sent_after = await fake.wait_sent(2, chat["id"])
    assert "<blockquote>" in sent_after[1]["text"]


# --- things a busy group or a button-masher must not be able to do --------------------------------------------------

async def test_bare_commands_in_groups_may_be_for_other_bots(bot: Harness) -> None:
    fake = bot.fake
    anna = fake.user(1)
    group = fake.group_chat()
    for text in ("/help", "/start", f"/ask {RULE_Q}", "/status"):
        fake.send_message(group, anna, text)
    addressed = fake.send_message(group, anna, f"/help@{fake.bot_username}")
    [sent] = await fake.wait_sent(1, group["id"])
    await asyncio.sleep(0.3)
    assert len(fake.sent(group["id"])) == 1
    assert reply_id(sent) == addressed["message_id"]


async def test_more_pressed_twice_posts_once_and_articles_stay_out_of_groups(bot: Harness) -> None:
    fake = bot.fake
    anna, piet = fake.user(1), fake.user(2, "Piet")
    group = fake.group_chat()
    fake.send_message(group, anna, f"/vraag@{fake.bot_username} {CASE_Q}")
    [first] = await fake.wait_sent(1, group["id"])
    more = button(first, "Meer")["callback_data"]
    fake.press_button(first["result"], more, anna)
    fake.press_button(first["result"], more, piet)
    await fake.wait_for(lambda: len(fake.answered_callbacks()) == 2)
    await asyncio.sleep(0.3)
    assert len(fake.sent(group["id"])) == 2
    fake.send_message(group, anna, f"/start@{fake.bot_username} a-opportunist-mensen-kwijt")
    sent = await fake.wait_sent(3, group["id"])
    await asyncio.sleep(0.3)
    assert len(fake.sent(group["id"])) == 3, "the whole article was posted into the group"
    assert button(sent[2], "Heel artikel")["url"].endswith("?start=a-opportunist-mensen-kwijt")


async def test_inline_typing_does_not_use_up_the_users_questions(bot: Harness) -> None:
    fake = bot.fake
    anna = fake.user(1)
    chat = fake.private_chat(anna)
    limit = bot.services.settings.user_messages_per_minute
    for n in range(limit + 5):
        fake.inline_query(anna, CASE_Q[: 5 + n % 20])
    await fake.wait_for(lambda: len(fake.inline_answers()) == limit + 5, timeout=10)
    fake.send_message(chat, anna, RULE_Q)
    [sent] = await fake.wait_sent(1, chat["id"])
    assert "<blockquote>" in sent["text"]


async def test_a_photo_captioned_with_the_command_is_answered(bot: Harness) -> None:
    fake = bot.fake
    anna = fake.user(1)
    group = fake.group_chat()
    photo = fake.send_message(group, anna, "placeholder")  # a message id to build a captioned photo from
    caption = f"/vraag@{fake.bot_username} {RULE_Q}"
    fake.raw_update({"message": {"message_id": photo["message_id"] + 1000, "date": photo["date"], "chat": group,
                                 "from": anna, "photo": [{"file_id": "f", "file_unique_id": "u", "width": 1,
                                                          "height": 1}],
                                 "caption": caption, "caption_entities": [
                                     {"type": "bot_command", "offset": 0, "length": len(caption.split()[0])}]}})
    fake.raw_update({"message": {"message_id": photo["message_id"] + 1001, "date": photo["date"], "chat": group,
                                 "from": anna, "photo": [{"file_id": "f", "file_unique_id": "u", "width": 1,
                                                          "height": 1}],
                                 "caption": "/vraag@SomeOtherBot iets", "caption_entities": [
                                     {"type": "bot_command", "offset": 0, "length": 19}]}})
    [sent] = await fake.wait_sent(1, group["id"])
    await asyncio.sleep(0.3)
    assert len(fake.sent(group["id"])) == 1
    assert sent["text"].startswith("<b>Regel</b>")


async def test_a_slow_question_embedding_does_not_hold_up_another_chats_answer(bot: Harness) -> None:
    """With the semantic signal a question's embedding takes tens of milliseconds (hundreds for a long message), in C
    without the interpreter lock: done off the event loop, another chat's question is answered meanwhile."""
    import time

    real = bot.services.holder.get()

    class SlowToEmbed:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def needs_embedding(self, question: str) -> bool:
            return True  # the signal is on and no question is cached

        def embed_question(self, question: str) -> None:
            if question == CASE_Q:
                time.sleep(1.5)  # blocks whichever thread runs it, as a long embedding would

    bot.services.holder.swap(SlowToEmbed())  # type: ignore[arg-type]
    fake = bot.fake
    anna, ben = fake.user(1), fake.user(2)
    slow_chat, fast_chat = fake.private_chat(anna), fake.private_chat(ben)
    fake.send_message(slow_chat, anna, CASE_Q)
    await asyncio.sleep(0.2)  # Anna's question is being embedded
    fake.send_message(fast_chat, ben, RULE_Q)
    await fake.wait_sent(1, fast_chat["id"], timeout=1.0)  # well before Anna's 1.5 s are over
    assert fake.sent(slow_chat["id"]) == []
    [sent] = await fake.wait_sent(1, slow_chat["id"], timeout=5.0)
    assert "Aventeon" in sent["text"]
