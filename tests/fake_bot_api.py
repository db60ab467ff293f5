"""A strict local fake of the Telegram Bot API HTTP server, for end-to-end tests of the bot.

Why a fake of our own: the bot is only proven to work if a real HTTP round trip through python-telegram-bot's
``Application`` succeeds, and a lenient fake proves nothing (see ``shared/notes/telegram.md``: a public fake let
malformed HTML, millisecond dates and busy polling through). This one is strict where Telegram is strict: HTML parse
mode is parsed the way Telegram's parser does it (allowed tags only, proper nesting, only the four named entities),
the 4096 limit is checked on the parsed text in UTF-16 code units, callback data must be 1..64 bytes, unknown methods
get 404, and faults (429 with ``retry_after``, 5xx, slow answers, dropped connections) can be injected per method.

It runs a stdlib ``ThreadingHTTPServer`` in a daemon thread so it does not depend on (or block) the asyncio loop of
the test: the bot under test talks to it over a real socket, exactly as it would talk to api.telegram.org.

Import it the way the other helpers in ``tests/`` are imported (pytest puts ``tests/`` on ``sys.path``)::

    from fake_bot_api import FakeBotAPI
"""

from __future__ import annotations

import asyncio
import contextlib
import email.parser
import email.policy
import itertools
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

JSONDict = dict[str, Any]

DEFAULT_TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvw"
MAX_TEXT_UTF16 = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_CHARS = 200
MAX_INLINE_RESULTS = 50
FAULT_KINDS = frozenset({"429", "500", "502", "slow", "drop", "drop_after"})

QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same as a current "
    "content and reply markup of the message"
)
BAD_GATEWAY_HTML = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
    b"<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"
)

# Form fields that are strings in the Bot API even when they look like JSON ("123", "true"): PTB sends every value as a
# form field and JSON-encodes only non-strings, so everything else is decoded with json.loads when that succeeds.
STRING_PARAMS = frozenset(
    {
        "text", "caption", "query", "parse_mode", "callback_query_id", "inline_query_id", "description",
        "short_description", "language_code", "url", "action", "next_offset", "inline_message_id",
        "business_connection_id", "message_effect_id", "secret_token", "name", "title", "emoji", "ip_address",
        "switch_pm_text", "switch_pm_parameter",
    }
)
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice", "upload_document",
        "choose_sticker", "find_location", "record_video_note", "upload_video_note",
    }
)
INLINE_BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay",
)
COMMAND_SCOPES = frozenset(
    {
        "default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat", "chat_administrators",
        "chat_member",
    }
)
# Update types Telegram leaves out unless they are asked for in allowed_updates.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
# Telegram's HTML tags and the entity type each one makes.
HTML_TAGS: dict[str, str] = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "span": "spoiler",
    "tg-spoiler": "spoiler", "a": "text_link", "code": "code", "pre": "pre", "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8})|([A-Za-z][A-Za-z0-9]*));")
_COMMAND_RE = re.compile(r"(?<![^\s])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")
_MENTION_RE = re.compile(r"(?<![A-Za-z0-9_@])@[A-Za-z0-9_]{5,32}(?![A-Za-z0-9_])")
_URL_RE = re.compile(r"^(?:https?|tg)://\S+$|^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/\S*)?$")
_COMMAND_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_START_PARAM_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: Telegram counts text lengths and entity offsets this way."""
    return len(text.encode("utf-16-le")) // 2


class ApiError(Exception):
    """A Bot API error answer: the HTTP status doubles as ``error_code``, as in Telegram's own replies."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def bad_request(description: str, parameters: JSONDict | None = None) -> ApiError:
    """Telegram prefixes every 400 description with "Bad Request: "; bots match on the rest."""
    return ApiError(400, f"Bad Request: {description}", parameters)


class HtmlError(ValueError):
    """A parse failure, worded like Telegram's (it follows "Bad Request: can't parse entities: ")."""


@dataclass
class _OpenTag:
    name: str
    start: int  # UTF-16 offset in the plain text
    attrs: dict[str, str]
    byte_offset: int
    language: str | None = None


def _byte_offset(text: str, index: int) -> int:
    """Telegram reports HTML errors at byte offsets of the UTF-8 request text."""
    return len(text[:index].encode("utf-8"))


def _decode_entity(text: str, index: int) -> tuple[str, int]:
    """Decode the character reference at ``text[index] == "&"``; Telegram knows only lt, gt, amp, quot and numbers.

    Stricter than Telegram on purpose: Telegram passes an unknown ``&name;`` or a bare ``&`` through as text, but a
    bot that sends one forgot ``html.escape`` and will break on the next ``<``, so the fake rejects it.
    """
    match = _ENTITY_RE.match(text, index)
    where = _byte_offset(text, index)
    if match is None:
        raise HtmlError(f'Unescaped "&" at byte offset {where}: it must be written as "&amp;"')
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        if name not in NAMED_ENTITIES:
            raise HtmlError(f'Unsupported HTML entity "&{name};" at byte offset {where}')
        return NAMED_ENTITIES[name], match.end()
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise HtmlError(f"Invalid numeric HTML entity at byte offset {where}")
    return chr(code), match.end()


