"""When the bot speaks, and what the question is: pure decisions on a received message, no I/O.

Group rule: silent unless addressed. Addressed means a command to the bot (handled by the command handlers, which use
`command_question`), a mention of the bot, or a reply to one of the bot's own messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from telegram import Message, MessageEntity

Reason = Literal["private", "mention", "reply", "command"]
ASK_COMMANDS = ("vraag", "ask")  # the Dutch and the English name of the one command that asks a question
# Without "@bot" a group command may be meant for another bot: "/ask" is common, "/vraag" is ours.
UNADDRESSED_ASK = ASK_COMMANDS[0]


@dataclass(frozen=True)
class Route:
    question: str
    reason: Reason


def is_private(message: Message) -> bool:
    return message.chat.type == "private"


def _text(message: Message) -> str:
    return message.text or message.caption or ""


def _entities(message: Message) -> dict[MessageEntity, str]:
    # parse_entities works in UTF-16 code units as Telegram does; slicing `text` by offsets breaks after an emoji.
    if message.text is not None:
        return message.parse_entities()
    if message.caption is not None:
        return message.parse_caption_entities()
    return {}


def mentions_bot(message: Message, bot_username: str, bot_id: int) -> bool:
    name = "@" + bot_username.casefold()
    for entity, value in _entities(message).items():
        if entity.type == MessageEntity.MENTION and value.casefold() == name:
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user is not None and entity.user.id == bot_id:
            return True
    return False


def without_mentions(message: Message, bot_username: str) -> str:
    """The message text with the bot's @-mentions removed, so "@RelatieBot" is not searched for."""
    text = _text(message)
    name = "@" + bot_username.casefold()
    pieces = [v for e, v in _entities(message).items() if e.type == MessageEntity.MENTION and v.casefold() == name]
    for piece in pieces:
        text = text.replace(piece, " ")
    return " ".join(text.split())


def is_reply_to_bot(message: Message, bot_id: int) -> bool:
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != bot_id:
        return False
    # In forum topics every message "replies" to the topic's first message; that is not addressing the bot.
    return not (message.is_topic_message and replied.message_id == message.message_thread_id)


def route_text(message: Message, bot_username: str, bot_id: int) -> Route | None:
    """For a plain text message (not a command): the question to answer, or None to stay silent."""
    text = _text(message).strip()
    if not text:
        return None
    if message.text is None:
        # A photo captioned "/vraag@bot ..." is a command too; command handlers only look at message text.
        command = _leading_command(message)
        if command is not None:
            name, _, target = command.lstrip("/").partition("@")
            ours = target.casefold() == bot_username.casefold() or (not target and (
                is_private(message) or name.casefold() == UNADDRESSED_ASK))
            if name.casefold() in ASK_COMMANDS and ours:
                return Route(command_question(message, bot_id), "command")
            return None
    if is_private(message):
        return Route(text, "private")
    if mentions_bot(message, bot_username, bot_id):
        return Route(without_mentions(message, bot_username), "mention")
    if is_reply_to_bot(message, bot_id):
        return Route(text, "reply")
    return None


def _leading_command(message: Message) -> str | None:
    for entity, value in _entities(message).items():
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            return value
    return None


def command_names_bot(message: Message, bot_username: str) -> bool:
    """In a group, `/help` without `@bot` may be meant for any bot there; only `/help@bot` is surely ours.

    `/vraag` is the exception (handled by the caller): it is this bot's own word, and a colleague replying `/vraag` to a
    question should not have to type the bot's name.
    """
    if is_private(message):
        return True
    command = _leading_command(message)
    return command is not None and command.casefold().endswith("@" + bot_username.casefold())


def command_question(message: Message, bot_id: int) -> str:
    """The question in `/vraag[@bot] question`; without words, the text of the message it replies to.

    Replying `/vraag` to a colleague's message answers what the colleague asked; a reply to the bot's own answer
    carries no new question.
    """
    text = _text(message)
    command = _leading_command(message)
    if command is not None:
        # The command sits at offset 0, so its own length is where the question starts.
        question = text[len(command):].strip()
    else:
        question = text.split(maxsplit=1)[1].strip() if len(text.split(maxsplit=1)) > 1 else ""
    if question:
        return question
    replied = message.reply_to_message
    if replied is None or (replied.from_user is not None and replied.from_user.id == bot_id):
        return ""
    if message.is_topic_message and replied.message_id == message.message_thread_id:
        return ""
    return (replied.text or replied.caption or "").strip()


def language_of(language_code: str | None) -> str:
    """English for users whose Telegram is set to English, Dutch for everyone else (the articles are Dutch)."""
    return "en" if (language_code or "").lower().startswith("en") else "nl"
