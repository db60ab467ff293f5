"""Sending: every message the bot sends goes through `deliver`, so a question gets one answer when Telegram hiccups.

`deliver` falls back to plain text when Telegram cannot parse our HTML, waits out 429s and retries network faults a
bounded number of times. Moved out of handlers.py, which decides what to send; this decides how.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import ContextTypes

from bot.telegram import render
from bot.telegram.routing import is_private

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
SEND_ATTEMPTS = 4
MAX_RETRY_WAIT = 30.0

Context = ContextTypes.DEFAULT_TYPE


async def deliver(send: Callable[..., Awaitable[Message]], text: str, **kwargs: Any) -> Message | None:
    """Send HTML; on "can't parse entities" resend as plain text; wait out 429s and retry network faults.

    A timeout is not retried: Telegram may have delivered the message, and a duplicate answer is worse than a
    missing one (the error handler apologises instead).
    """
    parse_mode: str | None = ParseMode.HTML
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            return await send(text=text, parse_mode=parse_mode, **kwargs)
        except BadRequest as exc:
            if parse_mode is not None and "can't parse entities" in str(exc).lower():
                log.warning("Telegram could not parse our HTML (%s); sending plain text instead", exc)
                text, parse_mode = render.plain_of(text), None
                continue
            raise
        except RetryAfter as exc:
            wait = exc.retry_after if isinstance(exc.retry_after, int | float) else exc.retry_after.total_seconds()
            if attempt == SEND_ATTEMPTS or wait > MAX_RETRY_WAIT:
                raise
            log.warning("Telegram asked to slow down; retrying in %.1f s", wait)
            await asyncio.sleep(wait)
        except TimedOut:
            raise
        except NetworkError as exc:
            if attempt == SEND_ATTEMPTS:
                raise
            log.warning("sending failed (%s); retry %d of %d", exc, attempt, SEND_ATTEMPTS - 1)
            await asyncio.sleep(0.2 * 2 ** (attempt - 1))
    return None


def reply_kwargs(message: Message, quote: bool) -> dict[str, Any]:
    """Answer in the same chat and forum topic; in groups as a reply to the question (also if it was deleted)."""
    kwargs: dict[str, Any] = {"chat_id": message.chat_id, "link_preview_options": NO_PREVIEW}
    if message.is_topic_message and message.message_thread_id is not None:
        kwargs["message_thread_id"] = message.message_thread_id
    if quote:
        kwargs["reply_parameters"] = ReplyParameters(message.message_id, allow_sending_without_reply=True)
    return kwargs


async def reply(context: Context, message: Message, html: str, quote: bool | None = None,
                markup: InlineKeyboardMarkup | None = None) -> Message | None:
    quote = (not is_private(message)) if quote is None else quote
    return await deliver(context.bot.send_message, html, reply_markup=markup, **reply_kwargs(message, quote))
