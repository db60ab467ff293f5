"""`python -m bot` / `make run`: the Telegram bot when TELEGRAM_BOT_TOKEN is set, otherwise the terminal chat.

Without a token on an interactive terminal the operator gets the terminal chat (and is told why); without a token
and without a terminal (a service manager, a container) that would be a silent misconfiguration, so it is an error
with a non-zero exit code instead.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import re
import signal
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.usage.settings import DATA_ENV

log = logging.getLogger("bot.run")

TOKEN_ENV = "TELEGRAM_BOT_TOKEN"
BASE_URL_ENV = "TELEGRAM_BASE_URL"
SECRET_ENV = "TELEGRAM_WEBHOOK_SECRET"
TOKEN_FORM = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,}$")
SECRET_FORM = re.compile(r"^[A-Za-z0-9_-]{16,256}$")  # Telegram allows 1-256; short secrets are guessable
REACH_FIRST_WAIT_S = 1.0  # first wait after Telegram could not be reached at start-up; it doubles up to the maximum
REACH_MAX_WAIT_S = 60.0


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def data_dir(config_dir: Path) -> Path:
    """Cache and usage data: $RELATIEBOT_DATA, else data/ beside config/ (git-ignored)."""
    return Path(os.environ[DATA_ENV]) if os.environ.get(DATA_ENV) else config_dir.resolve().parent / "data"


def main_run(args: argparse.Namespace) -> int:
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        if sys.stdin.isatty():
            print(f"{TOKEN_ENV} is not set, so this is the terminal chat, not the Telegram bot. To run the bot: "
                  f"export {TOKEN_ENV}=<token from @BotFather> and start again.\n", file=sys.stderr)
            from bot.terminal import main_chat

            return main_chat(args)
        return _fail(f"{TOKEN_ENV} is not set. Get a token from @BotFather and start the bot with "
                     f"{TOKEN_ENV}=<token> python -m bot (or make run). The token is read only from the environment.")
    if not TOKEN_FORM.match(token):
        return _fail(f"{TOKEN_ENV} does not look like a bot token (expected digits, a colon and at least 20 "
                     "letters, digits, '_' or '-', as @BotFather gives it)")
    return run_telegram(args.corpus, args.config, token)


def run_telegram(corpus_dir: Path, config_dir: Path, token: str) -> int:
    from bot.logsetup import setup_logging

    secret = os.environ.get(SECRET_ENV, "").strip()
    setup_logging([token, secret])

    from telegram.error import InvalidToken

    from bot.serving.live import start_live
    from bot.telegram.address import refused_because
    from bot.telegram.app import build_application
    from bot.telegram.journal import open_journal
    from bot.telegram.services import Services
    from bot.telegram.settings import load_telegram_settings, load_texts
    from bot.usage.settings import load_usage_settings
    from bot.usage.store import UsageStore

    settings, problems = load_telegram_settings(config_dir)
    texts, text_problems = load_texts(config_dir)
    usage_settings, usage_problems = load_usage_settings(config_dir)
    decisive = problems + usage_problems  # errors here stop the start; texts.yaml falls back per text
    refused = any(p.severity == "error" for p in decisive)
    for problem in problems + text_problems + usage_problems:
        text = str(problem)
        if refused and problem in decisive:
            # The check says what a reload does with a bad value; at start the bot does not run with it at all.
            text = text.replace(" (using the default)", "")
        log.warning("config problem: %s", text)
    if refused:
        return _fail("fix the settings above (config/telegram.yaml, config/usage.yaml) and start again")
    from bot.telegram.address import address_problem

    base_url = os.environ.get(BASE_URL_ENV, "").strip() or settings.base_url
    wrong = address_problem(base_url)
    if wrong is not None:
        # Retrying a malformed address forever as "cannot reach Telegram" would hide a typo behind an outage.
        source = BASE_URL_ENV if os.environ.get(BASE_URL_ENV, "").strip() else "base_url in config/telegram.yaml"
        return _fail(f"{source} {wrong}: expected the Bot API address such as https://api.telegram.org/bot")
    if settings.mode == "webhook" and not SECRET_FORM.match(secret):
        return _fail(f"webhook mode needs {SECRET_ENV} (16-256 characters: letters, digits, '_' or '-'); Telegram "
                     "sends it with every update and the bot refuses updates without it")

    data = data_dir(config_dir)
    # The engine is built (or read from the cache) before the application exists: no update is taken before the bot
    # can answer it.
    live, holder = start_live(corpus_dir, config_dir, data / "cache")
    # The first question loads the lemmatizer's dictionary (~0.3 s); pay that before users ask, not on their time.
    holder.get().ask("klant")
    usage_settings = replace(usage_settings, path=str(usage_settings.location(config_dir)))
    store = UsageStore.from_settings(usage_settings, config_dir.resolve().parent)
    services = Services(holder, config_dir, settings, texts, store=store, live=live, started_at=live.started_at)
    # One journal per bot (the id is the token's public part before the colon): another bot's update ids mean nothing.
    journal = open_journal(data / f"updates-{token.split(':', 1)[0]}.sqlite3")
    application = build_application(token, base_url, services, journal=journal)
    log.info("starting in %s mode against %s", settings.mode, base_url.split("/bot")[0])
    try:
        if not asyncio.run(wait_for_telegram(token, base_url)):
            log.info("stopped while waiting for Telegram")
            return 0
        serve(application, settings, secret)
    except InvalidToken:
        # PTB raises InvalidToken for a 404 as well as a 401: a 404 means no Bot API at that path, not a bad token.
        if asyncio.run(refused_because(base_url, token)) == "address":
            source = BASE_URL_ENV if os.environ.get(BASE_URL_ENV, "").strip() else "base_url in config/telegram.yaml"
            return _fail(f"the server at {base_url.split('/bot')[0]} answered 404 Not Found: {source} is probably "
                         "the wrong address (it ends in /bot, e.g. https://api.telegram.org/bot)")
        # PTB's message quotes the token; say it in our words (the log filter would scrub it, stderr would not).
        return _fail(f"Telegram refused {TOKEN_ENV} (revoked or mistyped); get the current token from @BotFather")
    except Exception as exc:
        log.exception("the bot stopped on an error")  # through the scrubbing log handler, never raw to stderr
        return _fail(f"the bot stopped on an error ({type(exc).__name__}); see the log above")
    return 0


async def wait_for_telegram(token: str, base_url: str, first_wait_s: float = REACH_FIRST_WAIT_S,
                            max_wait_s: float = REACH_MAX_WAIT_S) -> bool:
    """Until Telegram answers getMe (True), or SIGTERM/SIGINT arrive first (False); InvalidToken is raised.

    A service often starts before the network is up, and Telegram has outages: without this, the first failed
    request at start-up ended the bot ("Failed run number 0 of 0"). Each failure is a warning that names the server
    and the error, and the wait doubles up to `max_wait_s`.
    """
    from telegram import Bot
    from telegram.error import InvalidToken, NetworkError, RetryAfter

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows, not off the main thread
            loop.add_signal_handler(sig, stop.set)
    where = base_url.split("/bot")[0]
    wait = first_wait_s
    try:
        while not stop.is_set():
            try:
                async with Bot(token, base_url=base_url.rstrip("/")):  # initialising asks getMe
                    return True
            except InvalidToken:
                raise
            except (NetworkError, RetryAfter) as exc:
                log.warning("cannot reach Telegram at %s (%s: %s); trying again in %.0f s", where,
                            type(exc).__name__, exc, wait)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)
            wait = min(max_wait_s, wait * 2)
        return False
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)


def serve(application: Any, settings: Any, secret: str) -> None:
    from bot.telegram.app import ALLOWED_UPDATES

    if settings.mode == "webhook":
        hook = settings.webhook
        # webhook.url is the full public address Telegram posts to; a reverse proxy maps it onto listen:port/path.
        application.run_webhook(listen=hook.listen, port=hook.port, url_path=hook.path, webhook_url=hook.url,
                                secret_token=secret, allowed_updates=ALLOWED_UPDATES)
    else:
        # run_polling handles SIGINT/SIGTERM: it stops fetching, finishes the updates in hand and confirms the
        # offset with Telegram, so nothing is lost or answered twice across a restart.
        application.run_polling(allowed_updates=ALLOWED_UPDATES, timeout=30)
