"""Wiring: the PTB `Application` with our handlers, command menus, rate limiter and lifecycle hooks.

The engine is built before the application exists, so the first update is never taken before the bot can answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from dataclasses import replace
from typing import Any

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.serving.live import ReloadReport
from bot.telegram import admin, handlers, sending
from bot.telegram.journal import JournalProcessor, JournalQueue, UpdateJournal, recover
from bot.telegram.routing import ASK_COMMANDS
from bot.telegram.services import KEY, Services

# PTB's Application is generic in six context types; this bot uses the defaults everywhere.
App = Application[Any, Any, Any, Any, Any, Any]

log = logging.getLogger(__name__)

ADMIN_COMMANDS = ["status", "reload", "onbeantwoord", "unanswered"]
PURGE_TASK = "usage-purge-task"
PURGE_EVERY_S = 24 * 3600
CONCURRENT_UPDATES = 64  # questions are answered concurrently; one slow send must not hold up other users

MENUS = {
    "nl": {
        "private": [("start", "Welkom en voorbeeldvragen"), ("help", "Wat ik kan en welke artikelen ik ken")],
        "group": [(ASK_COMMANDS[0], "Stel een vraag: /vraag Hoe houd ik klanten trouw?"), ("help", "Wat ik kan")],
    },
    "en": {
        "private": [("start", "Welcome and example questions"), ("help", "What I can do, which articles I know")],
        "group": [(ASK_COMMANDS[1], "Ask a question: /ask How do I keep customers loyal?"), ("help", "What I can do")],
    },
}


def build_application(token: str, base_url: str, services: Services, *, rate_limit: bool = True,
                      poll_timeout: float = 30.0, journal: UpdateJournal | None = None) -> App:
    """With a `journal`, every update is on disk before it is confirmed to Telegram and answered again after a crash
    (bot/telegram/journal.py); without one (most tests), updates are handled exactly as PTB does."""
    # Opt in to PTB's future behaviour (RetryAfter.retry_after as a timedelta) instead of a deprecation warning on
    # every 429; `sending.deliver` accepts both forms. Set when the bot is built, not as a side effect of an import.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    queue = JournalQueue(journal)
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url.rstrip("/"))
        .base_file_url(base_url.rstrip("/").removesuffix("/bot") + "/file/bot")
        .update_queue(queue)
        .concurrent_updates(JournalProcessor(CONCURRENT_UPDATES, journal, queue))
        .get_updates_read_timeout(poll_timeout + 10)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if rate_limit:
        # Keeps outbound messages within Telegram's flood limits and retries a 429 a few times before giving up.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))  # type: ignore[arg-type]  # PTB: typed for None
    application = builder.build()
    application.bot_data[KEY] = services
    add_handlers(application)
    return application


def add_handlers(application: App) -> None:
    application.add_handler(CommandHandler("start", handlers.on_start))
    application.add_handler(CommandHandler("help", handlers.on_help))
    application.add_handler(CommandHandler(list(ASK_COMMANDS), handlers.on_ask_command))
    application.add_handler(CommandHandler(ADMIN_COMMANDS, handlers.on_admin))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, handlers.on_migrate))
    application.add_handler(MessageHandler(filters.COMMAND, handlers.on_unknown_command))
    application.add_handler(MessageHandler((filters.TEXT | filters.CAPTION) & ~filters.COMMAND
                                           & ~filters.UpdateType.EDITED, handlers.on_text))
    application.add_handler(CallbackQueryHandler(handlers.on_button))
    application.add_handler(InlineQueryHandler(handlers.on_inline))
    application.add_error_handler(handlers.on_error)


async def start_polling_in_loop(application: App, poll_timeout: float = 1.0) -> None:
    """`Application.run_polling`'s start sequence inside an already running event loop (tests, the benchmark):
    initialize, post_init, start fetching, start processing. `run_polling` itself owns the loop and the signals."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    assert application.updater is not None
    await application.updater.start_polling(
        timeout=poll_timeout,  # type: ignore[arg-type]  # tests poll with fractions of a second; the API takes them
        poll_interval=0)
    await application.start()


async def stop_polling_in_loop(application: App) -> None:
    """The matching shutdown: stop fetching, finish the updates in hand, shut down, then post_shutdown (which stops
    the file watcher and closes the usage store)."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)


async def set_menus(application: App) -> None:
    for language, menus in MENUS.items():
        code = None if language == "nl" else language
        await application.bot.set_my_commands([BotCommand(c, d) for c, d in menus["private"]],
                                               scope=BotCommandScopeAllPrivateChats(), language_code=code)
        await application.bot.set_my_commands([BotCommand(c, d) for c, d in menus["group"]],
                                               scope=BotCommandScopeAllGroupChats(), language_code=code)


async def _post_init(application: App) -> None:
    services: Services = application.bot_data[KEY]
    try:
        await set_menus(application)
    except Exception:  # a missing menu is cosmetic; the bot must still start
        log.warning("could not set the command menus", exc_info=True)
    if services.live is not None:
        services.live.on_report = lambda report: on_reload(application, report)
        services.live.start_watching()
    if services.store is not None:
        application.bot_data[PURGE_TASK] = asyncio.create_task(_purge_daily(services), name="usage-purge")
    queue = application.update_queue
    if isinstance(queue, JournalQueue) and queue.journal is not None:
        # Before polling starts: what a crash left unanswered is answered first, in the order it was taken.
        await recover(queue, application.bot)
        await asyncio.to_thread(queue.journal.prune)
    log.info("bot @%s ready: %d articles, %d chunks", application.bot.username,
             len(services.holder.get().articles), len(services.holder.get().chunks))


async def _post_shutdown(application: App) -> None:
    services: Services = application.bot_data[KEY]
    if services.live is not None:
        await services.live.stop()
    task = application.bot_data.pop(PURGE_TASK, None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    close = getattr(services.store, "close", None)
    if close is not None:
        close()
    queue = application.update_queue
    if isinstance(queue, JournalQueue) and queue.journal is not None:
        queue.journal.close()
    log.info("bot stopped")


async def _purge_daily(services: Services) -> None:
    """Retention is a promise to users (README, privacy): old rows go every day, not only at a restart."""
    while True:
        await asyncio.sleep(PURGE_EVERY_S)
        purge = getattr(services.store, "purge", None)
        if purge is None:
            return
        try:
            removed = await asyncio.to_thread(purge)
            log.info("usage store: removed %s rows past the retention period", removed)
        except Exception:
            log.exception("usage store purge failed; trying again tomorrow")


async def on_reload(application: App, report: ReloadReport) -> None:
    """After every reload: pick up settings and texts, and tell the admin chat about changes and problems."""
    services: Services = application.bot_data[KEY]
    settings_problems = services.reload_settings()
    if settings_problems:  # an emptied or broken telegram.yaml / texts.yaml is the admins' business too
        report = replace(report, problems=report.problems + tuple(settings_problems))
    chat = services.settings.admin_chat
    if chat is None or not (report.changed or report.problems or not report.ok):
        return
    if report.repeated and not settings_problems:
        return  # the admins already know this reload is refused (a corpus folder still missing)
    if report.reason == "/reload":
        return  # the admin who asked gets the report as the command's answer
    try:
        for part in handlers.split_html_lines(admin.reload_html(report)):
            await sending.deliver(application.bot.send_message, part, chat_id=chat,
                                  link_preview_options=sending.NO_PREVIEW)
    except Exception:
        log.warning("could not send the reload report to the admin chat %s", chat, exc_info=True)


ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