def _decode_attribute(raw: str, text: str, value_index: int) -> str:
    """Attribute values may contain the same entities as text, with the same strictness."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        if raw[i] == "&":
            try:
                char, end = _decode_entity(raw, i)
            except HtmlError as error:
                raise HtmlError(f"{error} (in an attribute value at byte offset "
                                f"{_byte_offset(text, value_index)})") from None
            out.append(char)
            i = end
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)


def _parse_attributes(text: str, index: int, tag: str, tag_offset: int) -> tuple[dict[str, str], int]:
    """Parse ``name="value"`` pairs up to the closing ``>``; returns them and the index after ``>``."""
    attrs: dict[str, str] = {}
    n = len(text)
    unclosed = HtmlError(f"Unclosed start tag at byte offset {tag_offset}")
    while True:
        while index < n and text[index].isspace():
            index += 1
        if index >= n:
            raise unclosed
        if text[index] == ">":
            return attrs, index + 1
        end = index
        while end < n and not text[end].isspace() and text[end] not in "=>":
            end += 1
        name = text[index:end].lower()
        if not name:
            raise HtmlError(f'Empty attribute name in the tag "{tag}" at byte offset {tag_offset}')
        index = end
        while index < n and text[index].isspace():
            index += 1
        if index >= n:
            raise unclosed
        if text[index] != "=":
            attrs[name] = ""
            continue
        index += 1
        while index < n and text[index].isspace():
            index += 1
        if index >= n:
            raise unclosed
        if text[index] in "\"'":
            close = text.find(text[index], index + 1)
            if close == -1:
                raise unclosed
            attrs[name] = _decode_attribute(text[index + 1 : close], text, index)
            index = close + 1
        else:
            end = index
            while end < n and not text[end].isspace() and text[end] != ">":
                end += 1
            attrs[name] = _decode_attribute(text[index:end], text, index)
            index = end


def _check_start_tag(tag: _OpenTag) -> None:
    """Tag-specific rules: a spoiler span needs its class, a link its href, a custom emoji its id."""
    where = tag.byte_offset
    if tag.name == "span" and tag.attrs.get("class") != "tg-spoiler":
        raise HtmlError(f'Tag "span" must have class "tg-spoiler" at byte offset {where}')
    if tag.name == "a" and not tag.attrs.get("href", "").strip():
        raise HtmlError(f'Tag "a" must have a non-empty attribute "href" at byte offset {where}')
    if tag.name == "tg-emoji" and not tag.attrs.get("emoji-id", "").isdigit():
        raise HtmlError(f'Tag "tg-emoji" must have a numeric attribute "emoji-id" at byte offset {where}')
    if tag.name == "code" and tag.attrs.get("class", "").startswith("language-"):
        tag.language = tag.attrs["class"][len("language-") :]


def _close_tag(tag: _OpenTag, end: int, stack: list[_OpenTag], entities: list[JSONDict]) -> None:
    """Turn a closed tag into an entity, as Telegram does (empty ones vanish, ``<pre><code class>`` sets language)."""
    if tag.name == "code" and tag.language and stack and stack[-1].name == "pre":
        stack[-1].language = tag.language
        return
    if end == tag.start:
        return
    kind = HTML_TAGS[tag.name]
    if tag.name == "blockquote" and "expandable" in tag.attrs:
        kind = "expandable_blockquote"
    entity: JSONDict = {"type": kind, "offset": tag.start, "length": end - tag.start}
    if kind == "text_link":
        entity["url"] = tag.attrs["href"].strip()
    elif kind == "pre" and tag.language:
        entity["language"] = tag.language
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = tag.attrs["emoji-id"]
    entities.append(entity)


def parse_html(text: str) -> tuple[str, list[JSONDict]]:
    """Parse Telegram's HTML parse mode into (plain text, entities with UTF-16 offsets), or raise ``HtmlError``.

    Written as a small tokenizer modelled on Telegram's own parser rather than on ``html.parser``, because the stdlib
    parser is lenient exactly where Telegram is strict (a bare ``<`` or ``&`` is data to it).
    """
    out: list[str] = []
    pos = 0
    stack: list[_OpenTag] = []
    entities: list[JSONDict] = []
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == "&":
            decoded, i = _decode_entity(text, i)
            out.append(decoded)
            pos += utf16_len(decoded)
            continue
        if char != "<":
            end = i
            while end < n and text[end] not in "<&":
                end += 1
            chunk = text[i:end]
            out.append(chunk)
            pos += utf16_len(chunk)
            i = end
            continue
        where = _byte_offset(text, i)
        if text.startswith("</", i):
            close = text.find(">", i)
            if close == -1:
                raise HtmlError(f"Unclosed end tag at byte offset {where}")
            name = text[i + 2 : close].strip().lower()
            if not stack:
                raise HtmlError(f'Unexpected end tag "</{name}>" at byte offset {where}')
            top = stack.pop()
            if name != top.name:
                raise HtmlError(
                    f'Unmatched end tag at byte offset {where}, expected "</{top.name}>", found "</{name}>"'
                )
            _close_tag(top, pos, stack, entities)
            i = close + 1
            continue
        end = i + 1
        while end < n and not text[end].isspace() and text[end] != ">":
            end += 1
        if end >= n:
            raise HtmlError(f"Unclosed start tag at byte offset {where}")
        name = text[i + 1 : end].lower()
        if name not in HTML_TAGS:
            raise HtmlError(f'Unsupported start tag "{name}" at byte offset {where}')
        attrs, i = _parse_attributes(text, end, name, where)
        tag = _OpenTag(name=name, start=pos, attrs=attrs, byte_offset=where)
        _check_start_tag(tag)
        stack.append(tag)
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _trim(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Telegram strips leading and trailing whitespace from message text and clips the entities to what is left."""
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    stripped = text.strip()
    total = utf16_len(stripped)
    clipped: list[JSONDict] = []
    for entity in entities:
        start = max(int(entity.get("offset", 0)) - lead, 0)
        end = min(int(entity.get("offset", 0)) + int(entity.get("length", 0)) - lead, total)
        if end > start:
            clipped.append({**entity, "offset": start, "length": end - start})
    return stripped, clipped


def auto_entities(text: str) -> list[JSONDict]:
    """The entities a Telegram client adds to a typed message: bot commands and @mentions (UTF-16 offsets)."""
    found: list[JSONDict] = []
    for regex, kind in ((_COMMAND_RE, "bot_command"), (_MENTION_RE, "mention")):
        for match in regex.finditer(text):
            if kind == "mention" and match.start() > 0 and text[match.start() - 1] == "/":
                continue
            found.append(
                {"type": kind, "offset": utf16_len(text[: match.start()]), "length": utf16_len(match.group(0))}
            )
    # A mention inside "/cmd@bot" is part of the command entity, not a separate mention.
    commands = [(e["offset"], e["offset"] + e["length"]) for e in found if e["type"] == "bot_command"]
    found = [
        e for e in found
        if e["type"] == "bot_command" or not any(s <= e["offset"] < end for s, end in commands)
    ]
    found.sort(key=lambda e: e["offset"])
    return found


