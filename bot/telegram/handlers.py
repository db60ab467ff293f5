"""Update handlers: decide (routing), ask the engine, render, send. The only place engine and Telegram meet.

Every send goes through `bot.telegram.sending.deliver`, which falls back to plain text when Telegram cannot parse our
HTML and retries network faults a bounded number of times, so a question gets one answer even when Telegram hiccups.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import Forbidden, RetryAfter, TimedOut
from telegram.ext import ContextTypes

from bot.search.engine import Engine
from bot.search.records import Result
from bot.telegram import admin, render
from bot.telegram.journal import not_delivered
from bot.telegram.routing import command_names_bot, command_question, is_private, language_of, route_text
from bot.telegram.sending import NO_PREVIEW, reply
from bot.telegram.services import KEY, Services
from bot.telegram.sessions import Session

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE


def services(context: Context) -> Services:
    found: Services = context.application.bot_data[KEY]
    return found


def sender_id(update: Update) -> int | None:
    """Who is asking: the user, or the chat they speak as (anonymous group admins, channels) so that they do not all
    share one throttle bucket and one identity in the feedback."""
    message = update.effective_message
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id
    user = update.effective_user
    return user.id if user else None


def _lang(update: Update) -> str:
    user = update.effective_user
    return language_of(user.language_code if user else None)


# --- questions ----------------------------------------------------------------------------------------------------

async def _admit(update: Update, context: Context, lang: str) -> bool:
    """Flood control before any engine work: per user everywhere, per chat in groups. One notice per spell."""
    s = services(context)
    message = update.effective_message
    if message is None:
        return False
    user_key = sender_id(update) or message.chat_id
    verdict = s.user_throttle.check(user_key)
    if verdict == "ok" and not is_private(message):
        verdict = s.group_throttle.check(message.chat_id, notice_key=user_key)
        if verdict == "notify":
            limit = s.settings.group_answers_per_minute
            await reply(context, message, render.text_html(s.texts.get(lang, "group_throttled", limit=limit)))
            log.info("group %s throttled (%d answers a minute)", message.chat_id, limit)
            return False
    elif verdict == "notify":
        await reply(context, message, render.text_html(s.texts.get(lang, "user_throttled")))
        log.info("user throttled in a %s chat", message.chat.type)
        return False
    return verdict == "ok"


async def answer_question(update: Update, context: Context, question: str) -> None:
    s = services(context)
    message = update.effective_message
    if message is None:
        return
    lang = _lang(update)
    if not await _admit(update, context, lang):
        return  # flood control comes first, so even empty questions cannot make the bot flood a chat
    if not question.strip():
        await reply(context, message, render.text_html(s.texts.get(lang, "ask_what")))
        return
    started = time.perf_counter()
    engine = s.holder.get()  # one engine for the whole question, even if a reload swaps in another meanwhile
    # The question's embedding (semantic signal: ~30 ms, ~450 ms for a 1,000-character message, in C without the
    # interpreter lock) off the event loop, so other chats' replies and getUpdates go on meanwhile; the rest of the
    # answer (~2 ms of Python) on the loop, where it does not queue for the lock behind it.
    if engine.needs_embedding(question):
        await asyncio.to_thread(engine.embed_question, question)
    answer = engine.ask(question, limit=s.settings.results_per_question)
    if answer.smalltalk:
        # Not a question: a friendly line, and nothing in the usage store (it would be an "unanswered question").
        if answer.smalltalk == "help":
            listing = [(a.id, a.title, a.author) for a in engine.articles.values()]
            await reply(context, message, render.help_html(s.texts, lang, context.bot.username, listing))
        else:
            await reply(context, message, render.smalltalk_html(s.texts, lang, answer.smalltalk, len(engine.articles)))
        log.info("small talk (%s) in %s chat", answer.smalltalk, message.chat.type)
        return
    note = s.texts.get(lang, "truncated", limit=engine.settings.answer.max_question_chars) if answer.truncated else ""
    # Recorded once the answer was sent: an answer lost to an outage (tried again by the update journal) or to a
    # crash (answered again after the restart) is then counted once, and only as what the user actually got.
    if not answer.answered:
        topics = [] if answer.nearby else engine.topics(render.MAX_TOPICS_SHOWN)
        await reply(context, message, render.abstention_html(s.texts, lang, topics, note, answer.nearby),
                    markup=render.nearby_keyboard(answer.nearby, context.bot.username, is_private(message)))
        await _record(s, update, answer)
    else:
        session = Session(answer.question, lang, None, chat_id=message.chat_id,
                          user_id=sender_id(update) if is_private(message) else None)
        token = s.sessions.new(session)
        await _send_result(context, message, s, session, token, 0, answer.results, note)
        session.question_id = await _record(s, update, answer)
    log.info("question in %s chat: %s (%s) in %.1f ms", message.chat.type,
             f"answered from {answer.results[0].article}" if answer.answered else "not answered",
             answer.reason or answer.results[0].kind, (time.perf_counter() - started) * 1000)


async def _record(s: Services, update: Update, answer: Any) -> int | None:
    if s.store is None:
        return None
    chat = update.effective_chat
    try:
        # In a worker thread: SQLite may wait up to a second for a lock (a backup, an operator's sqlite3 shell), and
        # that must not freeze every other chat.
        return await asyncio.to_thread(s.store.record_question, question=answer.question, answer=answer,
                                       chat_type=chat.type if chat else "inline", user_id=sender_id(update),
                                       chat_id=chat.id if chat else None)
    except Exception:  # the usage store is bookkeeping; it must never cost a user their answer
        log.exception("could not record the question in the usage store")
        return None


async def _send_result(context: Context, message: Message, s: Services, session: Session, token: str, index: int,
                       results: tuple[Result, ...] | list[Result], note: str = "") -> None:
    result = results[index]
    session.shown[index] = (result.article, result.quote)
    html = render.answer_html(result, s.texts, session.language, context.bot.username, index, len(results), note)
    markup = render.answer_keyboard(s.texts, session.language, token, index, result.article,
                                    has_more=index + 1 < len(results))
    if not is_private(message):
        # In a group "Heel artikel" would post a whole article into the team's chat: open it in private instead.
        article_button = InlineKeyboardButton(s.texts.get(session.language, "button_article"),
                                              url=render.deep_link(context.bot.username, result.article))
        first = [*markup.inline_keyboard[0][:-1], article_button]
        markup = InlineKeyboardMarkup([first, *markup.inline_keyboard[1:]])
    await reply(context, message, html, markup=markup)


async def on_text(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    route = route_text(message, context.bot.username, context.bot.id)
    if route is None:
        return  # group chatter not addressed to the bot: stay silent
    await answer_question(update, context, route.question)


async def on_ask_command(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    text = (message.text or message.caption or "").casefold()
    if not text.startswith("/vraag") and not command_names_bot(message, context.bot.username):
        return  # a bare /ask in a group may be for another bot
    await answer_question(update, context, command_question(message, context.bot.id))


# --- commands -------------------------------------------------------------------------------------------------------

async def _send_article(context: Context, message: Message, engine: Engine, article_id: str, lang: str) -> bool:
    s = services(context)
    article = engine.articles.get(article_id)
    if article is None:
        return False
    if not is_private(message):
        # A whole article would flood the team's chat: offer it in a private chat with the bot instead.
        button = InlineKeyboardButton(s.texts.get(lang, "button_article"),
                                      url=render.deep_link(context.bot.username, article.id))
        await reply(context, message, f"<b>{render.escape(article.title)}</b>", markup=InlineKeyboardMarkup([[button]]))
        return True
    parts = render.article_messages(article.title, article.author, article.date, article.url,
                                    engine.article_chunks(article_id), s.texts, lang, context.bot.username,
                                    article.id)
    for part in parts:
        await reply(context, message, part, quote=False)
    return True


async def on_start(update: Update, context: Context) -> None:
    s = services(context)
    message = update.effective_message
    if message is None or not command_names_bot(message, context.bot.username):
        return
    lang = _lang(update)
    if not await _admit(update, context, lang):
        return
    engine = s.holder.get()
    payload = context.args[0] if context.args else ""
    article_id = render.payload_article(payload)
    if article_id is not None:
        if not await _send_article(context, message, engine, article_id, lang):
            await reply(context, message, render.text_html(s.texts.get(lang, "article_unknown")))
        return
    await reply(context, message, render.welcome_html(s.texts, lang, len(engine.articles)))


async def on_help(update: Update, context: Context) -> None:
    s = services(context)
    message = update.effective_message
    if message is None or not command_names_bot(message, context.bot.username):
        return
    if not await _admit(update, context, _lang(update)):
        return
    engine = s.holder.get()
    listing = [(a.id, a.title, a.author) for a in engine.articles.values()]
    await reply(context, message, render.help_html(s.texts, _lang(update), context.bot.username, listing))


async def on_unknown_command(update: Update, context: Context) -> None:
    """Private chats get a hint; in groups an unknown command is probably for another bot, so stay silent."""
    message = update.effective_message
    if message is None or not is_private(message):
        return
    if not await _admit(update, context, _lang(update)):
        return
    await reply(context, message, render.text_html(services(context).texts.get(_lang(update), "unknown_command")))


def _is_admin(update: Update, context: Context) -> bool:
    user = update.effective_user
    return user is not None and user.id in services(context).settings.admins


async def on_admin(update: Update, context: Context) -> None:
    """/status, /reload, /onbeantwoord. Anyone else is treated exactly like an unknown command: no hint they exist."""
    if not _is_admin(update, context):
        await on_unknown_command(update, context)
        return
    s = services(context)
    message = update.effective_message
    if message is None or message.text is None or not command_names_bot(message, context.bot.username):
        return
    command = message.text.split()[0].lstrip("/").split("@")[0].lower()
    if command == "status":
        today = None
        if s.store is not None:
            try:
                today = await asyncio.to_thread(s.store.today)
            except Exception:
                log.exception("usage store unavailable for /status")
        report = s.live.last_report if s.live else None
        html = admin.status_html(s.holder.get(), report, s.started_at, today)
    elif command == "reload":
        if s.live is None:
            html = "Live reloads are off in this process."
        else:
            html = admin.reload_html(await s.live.reload(reason="/reload"))
    else:
        # Grouping similar questions can take a while on a big history: keep it off the event loop.
        groups = await asyncio.to_thread(s.store.unanswered) if s.store is not None else []
        html = admin.unanswered_html(groups) if s.store is not None else "The usage store is off (config/usage.yaml)."
    log.info("admin command /%s", command)
    for part in split_html_lines(html):
        await reply(context, message, part, quote=False)


def split_html_lines(html: str) -> list[str]:
    """Admin texts are line-based HTML (each line closes its own tags), so splitting between lines stays valid.

    A single line too long for a message (a problem quoting a huge value) is shortened as plain text.
    """
    parts: list[str] = [""]
    for line in html.split("\n"):
        if render.utf16_len(render.plain_of(line)) > render.MAX_MESSAGE - 10:
            line = render.escape(render.shorten_utf16(render.plain_of(line), render.MAX_MESSAGE - 10))
        candidate = f"{parts[-1]}\n{line}" if parts[-1] else line
        if render.utf16_len(render.plain_of(candidate)) > render.MAX_MESSAGE and parts[-1]:
            parts.append(line)
        else:
            parts[-1] = candidate
    return [p for p in parts if p]


# --- buttons ------------------------------------------------------------------------------------------------------

async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    s = services(context)
    lang = _lang(update)
    callback = render.decode_callback(query.data)
    message = query.message if isinstance(query.message, Message) else None
    if callback is None or message is None:
        # Forged, truncated or from an old version of the bot: say nothing more than "expired".
        await query.answer(s.texts.get(lang, "expired"))
        return
    engine = s.holder.get()
    if callback.action in ("a", "m") and s.user_throttle.check(sender_id(update) or query.from_user.id) != "ok":
        await query.answer()  # button mashing: acknowledged, nothing sent
        return
    if callback.action == "a":
        if callback.value not in engine.articles:
            await query.answer(s.texts.get(lang, "article_unknown"))
        elif is_private(message):
            await query.answer()
            await _send_article(context, message, engine, callback.value, lang)
        else:
            # An old button in a group: open the article in a private chat rather than post it to the team.
            await query.answer(url=render.deep_link(context.bot.username, callback.value))
        return
    session = s.sessions.get(callback.token)
    if session is None or not session.belongs_to(message.chat_id, sender_id(update) or query.from_user.id):
        # Another chat's token (forged or replayed): it must not show that chat's answer or store a vote on it.
        await query.answer(s.texts.get(lang, "expired"))
        return
    if callback.action == "m":
        if callback.index in session.shown:
            await query.answer()  # already in the chat; pressing again must not post it twice
            return
        if not is_private(message) and s.group_throttle.check(message.chat_id) != "ok":
            limit = s.settings.group_answers_per_minute
            await query.answer(s.texts.get(session.language, "group_throttled", limit=limit)[:200])
            return
        # Re-ask the current engine: after a reload, a removed or changed article is not shown from memory.
        results = engine.ask(session.question, limit=s.settings.results_per_question).results
        if callback.index >= len(results):
            await query.answer(s.texts.get(session.language, "no_more"))
            return
        # Claimed before the first await: with updates handled concurrently, a second press must already see it.
        session.shown[callback.index] = (results[callback.index].article, results[callback.index].quote)
        await query.answer()
        await _send_result(context, message, s, session, callback.token, callback.index, results)
        return
    shown = session.shown.get(callback.index)
    if shown is None:
        await query.answer(s.texts.get(lang, "expired"))
        return
    vote = 1 if callback.value == "+" else -1
    if s.store is not None:
        try:
            await asyncio.to_thread(s.store.record_feedback, question_id=session.question_id, vote=vote,
                                    question=session.question, article=shown[0], quote=shown[1],
                                    chat_type=message.chat.type, user_id=sender_id(update) or query.from_user.id,
                                    chat_id=message.chat_id)
        except Exception:
            log.exception("could not store feedback")
    log.info("feedback %s on %s", "+1" if vote > 0 else "-1", shown[0])
    await query.answer(s.texts.get(lang, "feedback_up" if vote > 0 else "feedback_down"))


# --- inline mode ----------------------------------------------------------------------------------------------------

async def on_inline(update: Update, context: Context) -> None:
    query = update.inline_query
    if query is None:
        return
    s = services(context)
    lang = language_of(query.from_user.language_code)
    text = query.query.strip()
    # Clients send an inline query at every pause in typing, so inline mode has its own, larger budget and does not
    # use up the user's questions.
    if not text or s.inline_throttle.check(query.from_user.id) != "ok":
        await query.answer([], cache_time=5, button=InlineQueryResultsButton(
            s.texts.get(lang, "inline_hint"), start_parameter="inline"))
        return
    engine = s.holder.get()
    if engine.needs_embedding(text):
        await asyncio.to_thread(engine.embed_question, text)  # off the loop, as for questions
    answer = engine.ask(text, limit=s.settings.inline_results)
    results = [
        InlineQueryResultArticle(
            id=f"{engine.version}-{r.chunk_index}",
            title=f"{s.texts.get(lang, 'label_' + r.kind)}: {r.title}"[:200],
            description=r.quote[:150],
            input_message_content=InputTextMessageContent(
                render.inline_quote_html(r, s.texts, lang, context.bot.username), parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW),
        )
        for r in answer.results
    ]
    button = None if results else InlineQueryResultsButton(s.texts.get(lang, "inline_none"), start_parameter="help")
    await query.answer(results, cache_time=30, is_personal=False, button=button)


# --- chat migration and errors ----------------------------------------------------------------------------------

async def on_migrate(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        context.application.migrate_chat_data(message=message)
        log.info("group %s became supergroup %s", message.chat_id, message.migrate_to_chat_id)


async def on_error(update: object, context: Context) -> None:
    """Log with enough context to act on (never the token: the log filter scrubs it) and apologise once."""
    error = context.error
    not_delivered(context.application.update_queue, update, error)  # Telegram unreachable: the journal tries again
    where = ""
    if isinstance(update, Update):
        chat = update.effective_chat
        where = f"update {update.update_id} in a {chat.type if chat else 'no'} chat"
    if isinstance(error, Forbidden):
        log.warning("%s: the bot was blocked or removed (%s)", where or "outside an update", error)
        return
    log.error("failure while handling %s", where or "a background task", exc_info=error)
    if not isinstance(update, Update):
        return
    if update.callback_query is not None:
        query = update.callback_query
        try:
            await query.answer(services(context).texts.get(_lang(update), "error"))
            return
        except Exception:  # already answered before the failure: say it in the chat instead
            log.debug("could not answer the callback query after an error", exc_info=True)
        if isinstance(query.message, Message) and not isinstance(error, RetryAfter | TimedOut):
            try:
                await reply(context, query.message,
                            render.text_html(services(context).texts.get(_lang(update), "error")), quote=False)
            except Exception:
                log.warning("could not send the apology either (Telegram unreachable?)")
        return
    message = update.effective_message
    if message is None or isinstance(error, RetryAfter | TimedOut):
        return  # a timed-out send may have arrived; an apology after it would be noise
    try:
        await reply(context, message, render.text_html(services(context).texts.get(_lang(update), "error")))
    except Exception:
        log.warning("could not send the apology either (Telegram unreachable?)")
