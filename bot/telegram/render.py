"""Engine results -> Telegram HTML messages and buttons. Pure functions: no network, no engine calls.

Every piece of corpus text and user text is escaped; only tags Telegram allows are produced. Length limits are counted
on the text after entity parsing (what Telegram counts), in UTF-16 code units, and long texts are split before they
are turned into HTML, so every part is well-formed on its own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.search.records import Chunk, Nearby, Result
from bot.telegram.settings import Texts

MAX_MESSAGE = 4096  # Telegram's limit after entity parsing
MAX_CALLBACK_BYTES = 64
MAX_DEEP_LINK = 64
MAX_TOPICS_SHOWN = 12
MAX_BUTTON_TITLE = 40  # an article title on a button, in UTF-16 units: about what a phone shows on one row
MAX_FIELD = 300  # title, author, date, section heading: cut so the quote always keeps room under MAX_MESSAGE
_TAG = re.compile(r"<[^>]*>")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def plain_of(html_text: str) -> str:
    """What Telegram shows for our HTML (tags dropped, entities decoded): used for limits and the plain fallback."""
    return html.unescape(_TAG.sub("", html_text))


def escape(text: str) -> str:
    """Text for Telegram HTML (corpus text, user text, our texts): &, < and > escaped; quotes need no escaping."""
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    return html.escape(text, quote=True)


# --- callback data and deep links ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Callback:
    action: str  # "m" more, "a" article, "f" feedback
    token: str = ""
    index: int = 0
    value: str = ""  # article id for "a", "+" / "-" for "f"


def encode_callback(cb: Callback) -> str:
    if cb.action == "a":
        data = f"a:{cb.value}"
    elif cb.action == "m":
        data = f"m:{cb.token}:{cb.index}"
    else:
        data = f"f:{cb.token}:{cb.index}:{cb.value}"
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


_CALLBACK = re.compile(r"^(?:a:(?P<article>[A-Za-z0-9_-]{1,48})|m:(?P<mt>[A-Za-z0-9_-]{1,16}):(?P<mi>\d{1,3})"
                       r"|f:(?P<ft>[A-Za-z0-9_-]{1,16}):(?P<fi>\d{1,3}):(?P<vote>[+-]))$")


def decode_callback(data: str | None) -> Callback | None:
    """Parse button data; anything forged or from an old version is None (the handler then says 'expired')."""
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    match = _CALLBACK.fullmatch(data)  # not match: "$" would accept a trailing newline
    if match is None:
        return None
    if match["article"]:
        return Callback("a", value=match["article"])
    if match["mt"]:
        return Callback("m", match["mt"], int(match["mi"]))
    return Callback("f", match["ft"], int(match["fi"]), match["vote"])


def article_payload(article_id: str) -> str:
    """`/start` payload that opens an article; Telegram allows [A-Za-z0-9_-] up to 64 characters (ids fit)."""
    return f"a-{article_id}"[:MAX_DEEP_LINK]


def payload_article(payload: str) -> str | None:
    return payload[2:] if payload.startswith("a-") and len(payload) > 2 else None


def deep_link(bot_username: str, article_id: str) -> str:
    return f"https://t.me/{bot_username}?start={article_payload(article_id)}"


# --- answers --------------------------------------------------------------------------------------------------------

def _label(texts: Texts, lang: str, result: Result) -> str:
    if result.rebutted:  # never let the view the author argues against read as the advice
        return texts.get(lang, "label_rebutted")
    return result.label(texts.get(lang, f"label_{result.kind}"))


def shorten_utf16(text: str, limit: int) -> str:
    """Shorten to `limit` UTF-16 units (Telegram's measure) at a word boundary with an ellipsis; never in a word."""
    if utf16_len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 1)]
    while cut and utf16_len(cut) > limit - 1:
        cut = cut[:-1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip() + "…"



def source_html(result: Result | None, texts: Texts, lang: str, bot_username: str, *, title: str = "",
                author: str | None = None, date: str | None = None, url: str | None = None,
                article_id: str = "") -> str:
    if result is not None:
        title, author, date, url, article_id = result.title, result.author, result.date, result.url, result.article
    title = shorten_utf16(title, MAX_FIELD)
    author = author and shorten_utf16(author, MAX_FIELD)
    date = date and shorten_utf16(date, MAX_FIELD)
    line = f"<b>{escape(title)}</b>"
    if author:
        line += f" — {escape(texts.get(lang, 'by'))} {escape(author)}"
    if date:
        line += f" ({escape(date)})"
    if url:
        link = f'<a href="{attr(url)}">{escape(texts.get(lang, "source"))}</a>'
    else:
        # No public address is known: the link opens the whole article inside the bot instead of a guessed URL.
        link = f'<a href="{attr(deep_link(bot_username, article_id))}">{escape(texts.get(lang, "read_in_bot"))}</a>'
    return f"{line}\n{link}"


def answer_html(result: Result, texts: Texts, lang: str, bot_username: str, position: int = 0, total: int = 1,
                note: str = "") -> str:
    """One passage: label, the verbatim quote in a blockquote, then title, author, date and the source link."""
    head = f"<b>{escape(_label(texts, lang, result))}</b>"
    if total > 1:
        head += f" {position + 1}/{total}"
    source = source_html(result, texts, lang, bot_username)
    prefix = f"<i>{escape(note)}</i>\n\n" if note else ""
    budget = MAX_MESSAGE - utf16_len(plain_of(prefix + head + source)) - 4
    quote = shorten_utf16(result.quote, budget)
    return f"{prefix}{head}\n<blockquote>{escape(quote)}</blockquote>\n{source}"


def inline_quote_html(result: Result, texts: Texts, lang: str, bot_username: str) -> str:
    head = f"<b>{escape(_label(texts, lang, result))}</b>"
    source = source_html(result, texts, lang, bot_username)
    budget = MAX_MESSAGE - utf16_len(plain_of(head + source)) - 4
    return f"{head}\n<blockquote>{escape(shorten_utf16(result.quote, budget))}</blockquote>\n{source}"


def answer_keyboard(texts: Texts, lang: str, token: str, index: int, article_id: str,
                    has_more: bool) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    first = []
    if has_more:
        first.append(InlineKeyboardButton(texts.get(lang, "button_more"),
                                          callback_data=encode_callback(Callback("m", token, index + 1))))
    first.append(InlineKeyboardButton(texts.get(lang, "button_article"),
                                      callback_data=encode_callback(Callback("a", value=article_id))))
    rows.append(first)
    rows.append([
        InlineKeyboardButton("👍", callback_data=encode_callback(Callback("f", token, index, "+"))),
        InlineKeyboardButton("👎", callback_data=encode_callback(Callback("f", token, index, "-"))),
    ])
    return InlineKeyboardMarkup(rows)


def smalltalk_html(texts: Texts, lang: str, kind: str, articles: int) -> str:
    """A short friendly reply to small talk: never a quote, and a hint of what the bot is for."""
    if kind == "identity":
        return escape(texts.get(lang, "smalltalk_identity", count=articles))
    return escape(texts.get(lang, f"smalltalk_{kind}"))


def abstention_html(texts: Texts, lang: str, topics: Sequence[str], note: str = "",
                    nearby: Sequence[Nearby] = ()) -> str:
    """"Not covered", with the articles that came closest when the engine names some (a pointer, never a quote),
    else the corpus's topics."""
    lines = [f"<i>{escape(note)}</i>", ""] if note else []
    if nearby:
        lines += [escape(texts.get(lang, "no_sure_answer")), "", escape(texts.get(lang, "nearby"))]
        # Cut like every title elsewhere: one huge title must not push the others out of the message.
        lines += [f"• {escape(shorten_utf16(n.title, MAX_FIELD))}" for n in nearby]
        return _fit_lines(lines)
    lines += [escape(texts.get(lang, key)) for key in ("no_answer", "rephrase")]
    lines += ["", escape(texts.get(lang, "topics"))]
    lines += [f"• {escape(t)}" for t in topics[:MAX_TOPICS_SHOWN]]
    return _fit_lines(lines)


def nearby_keyboard(nearby: Sequence[Nearby], bot_username: str, private: bool) -> InlineKeyboardMarkup | None:
    """One button per nearby article, one per row (a title needs the width): in a private chat it sends the whole
    article; in a group it opens the article in a private chat with the bot, so the team's chat is not flooded."""
    if not nearby:
        return None
    rows = []
    for n in nearby:
        title = shorten_utf16(n.title, MAX_BUTTON_TITLE)
        rows.append([InlineKeyboardButton(f"📄 {title}", callback_data=encode_callback(Callback("a", value=n.article)))
                     if private else InlineKeyboardButton(f"📄 {title}", url=deep_link(bot_username, n.article))])
    return InlineKeyboardMarkup(rows)


def _fit_lines(lines: list[str]) -> str:
    """As many whole lines as fit in one message; "… (+N)" says how many did not, so a list is never silently cut."""
    out: list[str] = []
    for number, line in enumerate(lines):
        if utf16_len(plain_of("\n".join([*out, line]))) > MAX_MESSAGE - 12:
            out.append(f"… (+{len(lines) - number})")
            break
        out.append(line)
    return "\n".join(out)


def welcome_html(texts: Texts, lang: str, articles: int) -> str:
    examples = [texts.get(lang, f"example_{n}") for n in (1, 2, 3)]
    return "\n".join([escape(texts.get(lang, "welcome", count=articles)), *[f"• <i>{escape(x)}</i>" for x in examples]])


def help_html(texts: Texts, lang: str, bot_username: str, articles: Iterable[tuple[str, str, str | None]]) -> str:
    """Help text and the list of articles (id, title, author), each linked to open in the bot."""
    lines = [escape(texts.get(lang, "help", bot=bot_username))]
    for article_id, title, author in articles:
        by = f" — {escape(author)}" if author else ""
        lines.append(f'• <a href="{attr(deep_link(bot_username, article_id))}">{escape(title)}</a>{by}')
    return _fit_lines(lines)


def text_html(text: str) -> str:
    return escape(text)


# --- whole articles -------------------------------------------------------------------------------------------------

def _split_long(text: str, limit: int) -> list[str]:
    """A paragraph longer than a message: split after sentences, or at spaces, never inside a word."""
    parts: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        window = rest[:limit]
        while utf16_len(window) > limit:
            window = window[:-1]
        cut = max(window.rfind(". "), window.rfind("? "), window.rfind("! "))
        if cut > limit // 3:
            cut += 1
        else:
            cut = window.rfind(" ")
            if cut <= 0:
                cut = len(window)  # one "word" longer than a message (a URL dump): no better place exists
        parts.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        parts.append(rest)
    return parts


def article_messages(title: str, author: str | None, date: str | None, url: str | None, chunks: Sequence[Chunk],
                     texts: Texts, lang: str, bot_username: str, article_id: str,
                     limit: int = MAX_MESSAGE) -> list[str]:
    """The whole article as messages under the limit, split between paragraphs, each part valid HTML on its own."""
    blocks: list[tuple[str, str]] = []  # (plain, html)
    header = source_html(None, texts, lang, bot_username, title=title, author=author, date=date, url=url,
                         article_id=article_id)
    if not url:
        header = header.rsplit("\n", 1)[0]  # the deep link (last line; a title may hold "\n") would point here
    blocks.append((plain_of(header), header))
    section = title
    budget = limit - 40  # room for the "part n of m" line
    for chunk in chunks:
        if chunk.section != section and chunk.section != title:
            section = chunk.section
            heading = shorten_utf16(section, MAX_FIELD)
            blocks.append((heading, f"<b>{escape(heading)}</b>"))
        for paragraph in chunk.text.split("\n\n"):
            paragraph = paragraph.strip()
            if not paragraph:
                continue
            for piece in _split_long(paragraph, budget):
                blocks.append((piece, escape(piece)))
    messages: list[list[str]] = [[]]
    size = 0
    for plain, markup in blocks:
        length = utf16_len(plain) + 2
        if messages[-1] and size + length > budget:
            messages.append([])
            size = 0
        messages[-1].append(markup)
        size += length
    total = len(messages)
    out = []
    for number, parts in enumerate(messages, start=1):
        body = "\n\n".join(parts)
        if total > 1:
            body += f"\n\n<i>({escape(texts.get(lang, 'article_part', part=number, total=total))})</i>"
        out.append(body)
    return out
