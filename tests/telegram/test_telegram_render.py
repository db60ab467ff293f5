"""Rendering to Telegram HTML, buttons and deep links, flood control, sessions and the Telegram settings/texts files.

The oracle for "Telegram accepts this message" is the strict parser of the fake Bot API (`parse_html`): it raises on
anything Telegram would refuse, and its plain text is what Telegram counts against the 4096-unit limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from engine_support import CONFIG
from fake_bot_api import parse_html, utf16_len

from bot.search.records import Chunk, Kind, Nearby, Result
from bot.telegram.render import (
    MAX_BUTTON_TITLE,
    MAX_CALLBACK_BYTES,
    MAX_MESSAGE,
    MAX_TOPICS_SHOWN,
    Callback,
    abstention_html,
    answer_html,
    answer_keyboard,
    article_messages,
    article_payload,
    decode_callback,
    deep_link,
    encode_callback,
    help_html,
    inline_quote_html,
    nearby_keyboard,
    payload_article,
)
from bot.telegram.sessions import Session, Sessions
from bot.telegram.settings import DEFAULT_TEXTS, Texts, load_telegram_settings, load_texts
from bot.telegram.throttle import Throttle

BOT = "RelatieBot"
TEXTS = Texts()
HOSTILE = '<script>&amp;"'
LONGEST_ID = "Aa0_-" * 9 + "Zz9"  # 48 characters, the longest id the corpus accepts
LABELS = {("nl", "rule"): "Regel", ("nl", "case"): "Casus", ("nl", "passage"): "Passage",
          ("en", "rule"): "Rule", ("en", "case"): "Case", ("en", "passage"): "Passage"}


def result(quote: str = "Doe wat u belooft.", *, title: str = "Klanten trouw houden", author: str | None = "Anna",
           date: str | None = "2024-01-02", url: str | None = "https://example.nl/trouw", kind: Kind = "rule",
           article: str = "art-1") -> Result:
    return Result(article=article, title=title, author=author, date=date, url=url, kind=kind, quote=quote,
                  text=quote, section="Regels", score=1.0, chunk_index=0)


def parsed(html: str) -> tuple[str, list[dict[str, object]]]:
    """Parse like Telegram and check the length limit Telegram applies to the (trimmed) parsed text."""
    plain, entities = parse_html(html)
    assert 1 <= utf16_len(plain.strip()) <= MAX_MESSAGE, f"{utf16_len(plain)} units"
    return plain, entities


def covered(plain: str, entity: dict[str, object]) -> str:
    """The text an entity covers (offsets are UTF-16 units)."""
    units = plain.encode("utf-16-le")
    start, length = int(entity["offset"]), int(entity["length"])  # type: ignore[call-overload]
    return units[2 * start: 2 * (start + length)].decode("utf-16-le")


def only(entities: list[dict[str, object]], kind: str) -> list[dict[str, object]]:
    return [entity for entity in entities if entity["type"] == kind]


# --- answers --------------------------------------------------------------------------------------------------------

def test_answer_escapes_hostile_quote_title_and_author() -> None:
    html = answer_html(result(f"Citaat {HOSTILE} einde", title=f"Titel {HOSTILE}", author=f"Auteur {HOSTILE}"),
                       TEXTS, "nl", BOT)
    assert "<script>" not in html
    plain, entities = parsed(html)
    # Shown exactly as written, "&amp;" included: escaped once, decoded once.
    assert f"Citaat {HOSTILE} einde" in plain
    assert f"Titel {HOSTILE}" in plain
    assert f"door Auteur {HOSTILE}" in plain
    [quote] = only(entities, "blockquote")
    assert covered(plain, quote) == f"Citaat {HOSTILE} einde"
    assert f"Titel {HOSTILE}" in [covered(plain, b) for b in only(entities, "bold")]


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("kind", ["rule", "case", "passage"])
def test_answer_has_the_label_for_its_kind_and_the_quote_in_a_blockquote(lang: str, kind: Kind) -> None:
    plain, entities = parsed(answer_html(result(kind=kind), TEXTS, lang, BOT))
    # A rule or case from a named section carries the section's name (the fixture's section is "Regels").
    label = LABELS[lang, kind] + ("" if kind == "passage" else ": Regels")
    assert plain.startswith(label + "\n")
    assert covered(plain, only(entities, "bold")[0]) == label
    [quote] = only(entities, "blockquote")
    assert covered(plain, quote) == "Doe wat u belooft."
    assert ("door Anna" if lang == "nl" else "by Anna") in plain
    assert "(2024-01-02)" in plain


def test_answer_position_and_note() -> None:
    plain, entities = parsed(answer_html(result(), TEXTS, "en", BOT, position=1, total=5, note="Only <the> start"))
    assert plain.startswith("Only <the> start\n\nRule: Regels 2/5\n")
    assert covered(plain, only(entities, "italic")[0]) == "Only <the> start"


def test_link_uses_the_url_when_known() -> None:
    url = 'https://example.nl/a?x=1&y="2"<z>'
    plain, entities = parsed(answer_html(result(url=url), TEXTS, "nl", BOT))
    [link] = only(entities, "text_link")
    assert link["url"] == url
    assert covered(plain, link) == "Bron"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_link_opens_the_article_in_the_bot_without_url(lang: str) -> None:
    plain, entities = parsed(answer_html(result(url=None, article="art-1"), TEXTS, lang, BOT))
    [link] = only(entities, "text_link")
    assert link["url"] == "https://t.me/RelatieBot?start=a-art-1"
    assert covered(plain, link) == DEFAULT_TEXTS[lang]["read_in_bot"]


def test_inline_quote_escapes_and_links() -> None:
    plain, entities = parsed(inline_quote_html(result(HOSTILE, title=HOSTILE, url=None), TEXTS, "en", BOT))
    assert plain.startswith(f"Rule: Regels\n{HOSTILE}\n{HOSTILE}")
    assert only(entities, "text_link")[0]["url"] == "https://t.me/RelatieBot?start=a-art-1"


def _words(count: int, word: str = "klantrelatie") -> str:
    return " ".join(f"{word}{n}" for n in range(count))


@pytest.mark.parametrize("render", [
    lambda r: answer_html(r, TEXTS, "nl", BOT, 2, 5, "Uw vraag was erg lang."),
    lambda r: inline_quote_html(r, TEXTS, "en", BOT),
])
def test_very_long_quote_is_cut_at_a_word_boundary(render: Callable[[Result], str]) -> None:
    quote = _words(900)  # ~13k characters
    plain, entities = parsed(render(result(quote)))
    shown = covered(plain, only(entities, "blockquote")[0])
    assert shown.endswith("…")
    kept = shown[:-1]
    assert quote.startswith(kept) and quote[len(kept)] == " "  # ends on a whole word
    assert utf16_len(plain) > MAX_MESSAGE - 200  # the room is used, not thrown away


def test_emoji_count_double_towards_the_limit() -> None:
    quote = " ".join(["😀👍🏽"] * 3000)  # 3 astral characters + a space per word: 7 units, 4 characters
    plain, entities = parsed(answer_html(result(quote), TEXTS, "nl", BOT))
    shown = covered(plain, only(entities, "blockquote")[0])
    assert shown.endswith("…") and quote.startswith(shown[:-1])
    assert MAX_MESSAGE - 200 < utf16_len(plain) <= MAX_MESSAGE
    assert len(plain) < 2600  # in characters far under 4096: counting characters would have overflowed


def test_huge_title_author_and_date_are_cut_and_the_message_still_fits() -> None:
    huge = result(_words(400), title=_words(500, "titel"), author=_words(500, "auteur"), date="2" * 5000, url=None)
    plain, entities = parsed(answer_html(huge, TEXTS, "nl", BOT))
    assert "titel0 titel1" in plain and "auteur0" in plain
    assert only(entities, "blockquote")  # the quote keeps room
    assert only(entities, "text_link")[0]["url"] == "https://t.me/RelatieBot?start=a-art-1"


# --- buttons, callback data and deep links --------------------------------------------------------------------------

def test_every_button_fits_callback_data_with_the_longest_ids() -> None:
    token = "T" * 16  # the longest token decode accepts; Sessions makes 8
    for index in (0, 998):
        markup = answer_keyboard(TEXTS, "nl", token, index, LONGEST_ID, has_more=True)
        buttons = [button for row in markup.inline_keyboard for button in row]
        assert len(buttons) == 4
        decoded = []
        for button in buttons:
            assert isinstance(button.callback_data, str)
            assert len(button.callback_data.encode()) <= MAX_CALLBACK_BYTES
            decoded.append(decode_callback(button.callback_data))
        assert decoded == [Callback("m", token, index + 1), Callback("a", value=LONGEST_ID),
                           Callback("f", token, index, "+"), Callback("f", token, index, "-")]


def test_keyboard_without_more_has_no_more_button() -> None:
    markup = answer_keyboard(TEXTS, "en", "tok", 0, "art-1", has_more=False)
    assert [b.text for b in markup.inline_keyboard[0]] == ["Whole article"]
    assert [b.text for b in markup.inline_keyboard[1]] == ["👍", "👎"]


@pytest.mark.parametrize("callback", [
    Callback("a", value="art-1"), Callback("a", value=LONGEST_ID), Callback("m", "abc_-XYZ", 3),
    Callback("m", "T" * 16, 999), Callback("f", "abc", 0, "+"), Callback("f", "abc", 12, "-"),
])
def test_callback_round_trip(callback: Callback) -> None:
    data = encode_callback(callback)
    assert len(data.encode()) <= MAX_CALLBACK_BYTES
    assert decode_callback(data) == callback


def test_encode_refuses_data_over_64_bytes() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        encode_callback(Callback("a", value="x" * 64))


@pytest.mark.parametrize("data", [
    None, "", "a:../../etc", "a:", "a:" + "x" * 49, "m:x:9999", "m:x:", "m:x:-1", "m::1", "f:tok:1:*", "f:tok:1:",
    "f:tok:1:++", "x:tok:1", "a:art 1", "a:art-1\n", "m:tok:1:extra", "a:" + "é" * 10, "a:klant\u200b",
    "a:" + "a" * 63, "m:" + "t" * 17 + ":1", "A:art-1",
])
def test_decode_rejects_forged_data(data: str | None) -> None:
    assert decode_callback(data) is None


def test_decode_rejects_65_bytes() -> None:
    data = "f:" + "t" * 16 + ":1:+" + "x" * 43
    assert len(data.encode()) == 65
    assert decode_callback(data) is None
    assert decode_callback("a:" + "x" * 63) is None


def test_deep_link_payload_is_valid_for_the_longest_id() -> None:
    payload = article_payload(LONGEST_ID)
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", payload)
    assert payload_article(payload) == LONGEST_ID
    assert deep_link(BOT, LONGEST_ID) == f"https://t.me/RelatieBot?start=a-{LONGEST_ID}"
    assert payload_article("a-") is None and payload_article("inline") is None


# --- whole articles -------------------------------------------------------------------------------------------------

def _sentence_paragraph(n: int) -> str:
    sentences = [f"Alinea {n} zin {k}: klanten blijven trouw als u doet wat u belooft en tijdig belt."
                 for k in range(9)]
    return " ".join(sentences)  # ~700 characters


def _long_article() -> tuple[list[Chunk], list[str]]:
    """30 paragraphs of ~700 characters in three sections, plus one 9,000-character paragraph without a period."""
    paragraphs = [_sentence_paragraph(n) for n in range(30)]
    no_period = _words(700, "woordzondereinde")[:9000].rsplit(" ", 1)[0]
    chunks = []
    expected = ["Klanten trouw houden", "— door Anna <&> (2024-01-02)"]
    position = 0
    for s, section in enumerate(["Inleiding", "Regels <&>", "Casus"]):
        expected.append(section)
        for c in range(2):
            body = paragraphs[s * 10 + c * 5: s * 10 + c * 5 + 5]
            if s == 1 and c == 0:
                body = [*body[:2], no_period, *body[2:]]
            chunks.append(Chunk("art-1", section, "\n\n".join(body), "passage", position))
            expected.extend(body)
            position += 1
    return chunks, expected


def _strip_marker(plain: str, number: int, total: int, lang: str) -> str:
    marker = f"\n\n({'deel' if lang == 'nl' else 'part'} {number} {'van' if lang == 'nl' else 'of'} {total})"
    assert plain.endswith(marker), plain[-60:]
    return plain[: -len(marker)]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_long_article_splits_into_valid_parts_with_all_text_in_order(lang: str) -> None:
    chunks, expected = _long_article()
    parts = article_messages("Klanten trouw houden", "Anna <&>", "2024-01-02", None, chunks, TEXTS, lang, BOT,
                             "art-1")
    assert len(parts) >= 7  # ~30k characters
    bodies = []
    for number, part in enumerate(parts, start=1):
        plain, _ = parsed(part)
        bodies.append(_strip_marker(plain, number, len(parts), lang))
    if lang == "en":
        expected[1] = expected[1].replace("door", "by")
    # Same words in the same order: nothing lost, nothing duplicated, no word split in two.
    assert " ".join(bodies).split() == " ".join(expected).split()
    # The period-less paragraph had to be split at spaces: its pieces end on whole words.
    assert sum("woordzondereinde" in body for body in bodies) >= 3


def test_article_parts_with_emoji_stay_under_the_limit() -> None:
    paragraph = " ".join(["😀klant👍🏽"] * 1500)  # one paragraph, no period, 10 units per word
    chunks = [Chunk("art-1", "Titel", paragraph, "passage", 0)]
    parts = article_messages("Titel", None, None, "https://example.nl/a", chunks, TEXTS, "nl", BOT, "art-1")
    assert len(parts) >= 4
    words: list[str] = []
    for number, part in enumerate(parts, start=1):
        plain, _ = parsed(part)
        words += _strip_marker(plain, number, len(parts), "nl").split()
    assert words[:2] == ["Titel", "Bron"] and words[2:] == paragraph.split()
    first = parse_html(parts[0])[1]
    assert only(first, "text_link")[0]["url"] == "https://example.nl/a"


def test_short_article_is_one_message_without_part_marker_or_self_link() -> None:
    chunks = [Chunk("art-1", "Titel <b>", "Eerste alinea & meer.\n\nTweede alinea.", "passage", 0)]
    [part] = article_messages("Titel <b>", None, None, None, chunks, TEXTS, "nl", BOT, "art-1")
    plain, entities = parsed(part)
    assert plain == "Titel <b>\n\nEerste alinea & meer.\n\nTweede alinea."
    assert not only(entities, "text_link")


def test_article_with_a_huge_section_heading_still_fits() -> None:
    chunks = [Chunk("art-1", _words(600, "kop"), "Tekst van de sectie.", "passage", 0)]
    for part in article_messages("Titel", None, None, None, chunks, TEXTS, "nl", BOT, "art-1"):
        plain, _ = parsed(part)
        assert "kop0 kop1" in plain


# --- abstention and help --------------------------------------------------------------------------------------------

def test_abstention_lists_topics_escaped() -> None:
    topics = ["Klanten <b>trouw</b> & co", 'Leveranciers "&amp;"']
    plain, entities = parsed(abstention_html(TEXTS, "nl", topics, note="Lang <i>"))
    assert plain.startswith("Lang <i>\n\n" + DEFAULT_TEXTS["nl"]["no_answer"])
    assert plain.endswith("• Klanten <b>trouw</b> & co\n• Leveranciers \"&amp;\"")
    assert [covered(plain, x) for x in only(entities, "italic")] == ["Lang <i>"]


def test_abstention_with_nearby_articles_names_them_instead_of_the_topics() -> None:
    nearby = (Nearby("klacht-snel", "Klachten <snel> & goed afhandelen", 0.8), Nearby("nee", "Nee zeggen", 0.6))
    plain, _ = parsed(abstention_html(TEXTS, "en", ["Topic that must not show"], nearby=nearby))
    assert plain == "\n".join([DEFAULT_TEXTS["en"]["no_sure_answer"], "", DEFAULT_TEXTS["en"]["nearby"],
                                "• Klachten <snel> & goed afhandelen", "• Nee zeggen"])
    assert DEFAULT_TEXTS["en"]["no_answer"] not in plain  # "my articles do not cover that" would contradict the list
    huge = (Nearby("lang", "Een titel " * 500, 0.9), *nearby)
    plain, _ = parsed(abstention_html(TEXTS, "nl", [], nearby=huge))
    assert plain.endswith("• Klachten <snel> & goed afhandelen\n• Nee zeggen")  # one huge title hides no other


def test_nearby_buttons_open_the_article_in_private_and_deep_link_from_a_group() -> None:
    nearby = (Nearby("klacht-snel", "Klachten snel afhandelen, ook als de klant " + "heel " * 30 + "boos is", 0.8),
              Nearby("nee", "Nee zeggen", 0.6))
    private = nearby_keyboard(nearby, BOT, private=True)
    assert private is not None
    rows = private.inline_keyboard
    assert [len(row) for row in rows] == [1, 1]
    assert [decode_callback(row[0].callback_data) for row in rows] == [Callback("a", value="klacht-snel"),
                                                                       Callback("a", value="nee")]
    assert rows[1][0].text == "📄 Nee zeggen"
    assert rows[0][0].text.endswith("…") and utf16_len(rows[0][0].text) <= MAX_BUTTON_TITLE + 3
    group = nearby_keyboard(nearby, BOT, private=False)
    assert group is not None
    assert [row[0].url for row in group.inline_keyboard] == [deep_link(BOT, "klacht-snel"), deep_link(BOT, "nee")]
    assert all(row[0].callback_data is None for row in group.inline_keyboard)
    assert nearby_keyboard((), BOT, private=True) is None


def test_abstention_with_1000_topics_stays_under_the_limit() -> None:
    topics = [f"Onderwerp {n} <{n}> & " + "lang " * 150 for n in range(1000)]
    plain, _ = parsed(abstention_html(TEXTS, "en", topics))
    shown = [line for line in plain.split("\n") if line.startswith("• ")]
    assert 1 <= len(shown) <= MAX_TOPICS_SHOWN
    assert shown == [f"• {t}" for t in topics[: len(shown)]]  # whole topics only, in order
    short = [f"Onderwerp {n}" for n in range(1000)]
    plain, _ = parsed(abstention_html(TEXTS, "en", short))
    assert plain.count("• ") == MAX_TOPICS_SHOWN


def test_help_with_many_hostile_articles_stays_valid() -> None:
    articles = [(f"id-{n}", f"Titel {n} {HOSTILE}", f"Auteur {HOSTILE}" if n % 2 else None) for n in range(1000)]
    plain, entities = parsed(help_html(TEXTS, "nl", BOT, articles))
    assert f"Titel 0 {HOSTILE}" in plain
    links = only(entities, "text_link")
    assert links[0]["url"] == "https://t.me/RelatieBot?start=a-id-0"
    assert covered(plain, links[1]) == f"Titel 1 {HOSTILE}"


# --- flood control --------------------------------------------------------------------------------------------------

class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttle_limit_notify_once_then_silent_and_recover() -> None:
    clock = Clock()
    throttle = Throttle(3, window=60.0, clock=clock)
    assert [throttle.check("chat") for _ in range(3)] == ["ok", "ok", "ok"]
    assert throttle.check("chat") == "notify"
    assert [throttle.check("chat") for _ in range(5)] == ["silent"] * 5
    assert throttle.check("other") == "ok"  # other keys are unaffected
    clock.now += 59.9
    assert throttle.check("chat") == "silent"  # still inside the window
    clock.now += 0.1
    assert [throttle.check("chat") for _ in range(3)] == ["ok", "ok", "ok"]
    assert throttle.check("chat") == "notify"  # a new spell gets a new notice


def test_throttle_sliding_window_frees_room_gradually() -> None:
    clock = Clock()
    throttle = Throttle(2, window=10.0, clock=clock)
    assert throttle.check("u") == "ok"
    clock.now += 5
    assert throttle.check("u") == "ok"
    assert throttle.check("u") == "notify"
    clock.now += 5  # the first hit has left the window, the second has not
    assert throttle.check("u") == "ok"
    assert throttle.check("u") == "notify"


def test_group_throttle_gives_each_user_one_notice() -> None:
    clock = Clock()
    throttle = Throttle(2, window=60.0, clock=clock)
    assert throttle.check("group", notice_key=1) == "ok"
    assert throttle.check("group", notice_key=2) == "ok"
    assert throttle.check("group", notice_key=1) == "notify"
    assert throttle.check("group", notice_key=1) == "silent"
    assert throttle.check("group", notice_key=2) == "notify"
    assert throttle.check("group", notice_key=3) == "notify"
    assert throttle.check("group", notice_key=2) == "silent"
    clock.now += 60
    assert throttle.check("group", notice_key=1) == "ok"


# --- sessions -------------------------------------------------------------------------------------------------------

def test_sessions_evict_the_least_recently_used_beyond_capacity() -> None:
    sessions = Sessions(capacity=3)
    tokens = [sessions.new(Session(f"vraag {n}", "nl")) for n in range(3)]
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{8}", t) for t in tokens)
    assert len(set(tokens)) == 3
    first = sessions.get(tokens[0])
    assert first is not None and first.question == "vraag 0"  # now most recently used
    fourth = sessions.new(Session("vraag 3", "en"))
    assert sessions.get(tokens[1]) is None  # the oldest untouched one went
    kept = [sessions.get(t) for t in (tokens[0], tokens[2], fourth)]
    assert [s.question if s else None for s in kept] == ["vraag 0", "vraag 2", "vraag 3"]
    for n in range(10):
        sessions.new(Session(f"extra {n}", "nl"))
    assert sessions.get(fourth) is None
    assert sessions.get("nonexistent") is None


# --- settings -------------------------------------------------------------------------------------------------------

def _write(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_bad_setting_names_key_and_expected_form_and_keeps_default(tmp_path: Path) -> None:
    config = _write(tmp_path, "telegram.yaml",
                    "mode: polling\ngroup_answers_per_minute: 0\nwebhook:\n  port: 99999\n  path: /hook/\n")
    settings, problems = load_telegram_settings(config)
    assert settings.group_answers_per_minute == 6 and settings.webhook.port == 8443
    assert settings.webhook.path == "hook"
    messages = {p.line: (p.severity, p.message) for p in problems}
    assert messages[2] == ("error", "'group_answers_per_minute' is 0; expected a whole number from 1 to 60 "
                                    "(using the default)")
    assert messages[4][0] == "error" and "'webhook.port' is 99999" in messages[4][1]
    assert "a port number from 1 to 65535" in messages[4][1]
    assert len(problems) == 2


def test_boolean_is_not_a_number_setting(tmp_path: Path) -> None:
    settings, problems = load_telegram_settings(_write(tmp_path, "telegram.yaml", "inline_results: true\n"))
    assert settings.inline_results == 5
    assert [p.line for p in problems] == [1] and "'inline_results' is True" in problems[0].message


def test_unknown_setting_is_a_warning_with_its_line(tmp_path: Path) -> None:
    config = _write(tmp_path, "telegram.yaml", "mode: polling\nadmins: [1, 2]\ngroup_answer_per_minute: 3\n"
                                               "webhook:\n  prot: 1\n")
    settings, problems = load_telegram_settings(config)
    assert settings.admins == frozenset({1, 2})
    assert [(p.severity, p.line) for p in problems] == [("warning", 3), ("warning", 5)]
    assert "unknown key 'group_answer_per_minute'" in problems[0].message
    assert "group_answers_per_minute" in problems[0].message  # the known keys are listed
    assert "unknown key 'webhook.prot'" in problems[1].message


def test_webhook_mode_without_url_is_an_error(tmp_path: Path) -> None:
    config = _write(tmp_path, "telegram.yaml", "# comment\nmode: webhook\nwebhook:\n  port: 8443\n")
    settings, problems = load_telegram_settings(config)
    assert settings.mode == "webhook"
    [problem] = problems
    assert problem.severity == "error" and problem.line == 2
    assert "'webhook.url' is required when mode is webhook" in problem.message


def test_webhook_mode_with_https_url_is_fine(tmp_path: Path) -> None:
    config = _write(tmp_path, "telegram.yaml", "mode: webhook\nwebhook:\n  url: https://bot.example.nl/telegram\n")
    settings, problems = load_telegram_settings(config)
    assert problems == [] and settings.webhook.url == "https://bot.example.nl/telegram"
    _, problems = load_telegram_settings(_write(tmp_path, "telegram.yaml", "webhook:\n  url: http://plain.nl\n"))
    assert len(problems) == 1 and "an https:// address" in problems[0].message


def test_unknown_placeholder_is_refused_naming_the_allowed_ones(tmp_path: Path) -> None:
    config = _write(tmp_path, "texts.yaml",
                    "nl:\n  welcome: 'Hallo {naam}, {count} artikelen'\n  no_answer: 'Niets over {onderwerp}'\n"
                    "en:\n  article_part: 'part {part}/{total} of {title}'\n")
    texts, problems = load_texts(config)
    by_line = {p.line: p.message for p in problems}
    assert by_line[2] == ("'nl.welcome' uses {naam}; allowed placeholders: {count} (using the default)")
    assert by_line[3] == ("'nl.no_answer' uses {onderwerp}; allowed placeholders: none (using the default)")
    assert by_line[5] == ("'en.article_part' uses {title}; allowed placeholders: {part}, {total} (using the default)")
    assert texts.get("nl", "welcome", count=7) == DEFAULT_TEXTS["nl"]["welcome"].format(count=7)
    assert texts.get("en", "article_part", part=1, total=2) == "part 1 of 2"


def test_missing_text_falls_back_to_the_default(tmp_path: Path) -> None:
    texts, problems = load_texts(_write(tmp_path, "texts.yaml", "nl:\n  label_rule: Norm\n"))
    assert problems == []
    assert texts.get("nl", "label_rule") == "Norm"
    assert texts.get("nl", "label_case") == DEFAULT_TEXTS["nl"]["label_case"]
    assert texts.by_language["en"] == DEFAULT_TEXTS["en"]
    assert texts.get("de", "label_rule") == "Norm"  # an unknown language falls back to Dutch


def test_empty_or_broken_text_keeps_the_default(tmp_path: Path) -> None:
    texts, problems = load_texts(_write(tmp_path, "texts.yaml", "nl:\n  source: ''\n  by: 'a {'\n  extra: x\n"))
    assert texts.get("nl", "source") == "Bron" and texts.get("nl", "by") == "door"
    assert [(p.severity, p.line) for p in problems] == [("error", 2), ("error", 3), ("warning", 4)]
    assert "non-empty" in problems[0].message
    assert "unbalanced" in problems[1].message  # not "must be non-empty text" for a brace left open


def test_shipped_texts_file_equals_the_defaults() -> None:
    texts, problems = load_texts(CONFIG)
    assert problems == []
    assert texts.by_language == DEFAULT_TEXTS


def test_admin_text_with_a_huge_line_is_split_and_shortened() -> None:
    from fake_bot_api import parse_html

    from bot.telegram.handlers import split_html_lines

    html_text = "<b>Reload</b>\n" + "• " + "x" * 9000 + "\n" + "\n".join(f"• line {n}" for n in range(600))
    parts = split_html_lines(html_text)
    assert len(parts) >= 2
    for part in parts:
        plain, _ = parse_html(part)
        assert 1 <= len(plain.encode("utf-16-le")) // 2 <= 4096
    assert "line 599" in parts[-1]


def test_popup_texts_longer_than_telegram_allows_are_refused(tmp_path: Path) -> None:
    from bot.telegram.settings import DEFAULT_TEXTS, load_texts

    (tmp_path / "texts.yaml").write_text("nl:\n  expired: '" + "lang " * 60 + "'\n", encoding="utf-8")
    texts, problems = load_texts(tmp_path)
    assert any("'nl.expired'" in p.message and "pop-up" in p.message for p in problems)
    assert texts.get("nl", "expired") == DEFAULT_TEXTS["nl"]["expired"]


def test_format_specifications_and_conversions_in_texts_are_refused_naming_the_key(tmp_path: Path) -> None:
    """`{count:>5000}` made /start too long to send and `{count!r:^99999999}` built a 100 MB message."""
    texts, problems = load_texts(_write(tmp_path, "texts.yaml",
                                        "nl:\n  welcome: 'Welkom {count:>5000}'\n"
                                        "en:\n  welcome: 'Hi {count!r:^99999999}'\n  truncated: 'max {limit!s}'\n"))
    by_line = {p.line: p.message for p in problems}
    assert by_line[2] == ("'nl.welcome' uses {count:>5000}: only plain placeholders such as {count} are allowed, "
                          "without a format specification or conversion (using the default)")
    assert by_line[4].startswith("'en.welcome' uses {count!r:^99999999}: only plain placeholders")
    assert by_line[5].startswith("'en.truncated' uses {limit!s}: only plain placeholders")
    assert texts.get("nl", "welcome", count=7) == DEFAULT_TEXTS["nl"]["welcome"].format(count=7)
    assert len(texts.get("en", "welcome", count=7)) < 300


def test_a_format_specification_that_got_through_is_not_applied() -> None:
    from bot.telegram.settings import Texts

    texts = Texts({"nl": {**DEFAULT_TEXTS["nl"], "welcome": "{count:>99999999} {{echt}}"}})
    assert texts.get("nl", "welcome", count=7) == "7 {echt}"
