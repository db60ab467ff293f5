"""Property tests: no corpus text and no question can make a rendered message one that Telegram refuses.

The oracle is the strict HTML parser of the fake Bot API: a message must parse, and its plain text (what Telegram
counts, in UTF-16 units, after trimming) must be 1..4096 units long.
"""

from __future__ import annotations

import re

from engine_support import real_engine
from fake_bot_api import parse_html, utf16_len
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.search.records import KINDS, Chunk, Result
from bot.telegram.render import (
    MAX_MESSAGE,
    MAX_TOPICS_SHOWN,
    abstention_html,
    answer_html,
    article_messages,
    inline_quote_html,
)
from bot.telegram.settings import Texts

BOT = "RelatieBot"
TEXTS = Texts()
LANGS = st.sampled_from(["nl", "en"])
FRAGMENTS = st.sampled_from([
    # control characters, invisible and direction marks
    "\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\r\n", "\r", "\t", "\x0b", "\x0c", "\u200b", "\u200c", "\u200d",
    "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u2069", "\ufeff", "\u2028", "\u2029", "\u00a0", "\u3000",
    # astral characters and combined emoji (two UTF-16 units per code point)
    "😀", "👍🏽", "👨‍👩‍👧", "🇳🇱", "𝔘", "\U0010fffd", "e\u0301",
    # HTML and Markdown that must arrive as text
    "<b>", "</b>", "<blockquote>", "</blockquote>", '<a href="x">', "</a>", "<script>x</script>", "<", ">", "&",
    "&amp;", "&lt", "&#0;", "&#x110000;", "&nbsp;", '"', "'", "**vet**", "_cursief_", "`code`", "```",
    "[link](http://x)", "~~weg~~", "||spoiler||", "\\",
    # words, sentences and spacing the splitters look at
    " ", "  ", "\n", "\n\n", ".", ". ", "? ", "klanten", "Doe wat u belooft.", "…",
])
ANY_CHAR = st.characters(blacklist_categories=("Cs",))