@dataclass
class Call:
    """One request the bot made, recorded even when rejected, so tests can assert on what the bot tried."""

    method: str
    params: JSONDict
    status: int
    response: JSONDict
    at: float


@dataclass
class Fault:
    """An injected failure, consumed once by the next matching request."""

    kind: str
    retry_after: int = 1
    delay: float = 0.0


@dataclass
class _Query:
    """A callback or inline query the fake issued; Telegram accepts one answer per query."""

    payload: JSONDict
    answered: bool = False


@dataclass
class _State:
    """Everything guarded by ``FakeBotAPI._cond``."""

    updates: list[JSONDict] = field(default_factory=list)
    chats: dict[int, JSONDict] = field(default_factory=dict)
    migrated: dict[int, int] = field(default_factory=dict)
    messages: dict[tuple[int, int], JSONDict] = field(default_factory=dict)
    next_message_id: dict[int, int] = field(default_factory=dict)
    threads: dict[int, set[int]] = field(default_factory=dict)
    callbacks: dict[str, _Query] = field(default_factory=dict)
    inline_queries: dict[str, _Query] = field(default_factory=dict)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    commands: dict[str, list[JSONDict]] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    allowed_updates: list[str] | None = None
    webhook_url: str = ""
    poll_generation: int = 0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The listen backlog. socketserver's default of 5 overflowed when the bot opened a dozen connections at once (ten
    # concurrent answers): the kernel dropped the extra SYNs and the client's retry came 1 s later, so one answer
    # took a second (TcpExtListenOverflows counted it). Telegram's servers have no such queue of 5.
    request_queue_size = 128

    def __init__(self, fake: FakeBotAPI, port: int = 0) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", port), _Handler)


class _Handler(BaseHTTPRequestHandler):
    """Keep-alive HTTP/1.1 like the real server (httpx pools connections); all logic lives in ``FakeBotAPI``."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the second waits ~40 ms for an ACK (delayed-ACK clash).
    disable_nagle_algorithm = True
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.fake._track(self.connection, add=True)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.server.fake._track(self.connection, add=False)

    def do_POST(self) -> None:
        self.server.fake._serve(self)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request stderr log; ``FakeBotAPI.calls`` is the log."""