def _repeat(piece: str, size: int) -> str:
    return (piece * (size // len(piece) + 1))[:size]


def hostile(max_size: int) -> st.SearchStrategy[str]:
    """Arbitrary text of up to `max_size` characters, biased towards what breaks renderers."""
    small = [
        st.text(ANY_CHAR, max_size=200),
        st.lists(FRAGMENTS, max_size=80).map("".join),
        st.lists(st.one_of(FRAGMENTS, st.text(ANY_CHAR, max_size=20)), max_size=100).map("".join),
    ]
    # Long inputs repeat a random piece: the same hostile alphabet at full length, for a fraction of the draws.
    pieces = st.one_of(st.text(ANY_CHAR, min_size=1, max_size=300),
                       st.lists(st.one_of(FRAGMENTS, st.text(ANY_CHAR, max_size=10)), min_size=1, max_size=40)
                       .map("".join).filter(bool))
    large = [
        st.tuples(pieces, st.integers(1, max_size)).map(lambda t: _repeat(*t)),
        # astral-heavy: about two UTF-16 units a character, so counting characters would overflow the limit
        st.tuples(st.lists(st.sampled_from(["😀", "👍🏽", "🇳🇱", "𝔘", "<&>", " "]), min_size=1, max_size=30)
                  .map("".join), st.integers(max_size // 2, max_size)).map(lambda t: _repeat(*t)),
    ]
    return st.one_of(*small, *(large if max_size >= 1000 else [])).map(lambda text: text[:max_size])


TEXT = hostile(5000)
ARTICLE_IDS = st.from_regex(r"[A-Za-z0-9_-]{1,48}", fullmatch=True)
URLS = st.one_of(st.none(), st.sampled_from(["https://example.nl/a", 'https://example.nl/a?x=1&y="<2>"#\'z\'']))


@st.composite
def results(draw: st.DrawFn) -> Result:
    quote = draw(TEXT)
    return Result(article=draw(ARTICLE_IDS), title=draw(TEXT), author=draw(st.none() | TEXT),
                  date=draw(st.none() | TEXT), url=draw(URLS), kind=draw(st.sampled_from(KINDS)), quote=quote,
                  text=quote, section=draw(TEXT), score=1.0, chunk_index=0)


def accepted(html: str) -> tuple[str, list[dict[str, object]]]:
    """Telegram's verdict: parses (raises otherwise) and the trimmed plain text is 1..4096 UTF-16 units."""
    plain, entities = parse_html(html)
    assert 1 <= utf16_len(plain.strip()) <= MAX_MESSAGE, f"{utf16_len(plain.strip())} units"
    return plain, entities


def blockquote_text(plain: str, entities: list[dict[str, object]]) -> str:
    quotes = [e for e in entities if e["type"] == "blockquote"]
    if not quotes:
        return ""
    [entity] = quotes
    units = plain.encode("utf-16-le")
    start, length = int(entity["offset"]), int(entity["length"])  # type: ignore[call-overload]
    return units[2 * start: 2 * (start + length)].decode("utf-16-le")


def assert_quote_shown(result: Result, shown: str) -> None:
    """The quote is verbatim: whole, or a prefix of it followed by the ellipsis."""
    if shown == result.quote:
        return
    assert shown.endswith("…"), (shown[-20:], result.quote[-20:])
    assert result.quote.startswith(shown[:-1])


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])


@SETTINGS
@given(results(), LANGS, st.integers(0, 19), st.integers(1, 20), st.booleans())
def test_any_result_renders_as_an_accepted_answer(result: Result, lang: str, position: int, total: int,
                                                  truncated: bool) -> None:
    note = TEXTS.get(lang, "truncated", limit=4000) if truncated else ""
    plain, entities = accepted(answer_html(result, TEXTS, lang, BOT, position % total, total, note))
    assert_quote_shown(result, blockquote_text(plain, entities))
    if utf16_len(result.quote) < 2000 and utf16_len(result.title) < 250:
        assert result.title in plain and result.quote in plain
    links = [e for e in entities if e["type"] == "text_link"]
    assert links[-1]["url"] == (result.url or f"https://t.me/{BOT}?start=a-{result.article}")


@SETTINGS
@given(results(), LANGS)
def test_any_result_renders_as_an_accepted_inline_message(result: Result, lang: str) -> None:
    plain, entities = accepted(inline_quote_html(result, TEXTS, lang, BOT))
    assert_quote_shown(result, blockquote_text(plain, entities))


@SETTINGS
@given(st.lists(TEXT, max_size=15), LANGS, st.booleans())
def test_any_topics_render_as_an_accepted_abstention(topics: list[str], lang: str, truncated: bool) -> None:
    note = TEXTS.get(lang, "truncated", limit=4000) if truncated else ""
    plain, _ = accepted(abstention_html(TEXTS, lang, topics, note))
    assert TEXTS.get(lang, "no_answer") in plain
    rest = plain.split(TEXTS.get(lang, "topics"), 1)[1]
    # Topics that did not fit are counted in a last "… (+N)" line, never silently dropped.
    marker = re.search(r"(?:^|\n)… \(\+(\d+)\)$", rest)
    if marker:
        rest = rest[: marker.start()]
    shown = rest.removeprefix("\n").split("\n• ") if rest else []
    # Whole topics in order, never half of one (a topic may itself contain newlines, hence the prefix test).
    for index, line in enumerate(shown):
        assert line.removeprefix("• ") == topics[index]
    shown_count = len(shown)
    assert shown_count + (int(marker[1]) if marker else 0) == min(len(topics), MAX_TOPICS_SHOWN)


@st.composite
def articles(draw: st.DrawFn, field: st.SearchStrategy[str]) -> tuple[str, str | None, str | None, list[Chunk]]:
    sections = draw(st.lists(field, min_size=1, max_size=4))
    chunks = [Chunk("art", draw(st.sampled_from(sections)), draw(TEXT), "passage", n)
              for n in range(draw(st.integers(0, 5)))]
    title = draw(field.filter(str.strip))  # the corpus loader requires a non-blank title
    return title, draw(st.none() | field), draw(st.none() | field), chunks


@SETTINGS
@given(articles(TEXT), URLS, LANGS, ARTICLE_IDS)
def test_any_article_renders_as_accepted_parts(article: tuple[str, str | None, str | None, list[Chunk]],
                                               url: str | None, lang: str, article_id: str) -> None:
    title, author, date, chunks = article
    parts = article_messages(title, author, date, url, chunks, TEXTS, lang, BOT, article_id)
    assert parts
    for number, part in enumerate(parts, start=1):
        plain, _ = accepted(part)
        if len(parts) > 1:
            assert plain.endswith(f"({TEXTS.get(lang, 'article_part', part=number, total=len(parts))})")


def _visible(text: str) -> str:
    return "".join(text.split())


@SETTINGS
@given(hostile(200).filter(str.strip), st.lists(TEXT, max_size=4), LANGS)
def test_any_article_keeps_all_its_text_in_order(title: str, texts: list[str], lang: str) -> None:
    # Sections equal to the title add no headings, so the parts must show exactly the title and the text.
    chunks = [Chunk("art", title, text, "passage", n) for n, text in enumerate(texts)]
    parts = article_messages(title, None, None, None, chunks, TEXTS, lang, BOT, "art")
    shown = ""
    for number, part in enumerate(parts, start=1):
        plain, _ = accepted(part)
        if len(parts) > 1:
            plain = plain.removesuffix(f"({TEXTS.get(lang, 'article_part', part=number, total=len(parts))})")
        shown += plain
    # Splitting only ever drops whitespace: every other character is there, once, in order.
    assert _visible(shown) == _visible(title + "".join(texts))


QUESTIONS = hostile(4500)


@SETTINGS
@given(QUESTIONS, LANGS)
def test_any_question_to_the_real_engine_renders_as_accepted_messages(question: str, lang: str) -> None:
    engine = real_engine()
    answer = engine.ask(question, limit=5)
    note = TEXTS.get(lang, "truncated", limit=engine.settings.answer.max_question_chars) if answer.truncated else ""
    if not answer.answered:
        plain, _ = accepted(abstention_html(TEXTS, lang, engine.topics(), note))
        assert TEXTS.get(lang, "no_answer") in plain
    for index, result in enumerate(answer.results):
        plain, entities = accepted(answer_html(result, TEXTS, lang, BOT, index, len(answer.results), note))
        assert_quote_shown(result, blockquote_text(plain, entities))
        assert result.title in plain
        accepted(inline_quote_html(result, TEXTS, lang, BOT))


def test_the_engine_property_sees_answers_too() -> None:
    """Guard against a vacuous property: ordinary questions do get rendered results."""
    answer = real_engine().ask("Hoe houd ik klanten trouw? 😀 <b>&amp;</b>")
    assert answer.answered
    plain, entities = accepted(answer_html(answer.results[0], TEXTS, "nl", BOT))
    assert blockquote_text(plain, entities) == answer.results[0].quote