class FakeBotAPI:
    """The fake server plus the "users" who talk to the bot and the record of what the bot did."""

    def __init__(
        self, token: str = DEFAULT_TOKEN, bot_username: str = "RelatieBot", bot_id: int = 999
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.bot_id = bot_id
        self.bot_user: JSONDict = {"id": bot_id, "is_bot": True, "first_name": bot_username, "username": bot_username}
        self.calls: list[Call] = []
        self.confirmed_offset = 0
        # Exceptions inside the fake itself (bugs in the fake, not in the bot), answered as HTTP 500.
        self.internal_errors: list[str] = []
        self.base_url = ""
        self.base_file_url = ""
        self._cond = threading.Condition(threading.RLock())
        self._state = _State()
        self._ids = itertools.count(1)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._stopping = False
        self._methods: dict[str, tuple[str, Callable[[JSONDict], Any]]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "deleteWebhook": self._delete_webhook,
                "setWebhook": self._set_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "setMyCommands": self._set_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "getMyCommands": self._get_my_commands,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "answerCallbackQuery": self._answer_callback_query,
                "answerInlineQuery": self._answer_inline_query,
                "sendChatAction": self._send_chat_action,
                "close": self._true,
                "logOut": self._true,
                "getChat": self._get_chat,
                "setMyDescription": self._set_my_description,
                "setMyShortDescription": self._set_my_short_description,
                "getMyDescription": self._get_my_description,
                "getMyShortDescription": self._get_my_short_description,
            }.items()
        }

    # ------------------------------------------------------------------ lifecycle

    def start(self, port: int = 0) -> None:
        """Bind 127.0.0.1 on `port` (a free one by default) and serve from a daemon thread."""
        self._server = _Server(self, port)
        port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{port}/bot"
        self.base_file_url = f"http://127.0.0.1:{port}/file/bot"
        # A short poll interval keeps stop() fast (shutdown() waits for the serve loop to notice).
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="fake-bot-api", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Release long polls, stop serving and close kept-alive client connections."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        with self._cond:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeBotAPI:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._cond:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    # ------------------------------------------------------------------ the users' side

    def user(
        self, user_id: int = 1, first_name: str = "Anna", language_code: str | None = "nl", username: str | None = None
    ) -> JSONDict:
        """A Telegram User dict for a person talking to the bot."""
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username is not None:
            user["username"] = username
        if language_code is not None:
            user["language_code"] = language_code
        return user

    def private_chat(self, user: JSONDict) -> JSONDict:
        """The private chat with ``user`` (its id is the user's id, as in Telegram)."""
        chat: JSONDict = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        if "username" in user:
            chat["username"] = user["username"]
        self._register_chat(chat)
        return chat

    def group_chat(
        self, chat_id: int = -100123, title: str = "Team", type: str = "supergroup", is_forum: bool = False
    ) -> JSONDict:
        """A group the bot is a member of; ``is_forum`` makes it a supergroup with topics."""
        chat: JSONDict = {"id": chat_id, "type": type, "title": title}
        if is_forum:
            chat["is_forum"] = True
        self._register_chat(chat)
        return chat

    def block_user(self, user_id: int) -> None:
        """The user blocks the bot: sends to their private chat get 403, as in Telegram."""
        with self._cond:
            self._state.blocked.add(user_id)

    def send_message(
        self,
        chat: JSONDict,
        user: JSONDict,
        text: str,
        *,
        reply_to: JSONDict | None = None,
        message_thread_id: int | None = None,
        entities: list[JSONDict] | None = None,
    ) -> JSONDict:
        """A user types ``text`` in ``chat``; queues the update and returns the Message dict.

        Like a Telegram client, it marks ``/commands`` and ``@mentions`` with entities (UTF-16 offsets) unless
        ``entities`` is given. A reply inside a forum topic inherits the topic's thread id.
        """
        with self._cond:
            self._register_chat(chat)
            message = self._new_message(chat, user, text)
            found = auto_entities(text) if entities is None else entities
            if found:
                message["entities"] = found
            if reply_to is not None:
                replied = self._state.messages.get((chat["id"], reply_to["message_id"]), reply_to)
                message["reply_to_message"] = {k: v for k, v in replied.items() if k != "reply_to_message"}
                if message_thread_id is None:
                    message_thread_id = replied.get("message_thread_id")
            if message_thread_id is not None:
                message["message_thread_id"] = message_thread_id
                if chat.get("is_forum"):
                    message["is_topic_message"] = True
                self._state.threads.setdefault(chat["id"], set()).add(message_thread_id)
            self._store(message)
            self._queue({"message": message})
            return message

    def press_button(self, message: JSONDict, data: str, user: JSONDict, *, check_button: bool = True) -> str:
        """A user presses an inline button on a bot message; returns the callback query id.

        The callback carries the message as it is now (after any edits). With ``check_button`` the button must be on
        that message, since a real client can only press buttons it shows.
        """
        with self._cond:
            current = self._state.messages.get((message["chat"]["id"], message["message_id"]), message)
            if check_button:
                rows = (current.get("reply_markup") or {}).get("inline_keyboard", [])
                offered = [b.get("callback_data") for row in rows for b in row]
                if data not in offered:
                    raise AssertionError(f"message {current['message_id']} has no button with callback_data "
                                         f"{data!r}; it offers {offered}")
            query_id = str(next(self._ids) + 4_000_000_000_000)
            payload: JSONDict = {
                "id": query_id,
                "from": user,
                "message": current,
                "chat_instance": str(-abs(current["chat"]["id"]) * 7919),
                "data": data,
            }
            self._state.callbacks[query_id] = _Query(payload)
            self._queue({"callback_query": payload})
            return query_id

    def inline_query(self, user: JSONDict, query: str, *, offset: str = "", chat_type: str = "sender") -> str:
        """A user types ``@bot query`` in any chat; returns the inline query id."""
        with self._cond:
            query_id = str(next(self._ids) + 5_000_000_000_000)
            payload: JSONDict = {"id": query_id, "from": user, "query": query, "offset": offset, "chat_type": chat_type}
            self._state.inline_queries[query_id] = _Query(payload)
            self._queue({"inline_query": payload})
            return query_id

    def migrate_chat(
        self, old_chat: JSONDict, new_chat_id: int, *, user: JSONDict | None = None, announce_in_new_chat: bool = True
    ) -> JSONDict:
        """Upgrade a group to a supergroup; returns the new chat dict.

        Telegram sends two service messages: ``migrate_to_chat_id`` in the old group and then ``migrate_from_chat_id``
        in the new supergroup (``announce_in_new_chat=False`` leaves the second out). From then on, sending to the
        old id fails with "group chat was upgraded to a supergroup chat" and ``migrate_to_chat_id``.
        """
        sender = user or self.user()
        new_chat: JSONDict = {"id": new_chat_id, "type": "supergroup", "title": old_chat.get("title", "")}
        with self._cond:
            self._register_chat(old_chat)
            self._register_chat(new_chat)
            old_message = self._new_message(old_chat, sender, None)
            old_message["migrate_to_chat_id"] = new_chat_id
            self._store(old_message)
            self._queue({"message": old_message})
            self._state.migrated[old_chat["id"]] = new_chat_id
            if announce_in_new_chat:
                new_message = self._new_message(new_chat, sender, None)
                new_message["migrate_from_chat_id"] = old_chat["id"]
                self._store(new_message)
                self._queue({"message": new_message})
        return new_chat

    def raw_update(self, payload: JSONDict) -> int:
        """Queue any update payload (e.g. ``{"my_chat_member": ...}``); returns its update_id."""
        with self._cond:
            return self._queue(dict(payload))

    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed by a getUpdates offset."""
        with self._cond:
            return list(self._state.updates)

    # ------------------------------------------------------------------ what the bot did

    def sent(self, chat_id: int | None = None) -> list[JSONDict]:
        """Successful sendMessage/editMessageText calls: their params plus ``method`` and ``result`` (the message)."""
        out: list[JSONDict] = []
        for call in list(self.calls):
            if call.status != 200 or call.method not in ("sendMessage", "editMessageText"):
                continue
            result = call.response.get("result")
            if chat_id is not None and not (isinstance(result, dict) and result["chat"]["id"] == chat_id):
                continue
            out.append({**call.params, "method": call.method, "result": result})
        return out

    def sent_texts_plain(self, chat_id: int | None = None) -> list[str]:
        """The plain texts (after HTML parsing) of what ``sent`` returns: what the user reads."""
        return [s["result"]["text"] for s in self.sent(chat_id) if isinstance(s["result"], dict)]

    def _successful(self, method: str) -> list[JSONDict]:
        return [dict(c.params) for c in list(self.calls) if c.method == method and c.status == 200]

    def answered_callbacks(self) -> list[JSONDict]:
        """Params of successful answerCallbackQuery calls."""
        return self._successful("answerCallbackQuery")

    def inline_answers(self) -> list[JSONDict]:
        """Params of successful answerInlineQuery calls."""
        return self._successful("answerInlineQuery")

    def commands(self) -> dict[str, list[JSONDict]]:
        """Current setMyCommands state: scope key -> commands.

        The key is ``json.dumps(scope, sort_keys=True)`` (``{"type": "default"}`` when no scope was given), followed
        by ``|<language_code>`` when a language code was given.
        """
        with self._cond:
            return {k: list(v) for k, v in self._state.commands.items()}

    def calls_to(self, method: str) -> list[Call]:
        """Every call (any status) to ``method`` (case-insensitive)."""
        return [c for c in list(self.calls) if c.method.lower() == method.lower()]

    def failed_calls(self) -> list[Call]:
        """Calls that did not succeed, minus the long polls Telegram terminates when a newer getUpdates arrives.

        PTB abandons its pending long poll when it stops and sends a last getUpdates to confirm the offset; the
        server then ends the abandoned one with 409 "terminated by other getUpdates request", which nobody reads.
        """
        return [
            c for c in list(self.calls)
            if c.status != 200 and not (c.method == "getUpdates" and "terminated by other" in str(c.response))
        ]

    def summary(self, last: int = 25) -> str:
        """A readable digest of the most recent calls, for assertion messages."""
        lines: list[str] = []
        for call in list(self.calls)[-last:]:
            params = {k: v for k, v in call.params.items() if k not in ("reply_markup", "link_preview_options")}
            shown = json.dumps(params, ensure_ascii=False, default=str)
            if len(shown) > 160:
                shown = shown[:157] + "..."
            outcome = "ok" if call.status == 200 else call.response.get("description", "")
            lines.append(f"  {call.method} [{call.status}] {shown} -> {outcome}")
        return "\n".join(lines) or "  (no calls)"

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0, *, what: str = "") -> None:
        """Poll ``predicate`` every 10 ms without blocking the loop the bot runs on; fail with the recent calls."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            if loop.time() >= deadline:
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {what or getattr(predicate, '__name__', 'condition')}; "
                    f"recent calls:\n{self.summary()}"
                )
            await asyncio.sleep(0.01)

    async def wait_sent(self, count: int, chat_id: int | None = None, timeout: float = 5.0) -> list[JSONDict]:
        """Wait until at least ``count`` sends/edits (to ``chat_id``) succeeded; returns them all."""
        await self.wait_for(
            lambda: len(self.sent(chat_id)) >= count,
            timeout,
            what=f"{count} sent message(s)" + (f" in chat {chat_id}" if chat_id is not None else ""),
        )
        return self.sent(chat_id)

    # ------------------------------------------------------------------ fault injection

    def fail(self, method: str, kind: str, times: int = 1, *, retry_after: int = 1, delay: float = 0.0) -> None:
        """Make the next ``times`` calls to ``method`` ("*" for any method) fail as ``kind``.

        Kinds: "429" (flood limit with ``retry_after``), "500", "502" (an HTML page from a proxy), "slow" (answer
        normally after ``delay`` seconds), "drop" (close the connection without answering, request not executed),
        "drop_after" (execute the request, then close without answering: the bot cannot know it succeeded).
        ``delay`` also applies before the other kinds.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; use one of {sorted(FAULT_KINDS)}")
        with self._cond:
            queue = self._state.faults.setdefault(method.lower(), [])
            queue.extend(Fault(kind, retry_after, delay) for _ in range(times))

    def _take_fault(self, method: str) -> Fault | None:
        with self._cond:
            for key in (method.lower(), "*"):
                queue = self._state.faults.get(key)
                if queue:
                    return queue.pop(0)
        return None

    # ------------------------------------------------------------------ internals: state

    def _register_chat(self, chat: JSONDict) -> None:
        with self._cond:
            self._state.chats.setdefault(chat["id"], chat)

    def _new_message(self, chat: JSONDict, sender: JSONDict, text: str | None) -> JSONDict:
        with self._cond:
            message_id = self._state.next_message_id.get(chat["id"], 1)
            self._state.next_message_id[chat["id"]] = message_id + 1
        message: JSONDict = {"message_id": message_id, "from": sender, "chat": chat, "date": int(time.time())}
        if text is not None:
            message["text"] = text
        return message

    def _store(self, message: JSONDict) -> None:
        with self._cond:
            self._state.messages[(message["chat"]["id"], message["message_id"])] = message

    def _queue(self, payload: JSONDict) -> int:
        with self._cond:
            update_id = next(self._ids)
            self._state.updates.append({"update_id": update_id, **payload})
            self._cond.notify_all()
            return update_id

    def _record(self, method: str, params: JSONDict, status: int, response: JSONDict) -> None:
        with self._cond:
            self.calls.append(Call(method, params, status, response, time.time()))

    # ------------------------------------------------------------------ internals: HTTP

    def _serve(self, handler: _Handler) -> None:
        """Answer one request; never let a malformed request or a bug in the fake kill the server thread."""
        try:
            self._serve_unsafe(handler)
        except Exception as error:  # the fake must survive anything a client sends
            self.internal_errors.append(repr(error))
            self._write_json(handler, 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"})

    def _serve_unsafe(self, handler: _Handler) -> None:
        path = urlsplit(handler.path).path
        body = self._read_body(handler)
        match = re.fullmatch(r"/bot([^/]*)/([^/]*)", path)
        if match is None:
            response = {"ok": False, "error_code": 404, "description": "Not Found"}
            self._record(path, {}, 404, response)
            self._write_json(handler, 404, response)
            return
        token, raw_method = match.groups()
        method, method_handler = self._methods.get(raw_method.lower(), (raw_method, None))
        if token != self.token:
            response = {"ok": False, "error_code": 401, "description": "Unauthorized"}
            self._record(method, {}, 401, response)
            self._write_json(handler, 401, response)
            return
        try:
            params = self._parse_params(handler, body)
        except ApiError as error:
            response = {"ok": False, "error_code": error.status, "description": error.description}
            self._record(method, {}, error.status, response)
            self._write_json(handler, error.status, response)
            return
        fault = self._take_fault(method)
        if fault is not None:
            if fault.delay or fault.kind == "slow":
                time.sleep(fault.delay)
            if fault.kind == "drop":
                self._record(method, params, 0, {"fault": "drop"})
                handler.close_connection = True
                return
            if fault.kind == "429":
                response = {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {fault.retry_after}",
                    "parameters": {"retry_after": fault.retry_after},
                }
                self._record(method, params, 429, response)
                self._write_json(handler, 429, response)
                return
            if fault.kind == "500":
                response = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
                self._record(method, params, 500, response)
                self._write_json(handler, 500, response)
                return
            if fault.kind == "502":
                self._record(method, params, 502, {"fault": "502"})
                self._write(handler, 502, BAD_GATEWAY_HTML, "text/html")
                return
        if method_handler is None:
            response = {"ok": False, "error_code": 404, "description": "Not Found"}
            self._record(method, params, 404, response)
            self._write_json(handler, 404, response)
            return
        try:
            result = method_handler(params)
            status, response = 200, {"ok": True, "result": result}
        except ApiError as error:
            status = error.status
            response = {"ok": False, "error_code": error.status, "description": error.description}
            if error.parameters:
                response["parameters"] = error.parameters
        self._record(method, params, status, response)
        if fault is not None and fault.kind == "drop_after":
            handler.close_connection = True
            return
        self._write_json(handler, status, response)

    @staticmethod
    def _read_body(handler: _Handler) -> bytes:
        if "chunked" in handler.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    handler.rfile.readline()
                    return b"".join(chunks)
                chunks.append(handler.rfile.read(size))
                handler.rfile.readline()
        length = int(handler.headers.get("Content-Length") or 0)
        return handler.rfile.read(length) if length > 0 else b""

    @staticmethod
    def _form_value(name: str, value: str) -> Any:
        """Decode a form field: PTB JSON-encodes every non-string parameter (numbers, bools, objects)."""
        if name in STRING_PARAMS:
            return value
        try:
            return json.loads(value)
        except ValueError:
            return value

    def _parse_params(self, handler: _Handler, body: bytes) -> JSONDict:
        """Accept the three encodings the Bot API accepts (and a query string), as PTB and curl use them."""
        content_type = handler.headers.get("Content-Type", "")
        media_type = content_type.split(";")[0].strip().lower()
        params: JSONDict = {}
        query = urlsplit(handler.path).query
        for name, values in parse_qs(query, keep_blank_values=True).items():
            params[name] = self._form_value(name, values[-1])
        if not body:
            return params
        try:
            if media_type == "application/json":
                decoded = json.loads(body.decode("utf-8"))
                if not isinstance(decoded, dict):
                    raise bad_request("parameters must be a JSON object")
                params.update(decoded)
            elif media_type == "multipart/form-data":
                params.update(self._parse_multipart(content_type, body))
            else:
                form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
                for name, values in form.items():
                    params[name] = self._form_value(name, values[-1])
        except ApiError:
            raise
        except (ValueError, UnicodeDecodeError) as error:
            raise bad_request(f"can't parse request body: {error}") from None
        return params

    def _parse_multipart(self, content_type: str, body: bytes) -> JSONDict:
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
        )
        if not message.is_multipart():
            raise ValueError("malformed multipart body")
        params: JSONDict = {}
        for part in message.iter_parts():  # type: ignore[attr-defined]
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            payload = part.get_payload(decode=True) or b""
            filename = part.get_filename()
            if filename:
                params[str(name)] = {"file_name": filename, "size": len(payload)}
            else:
                params[str(name)] = self._form_value(str(name), payload.decode("utf-8"))
        return params

    def _write_json(self, handler: _Handler, status: int, payload: JSONDict) -> None:
        self._write(handler, status, json.dumps(payload, ensure_ascii=False).encode("utf-8"), "application/json")

    @staticmethod
    def _write(handler: _Handler, status: int, body: bytes, content_type: str) -> None:
        """Write a full response; a client that went away (a cancelled long poll) is not an error."""
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
            handler.wfile.flush()
        except OSError:
            handler.close_connection = True

    # ------------------------------------------------------------------ internals: validation helpers

    def _chat(self, params: JSONDict) -> JSONDict:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        with self._cond:
            if isinstance(raw, str) and raw.startswith("@"):
                for chat in self._state.chats.values():
                    if chat.get("username", "").lower() == raw[1:].lower():
                        return chat
                raise bad_request("chat not found")
            try:
                chat_id = int(raw)
            except (TypeError, ValueError):
                raise bad_request("chat not found") from None
            if chat_id in self._state.migrated:
                raise bad_request(
                    "group chat was upgraded to a supergroup chat",
                    {"migrate_to_chat_id": self._state.migrated[chat_id]},
                )
            chat = self._state.chats.get(chat_id)
            if chat is None:
                raise bad_request("chat not found")
            if chat["type"] == "private" and chat_id in self._state.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            return chat

    @staticmethod
    def _int(params: JSONDict, name: str, default: int | None = None) -> int | None:
        value = params.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            raise bad_request(f"wrong parameter {name} in request")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"wrong parameter {name} in request") from None

    @staticmethod
    def _object(params: JSONDict, name: str, kind: type) -> Any:
        value = params.get(name)
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        if value is not None and not isinstance(value, kind):
            raise bad_request(f"can't parse {name} JSON object")
        return value

    def _render(self, params: JSONDict, text_field: str = "text") -> tuple[str, list[JSONDict]]:
        """Turn text + parse_mode (or explicit entities) into what Telegram stores, with Telegram's checks."""
        raw = params.get(text_field)
        if raw is None or raw == "":
            raise bad_request("message text is empty")
        text = raw if isinstance(raw, str) else json.dumps(raw)
        parse_mode = params.get("parse_mode")
        if parse_mode:
            mode = str(parse_mode).lower()
            if mode == "html":
                try:
                    plain, entities = parse_html(text)
                except HtmlError as error:
                    raise bad_request(f"can't parse entities: {error}") from None
            elif mode in ("markdown", "markdownv2"):
                raise bad_request(f"the fake Bot API does not implement parse_mode {parse_mode}; use HTML")
            else:
                raise bad_request("unsupported parse_mode")
        else:
            plain = text
            entities = self._object(params, "entities", list) or []
            if not all(isinstance(e, dict) for e in entities):
                raise bad_request("can't parse entities JSON object")
        plain, entities = _trim(plain, entities)
        if not plain:
            raise bad_request("message text is empty")
        if utf16_len(plain) > MAX_TEXT_UTF16:
            raise bad_request("message is too long")
        return plain, entities

    def _markup(self, params: JSONDict, *, inline_only: bool = False) -> JSONDict | None:
        """Validate reply_markup; returns it when it is an inline keyboard (the only kind Telegram echoes)."""
        markup = self._object(params, "reply_markup", dict)
        if markup is None:
            return None
        if "inline_keyboard" not in markup:
            if inline_only or not any(k in markup for k in ("keyboard", "remove_keyboard", "force_reply")):
                raise bad_request("can't parse reply keyboard markup JSON object")
            return None
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
        for row in rows:
            for button in row:
                self._check_button(button)
        return markup

    @staticmethod
    def _check_button(button: Any) -> None:
        if not isinstance(button, dict):
            raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
        if not isinstance(button.get("text"), str) or not button["text"].strip():
            raise bad_request("can't parse inline keyboard button: Text must be non-empty")
        actions = [a for a in INLINE_BUTTON_ACTIONS if a in button]
        if not actions:
            raise bad_request("text buttons are unallowed in the inline keyboard")
        if len(actions) > 1:
            raise bad_request(f"can't parse inline keyboard button: more than one of {actions}")
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
                raise bad_request("BUTTON_DATA_INVALID")
        if "url" in button:
            url = button["url"]
            if not isinstance(url, str) or not _URL_RE.match(url):
                raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")

    def _reply_target(self, chat: JSONDict, params: JSONDict) -> JSONDict | None:
        reply = self._object(params, "reply_parameters", dict)
        if reply is None and params.get("reply_to_message_id") is not None:
            reply = {
                "message_id": params["reply_to_message_id"],
                "allow_sending_without_reply": params.get("allow_sending_without_reply", False),
            }
        if reply is None:
            return None
        message_id = self._int(reply, "message_id")
        if message_id is None:
            raise bad_request("message to be replied not found")
        with self._cond:
            replied = self._state.messages.get((chat["id"], message_id))
        if replied is None:
            if reply.get("allow_sending_without_reply") in (True, "true"):
                return None
            raise bad_request("message to be replied not found")
        return {k: v for k, v in replied.items() if k != "reply_to_message"}

    def _stored_message(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params)
        message_id = self._int(params, "message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        with self._cond:
            message = self._state.messages.get((chat["id"], message_id))
        if message is None:
            raise bad_request("message to edit not found")
        if message["from"].get("id") != self.bot_id:
            raise bad_request("message can't be edited")
        return message

    def _query(self, registry: dict[str, _Query], query_id: Any) -> _Query:
        with self._cond:
            query = registry.get(str(query_id)) if query_id is not None else None
            if query is None or query.answered:
                raise bad_request(QUERY_INVALID)
            return query

    # ------------------------------------------------------------------ methods

    def _true(self, params: JSONDict) -> bool:
        return True

    def _get_me(self, params: JSONDict) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        """Long polling as Telegram does it: confirm below ``offset``, then block up to ``timeout`` for updates."""
        offset = self._int(params, "offset", 0) or 0
        limit = min(max(self._int(params, "limit", 100) or 100, 1), 100)
        try:
            timeout = max(float(params.get("timeout") or 0), 0.0)
        except (TypeError, ValueError):
            raise bad_request("wrong parameter timeout in request") from None
        allowed = self._object(params, "allowed_updates", list)
        with self._cond:
            if self._state.webhook_url:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
                    "webhook first",
                )
            self._state.poll_generation += 1
            generation = self._state.poll_generation
            self._cond.notify_all()  # an older long poll still waiting is terminated (409), as in Telegram
            if allowed is not None:
                self._state.allowed_updates = [str(a) for a in allowed]
            updates = self._state.updates
            if offset > 0:
                self.confirmed_offset = max(self.confirmed_offset, offset)
                updates[:] = [u for u in updates if u["update_id"] >= offset]
            elif offset < 0:
                updates[:] = updates[offset:]
            deadline = time.monotonic() + timeout
            while True:
                wanted = self._state.allowed_updates or []
                kept = [u for u in updates if self._update_allowed(u, wanted)]
                updates[:] = kept
                if kept or self._stopping:
                    return kept[:limit]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                self._cond.wait(remaining)
                if self._state.poll_generation != generation:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
                        "running",
                    )

    @staticmethod
    def _update_allowed(update: JSONDict, wanted: list[str]) -> bool:
        kinds = [k for k in update if k != "update_id"]
        if not kinds:
            return True
        return kinds[0] in wanted if wanted else kinds[0] not in OPT_IN_UPDATES

    def _delete_webhook(self, params: JSONDict) -> bool:
        with self._cond:
            self._state.webhook_url = ""
            if params.get("drop_pending_updates") in (True, "true"):
                self._state.updates.clear()
        return True

    def _set_webhook(self, params: JSONDict) -> bool:
        url = str(params.get("url") or "")
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        with self._cond:
            self._state.webhook_url = url
        return True

    def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        with self._cond:
            return {
                "url": self._state.webhook_url,
                "has_custom_certificate": False,
                "pending_update_count": len(self._state.updates),
            }

    @staticmethod
    def _scope_key(params: JSONDict, scope: JSONDict | None) -> str:
        key = json.dumps(scope or {"type": "default"}, sort_keys=True)
        language = params.get("language_code")
        return f"{key}|{language}" if language else key

    def _command_scope(self, params: JSONDict) -> JSONDict | None:
        scope = self._object(params, "scope", dict)
        if scope is not None and scope.get("type") not in COMMAND_SCOPES:
            raise bad_request("can't parse BotCommandScope: unsupported type")
        language = params.get("language_code")
        if language and not re.fullmatch(r"[a-z]{2}", str(language)):
            raise bad_request("invalid language code specified")
        return scope

    def _set_my_commands(self, params: JSONDict) -> bool:
        commands = self._object(params, "commands", list)
        if commands is None:
            raise bad_request("parameter \"commands\" is required")
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_NAME_RE.match(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._scope_key(params, self._command_scope(params))
        with self._cond:
            if commands:
                self._state.commands[key] = commands
            else:
                self._state.commands.pop(key, None)
        return True

    def _delete_my_commands(self, params: JSONDict) -> bool:
        key = self._scope_key(params, self._command_scope(params))
        with self._cond:
            self._state.commands.pop(key, None)
        return True

    def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        key = self._scope_key(params, self._command_scope(params))
        with self._cond:
            return list(self._state.commands.get(key, []))

    def _set_description(self, params: JSONDict, name: str, limit: int) -> bool:
        value = str(params.get(name) or "")
        if len(value) > limit:
            raise bad_request(f"{name.upper()}_INVALID")
        with self._cond:
            self._state.descriptions[f"{name}|{params.get('language_code') or ''}"] = value
        return True

    def _set_my_description(self, params: JSONDict) -> bool:
        return self._set_description(params, "description", 512)

    def _set_my_short_description(self, params: JSONDict) -> bool:
        return self._set_description(params, "short_description", 120)

    def _get_my_description(self, params: JSONDict) -> JSONDict:
        with self._cond:
            key = f"description|{params.get('language_code') or ''}"
            return {"description": self._state.descriptions.get(key, "")}

    def _get_my_short_description(self, params: JSONDict) -> JSONDict:
        with self._cond:
            key = f"short_description|{params.get('language_code') or ''}"
            return {"short_description": self._state.descriptions.get(key, "")}

    def _get_chat(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params)
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _send_chat_action(self, params: JSONDict) -> bool:
        self._chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def _send_message(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params)
        plain, entities = self._render(params)
        markup = self._markup(params)
        reply = self._reply_target(chat, params)
        link_preview = self._object(params, "link_preview_options", dict)
        thread_id = self._int(params, "message_thread_id")
        if thread_id is not None and chat.get("is_forum"):
            with self._cond:
                if thread_id not in self._state.threads.get(chat["id"], set()) and thread_id != 1:
                    raise bad_request("message thread not found")
        message = self._new_message(chat, self.bot_user, plain)
        if entities:
            message["entities"] = entities
        if markup is not None:
            message["reply_markup"] = markup
        if reply is not None:
            message["reply_to_message"] = reply
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            if chat.get("is_forum"):
                message["is_topic_message"] = True
        if link_preview:
            message["link_preview_options"] = link_preview
        self._store(message)
        return message

    def _edit_message_text(self, params: JSONDict) -> JSONDict | bool:
        plain, entities = self._render(params)
        markup = self._markup(params, inline_only=True)
        if params.get("inline_message_id"):
            return True
        with self._cond:
            message = self._stored_message(params)
            if message.get("text") is None:
                raise bad_request("there is no text in the message to edit")
            unchanged = (
                message.get("text") == plain
                and message.get("entities", []) == entities
                and message.get("reply_markup") == markup
            )
            if unchanged:
                raise bad_request(NOT_MODIFIED)
            edited = {k: v for k, v in message.items() if k not in ("entities", "reply_markup")}
            edited.update(text=plain, edit_date=int(time.time()))
            if entities:
                edited["entities"] = entities
            if markup is not None:
                edited["reply_markup"] = markup
            self._store(edited)
            return edited

    def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict | bool:
        markup = self._markup(params, inline_only=True)
        if params.get("inline_message_id"):
            return True
        with self._cond:
            message = self._stored_message(params)
            if message.get("reply_markup") == markup:
                raise bad_request(NOT_MODIFIED)
            edited = {k: v for k, v in message.items() if k != "reply_markup"}
            edited["edit_date"] = int(time.time())
            if markup is not None:
                edited["reply_markup"] = markup
            self._store(edited)
            return edited

    def _answer_callback_query(self, params: JSONDict) -> bool:
        with self._cond:
            query = self._query(self._state.callbacks, params.get("callback_query_id"))
            text = params.get("text")
            if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER_CHARS:
                raise bad_request("MESSAGE_TOO_LONG")
            if params.get("url"):
                raise bad_request("URL_INVALID")
            query.answered = True
        return True

    def _answer_inline_query(self, params: JSONDict) -> bool:
        with self._cond:
            query = self._query(self._state.inline_queries, params.get("inline_query_id"))
            results = self._object(params, "results", list)
            if results is None:
                raise bad_request("parameter \"results\" is required")
            if len(results) > MAX_INLINE_RESULTS:
                raise bad_request("RESULTS_TOO_MUCH")
            seen: set[str] = set()
            for result in results:
                self._check_inline_result(result, seen)
            button = self._object(params, "button", dict)
            if button is not None:
                if not str(button.get("text", "")).strip():
                    raise bad_request("BUTTON_TEXT_INVALID")
                start = button.get("start_parameter")
                if start is not None and not _START_PARAM_RE.match(str(start)):
                    raise bad_request("START_PARAM_INVALID")
            if len(str(params.get("next_offset") or "").encode("utf-8")) > 64:
                raise bad_request("NEXT_OFFSET_INVALID")
            query.answered = True
        return True

    def _check_inline_result(self, result: Any, seen: set[str]) -> None:
        if not isinstance(result, dict) or not result.get("type"):
            raise bad_request("can't parse InlineQueryResult: type is required")
        result_id = result.get("id")
        if not isinstance(result_id, str) or not 1 <= len(result_id.encode("utf-8")) <= 64:
            raise bad_request("RESULT_ID_INVALID")
        if result_id in seen:
            raise bad_request("RESULT_ID_DUPLICATE")
        seen.add(result_id)
        if result["type"] == "article":
            if not str(result.get("title", "")).strip():
                raise bad_request("RESULT_TITLE_EMPTY")
            if not isinstance(result.get("input_message_content"), dict):
                raise bad_request("can't parse InlineQueryResultArticle: input_message_content is required")
        content = result.get("input_message_content")
        if isinstance(content, dict) and "message_text" in content:
            try:
                self._render(content, "message_text")
            except ApiError as error:
                if error.description == "Bad Request: message text is empty":
                    raise bad_request("MESSAGE_EMPTY") from None
                raise
        if "reply_markup" in result:
            self._markup(result, inline_only=True)
