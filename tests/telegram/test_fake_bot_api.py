"""The fake Bot API is only worth testing against if it is as strict as Telegram: these tests prove that it is.

Every rejection below is one the real server makes (HTML parse errors, 4096 after parsing, 64-byte callback data,
unknown methods, wrong tokens), and every fault is one a bot meets in production (429, 5xx, slow, dropped). The last
tests drive a real ``telegram.Bot`` and ``Application`` against the fake, proving PTB can de_json every answer.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from typing import Any

import httpx
import pytest
from fake_bot_api import FakeBotAPI, parse_html, utf16_len
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, ReplyParameters, Update
from telegram.constants import MessageEntityType, ParseMode
from telegram.error import BadRequest, ChatMigrated, NetworkError, RetryAfter
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes


def call(
    fake: FakeBotAPI, method: str, *, form: bool = False, http_timeout: float = 5.0, **params: Any
) -> httpx.Response:
    """One raw request, JSON body by default or form-encoded the way PTB sends it (nested values JSON-encoded)."""
    url = f"{fake.base_url}{fake.token}/{method}"
    if form:
        data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
        return httpx.post(url, data=data, timeout=http_timeout)
    return httpx.post(url, json=params, timeout=http_timeout)


def description(response: httpx.Response) -> str:
    body = response.json()
    assert body["ok"] is False
    assert body["error_code"] == response.status_code
    return str(body["description"])


@pytest.fixture
def chat(fake: FakeBotAPI) -> dict[str, Any]:
    return fake.private_chat(fake.user())


# ---------------------------------------------------------------- HTML strictness


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("<p>alinea</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("<b>vet", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag"),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("3 <4 en 5>", 'Unsupported start tag "4" at byte offset 2'),
        ("eind <", "Unclosed start tag at byte offset 5"),
        ("a&nbsp;b", 'Unsupported HTML entity "&nbsp;"'),
        ("Jansen & Zn", 'Unescaped "&"'),
        ("<span>geheim</span>", 'Tag "span" must have class "tg-spoiler"'),
        ("<a>link</a>", 'Tag "a" must have a non-empty attribute "href"'),
        ('<a href="x?a=1&b=2">link</a>', 'Unescaped "&"'),
        ("<br/>regel", 'Unsupported start tag "br/"'),
        ("é<div>", 'Unsupported start tag "div" at byte offset 2'),
    ],
)
def test_malformed_or_disallowed_html_is_rejected_like_telegram(
    fake: FakeBotAPI, chat: dict[str, Any], text: str, fragment: str
) -> None:
    response = call(fake, "sendMessage", chat_id=chat["id"], text=text, parse_mode="HTML")
    assert response.status_code == 400
    message = description(response)
    assert message.startswith("Bad Request: can't parse entities: ")
    assert fragment in message
    assert fake.calls[-1].status == 400
    assert fake.sent() == []


def test_allowed_html_becomes_plain_text_and_entities(fake: FakeBotAPI, chat: dict[str, Any]) -> None:
    html = (
        '<b>vet</b> <strong>s</strong> <i>i</i> <em>e</em> <u>u</u> <ins>n</ins> <s>s</s> <strike>k</strike> '
        '<del>d</del> <span class="tg-spoiler">sp</span> <tg-spoiler>t</tg-spoiler> <a href="https://x.nl/?a=1&amp;b=2">'
        'link</a> <code>c</code> <pre><code class="language-python">p</code></pre> '
        '<blockquote expandable>bq</blockquote> <tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> '
        "&lt;&gt;&amp;&quot;&#38;&#x26;"
    )
    response = call(fake, "sendMessage", chat_id=chat["id"], text=html, parse_mode="html")
    assert response.status_code == 200, response.text
    message = response.json()["result"]
    assert message["text"] == "vet s i e u n s k d sp t link c p bq 👍 <>&\"&&"
    kinds = [e["type"] for e in message["entities"]]
    assert kinds == [
        "bold", "bold", "italic", "italic", "underline", "underline", "strikethrough", "strikethrough",
        "strikethrough", "spoiler", "spoiler", "text_link", "code", "pre", "expandable_blockquote", "custom_emoji",
    ]
    link = message["entities"][11]
    assert link["url"] == "https://x.nl/?a=1&b=2"
    assert message["text"][link["offset"] : link["offset"] + link["length"]] == "link"
    assert message["entities"][13]["language"] == "python"
    assert isinstance(message["date"], int) and message["date"] < 10**10  # seconds, not milliseconds
    assert message["from"]["id"] == fake.bot_id and message["from"]["is_bot"] is True


def test_length_is_checked_after_parsing_in_utf16(fake: FakeBotAPI, chat: dict[str, Any]) -> None:
    too_long = call(fake, "sendMessage", chat_id=chat["id"], text="x" * 4097)
    assert too_long.status_code == 400
    assert description(too_long) == "Bad Request: message is too long"

    raw = "<b>" + "x" * 4096 + "</b>"
    assert len(raw) > 4096
    fits = call(fake, "sendMessage", chat_id=chat["id"], text=raw, parse_mode="HTML")
    assert fits.status_code == 200, fits.text
    assert fits.json()["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 4096}]

    escaped = call(fake, "sendMessage", chat_id=chat["id"], text="&amp;" * 4096, parse_mode="HTML")
    assert escaped.status_code == 200

    emoji = call(fake, "sendMessage", chat_id=chat["id"], text="😀" * 2049)  # 4098 UTF-16 code units
    assert emoji.status_code == 400
    assert description(emoji) == "Bad Request: message is too long"


@pytest.mark.parametrize(
    ("text", "parse_mode"), [("", None), ("   \n ", None), ("<b></b>", "HTML"), (" <i> </i>", "HTML")]
)
def test_empty_text_is_rejected(fake: FakeBotAPI, chat: dict[str, Any], text: str, parse_mode: str | None) -> None:
    params: dict[str, Any] = {"chat_id": chat["id"], "text": text}
    if parse_mode:
        params["parse_mode"] = parse_mode
    response = call(fake, "sendMessage", **params)
    assert response.status_code == 400
    assert description(response) == "Bad Request: message text is empty"


def test_surrounding_whitespace_is_trimmed_and_entities_shift(fake: FakeBotAPI, chat: dict[str, Any]) -> None:
    response = call(fake, "sendMessage", chat_id=chat["id"], text="\n  <b>hoi</b> \n", parse_mode="HTML")
    message = response.json()["result"]
    assert message["text"] == "hoi"
    assert message["entities"] == [{"type": "bold", "offset": 0, "length": 3}]


def test_html_entity_offsets_are_utf16() -> None:
    plain, entities = parse_html("😀 <b>hé</b> 👍🏽<i>x</i>")
    assert plain == "😀 hé 👍🏽x"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 2},
        {"type": "italic", "offset": 10, "length": 1},
    ]
    assert utf16_len(plain) == 11


def test_markdown_is_refused_loudly_rather_than_passed_unchecked(fake: FakeBotAPI, chat: dict[str, Any]) -> None:
    response = call(fake, "sendMessage", chat_id=chat["id"], text="*x*", parse_mode="MarkdownV2")
    assert response.status_code == 400
    assert "does not implement" in description(response)


# ---------------------------------------------------------------- keyboards, replies, chats


def test_callback_data_must_be_1_to_64_bytes(fake: FakeBotAPI, chat: dict[str, Any]) -> None:
    def send(data: str) -> httpx.Response:
        markup = {"inline_keyboard": [[{"text": "Meer", "callback_data": data}]]}
        return call(fake, "sendMessage", form=True, chat_id=chat["id"], text="x", reply_markup=markup)

    assert send("a" * 64).status_code == 200
    for bad in ("a" * 65, "é" * 33, ""):  # "é" is 2 bytes: 33 of them are 66 bytes
        response = send(bad)
        assert response.status_code == 400
        assert description(response) == "Bad Request: BUTTON_DATA_INVALID"


def test_inline_keyboard_buttons_need_an_action_and_a_valid_url(fake: FakeBotAPI, chat: dict[str, Any]) -> None:
    plain = call(fake, "sendMessage", chat_id=chat["id"], text="x",
                 reply_markup={"inline_keyboard": [[{"text": "Niets"}]]})
    assert description(plain) == "Bad Request: text buttons are unallowed in the inline keyboard"
    bad_url = call(fake, "sendMessage", chat_id=chat["id"], text="x",
                   reply_markup={"inline_keyboard": [[{"text": "Web", "url": "geen url"}]]})
    assert "is invalid" in description(bad_url)
    good = call(fake, "sendMessage", chat_id=chat["id"], text="x",
                reply_markup={"inline_keyboard": [[{"text": "Web", "url": "https://example.org/a"}]]})
    assert good.json()["result"]["reply_markup"]["inline_keyboard"][0][0]["url"] == "https://example.org/a"


def test_unknown_chat_and_missing_reply_target_are_rejected(fake: FakeBotAPI, chat: dict[str, Any]) -> None:
    unknown = call(fake, "sendMessage", chat_id=424242, text="x")
    assert description(unknown) == "Bad Request: chat not found"

    missing = call(fake, "sendMessage", form=True, chat_id=chat["id"], text="x",
                   reply_parameters={"message_id": 77})
    assert description(missing) == "Bad Request: message to be replied not found"

    allowed = call(fake, "sendMessage", form=True, chat_id=chat["id"], text="x",
                   reply_parameters={"message_id": 77, "allow_sending_without_reply": True})
    assert allowed.status_code == 200
    assert "reply_to_message" not in allowed.json()["result"]

    question = fake.send_message(chat, fake.user(), "Hoe bouw ik vertrouwen op?")
    answer = call(fake, "sendMessage", form=True, chat_id=chat["id"], text="Zo.",
                  reply_parameters={"message_id": question["message_id"]})
    assert answer.json()["result"]["reply_to_message"]["text"] == "Hoe bouw ik vertrouwen op?"


def test_forum_thread_is_echoed(fake: FakeBotAPI) -> None:
    group = fake.group_chat(is_forum=True)
    question = fake.send_message(group, fake.user(), "/vraag@RelatieBot wat nu?", message_thread_id=42)
    assert question["is_topic_message"] is True
    response = call(fake, "sendMessage", form=True, chat_id=group["id"], text="antwoord", message_thread_id=42,
                    reply_parameters={"message_id": question["message_id"]},
                    link_preview_options={"is_disabled": True})
    assert response.status_code == 200, response.text
    assert response.json()["result"]["message_thread_id"] == 42
    assert fake.sent(group["id"])[0]["message_thread_id"] == 42
    wrong_topic = call(fake, "sendMessage", chat_id=group["id"], text="x", message_thread_id=9)
    assert description(wrong_topic) == "Bad Request: message thread not found"


def test_migrated_group_answers_with_migrate_to_chat_id(fake: FakeBotAPI) -> None:
    group = fake.group_chat(chat_id=-5001, type="group")
    new_chat = fake.migrate_chat(group, -1005001)
    updates = call(fake, "getUpdates").json()["result"]
    assert [u["message"].get("migrate_to_chat_id") for u in updates] == [-1005001, None]
    assert updates[1]["message"]["migrate_from_chat_id"] == -5001
    response = call(fake, "sendMessage", chat_id=group["id"], text="x")
    assert response.json()["parameters"] == {"migrate_to_chat_id": -1005001}
    assert description(response) == "Bad Request: group chat was upgraded to a supergroup chat"
    assert call(fake, "sendMessage", chat_id=new_chat["id"], text="x").status_code == 200


def test_blocked_user_gets_403(fake: FakeBotAPI, chat: dict[str, Any]) -> None:
    fake.block_user(chat["id"])
    response = call(fake, "sendMessage", chat_id=chat["id"], text="x")
    assert response.status_code == 403
    assert description(response) == "Forbidden: bot was blocked by the user"


def test_edit_rules(fake: FakeBotAPI, chat: dict[str, Any]) -> None:
    sent = call(fake, "sendMessage", chat_id=chat["id"], text="<b>een</b>", parse_mode="HTML").json()["result"]
    same = call(fake, "editMessageText", chat_id=chat["id"], message_id=sent["message_id"], text="<b>een</b>",
                parse_mode="HTML")
    assert description(same).startswith("Bad Request: message is not modified")
    edited = call(fake, "editMessageText", chat_id=chat["id"], message_id=sent["message_id"], text="twee")
    assert edited.json()["result"]["text"] == "twee" and "edit_date" in edited.json()["result"]
    user_message = fake.send_message(chat, fake.user(), "hallo")
    theirs = call(fake, "editMessageText", chat_id=chat["id"], message_id=user_message["message_id"], text="y")
    assert description(theirs) == "Bad Request: message can't be edited"
    missing = call(fake, "editMessageText", chat_id=chat["id"], message_id=999, text="y")
    assert description(missing) == "Bad Request: message to edit not found"
    assert [s["method"] for s in fake.sent(chat["id"])] == ["sendMessage", "editMessageText"]


# ---------------------------------------------------------------- queries


def test_callback_query_is_answered_once(fake: FakeBotAPI, chat: dict[str, Any]) -> None:
    markup = {"inline_keyboard": [[{"text": "Meer", "callback_data": "more:1"}]]}
    message = call(fake, "sendMessage", chat_id=chat["id"], text="x", reply_markup=markup).json()["result"]
    with pytest.raises(AssertionError, match="no button"):
        fake.press_button(message, "other", fake.user())
    query_id = fake.press_button(message, "more:1", fake.user())
    update = call(fake, "getUpdates").json()["result"][-1]
    assert update["callback_query"]["chat_instance"]
    assert update["callback_query"]["message"]["reply_markup"] == markup

    too_long = call(fake, "answerCallbackQuery", callback_query_id=query_id, text="x" * 201)
    assert too_long.status_code == 400
    assert call(fake, "answerCallbackQuery", callback_query_id=query_id, text="Oké").status_code == 200
    again = call(fake, "answerCallbackQuery", callback_query_id=query_id)
    assert "query is too old" in description(again)
    unknown = call(fake, "answerCallbackQuery", callback_query_id="123")
    assert "query ID is invalid" in description(unknown)
    assert fake.answered_callbacks() == [{"callback_query_id": query_id, "text": "Oké"}]


def _article(result_id: str, text: str = "tekst") -> dict[str, Any]:
    return {"type": "article", "id": result_id, "title": "T",
            "input_message_content": {"message_text": text, "parse_mode": "HTML"}}


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        ([_article(str(i)) for i in range(51)], "Bad Request: RESULTS_TOO_MUCH"),
        ([_article("a" * 65)], "Bad Request: RESULT_ID_INVALID"),
        ([_article("")], "Bad Request: RESULT_ID_INVALID"),
        ([_article("1"), _article("1")], "Bad Request: RESULT_ID_DUPLICATE"),
        ([_article("1", "<p>x</p>")], 'Bad Request: can\'t parse entities: Unsupported start tag "p" at byte offset 0'),
        ([_article("1", "x" * 4097)], "Bad Request: message is too long"),
    ],
)
def test_inline_answers_are_validated(fake: FakeBotAPI, results: list[dict[str, Any]], expected: str) -> None:
    query_id = fake.inline_query(fake.user(), "vertrouwen")
    response = call(fake, "answerInlineQuery", form=True, inline_query_id=query_id, results=results)
    assert description(response) == expected
    ok = call(fake, "answerInlineQuery", form=True, inline_query_id=query_id,
              results=[_article(str(i)) for i in range(50)])
    assert ok.status_code == 200
    assert len(fake.inline_answers()) == 1


# ---------------------------------------------------------------- protocol


def test_unknown_method_wrong_token_and_case_insensitive_methods(fake: FakeBotAPI) -> None:
    unknown = call(fake, "sendTelepathy")
    assert unknown.status_code == 404
    assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found"}

    wrong = httpx.post(f"{fake.base_url}123456:wrong/getMe")
    assert wrong.status_code == 401
    assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}

    me = httpx.get(f"{fake.base_url}{fake.token}/GETME").json()["result"]
    assert me["is_bot"] is True and me["username"] == "RelatieBot"
    assert me["can_read_all_group_messages"] is False and me["supports_inline_queries"] is True
    assert [c.status for c in fake.calls] == [404, 401, 200]
    assert fake.calls[-1].method == "getMe"


def test_all_three_encodings_are_accepted(fake: FakeBotAPI, chat: dict[str, Any]) -> None:
    url = f"{fake.base_url}{fake.token}/sendMessage"
    markup = json.dumps({"inline_keyboard": [[{"text": "Ja", "callback_data": "yes"}]]})
    form = httpx.post(url, data={"chat_id": str(chat["id"]), "text": "123", "reply_markup": markup})
    multipart = httpx.post(url, data={"chat_id": str(chat["id"]), "text": "true", "reply_markup": markup},
                           files={"unused": ("a.txt", b"abc")})
    as_json = httpx.post(url, json={"chat_id": chat["id"], "text": "json"})
    for response, text in ((form, "123"), (multipart, "true"), (as_json, "json")):
        assert response.status_code == 200, response.text
        assert response.json()["result"]["text"] == text
    assert fake.sent()[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "yes"
    assert fake.sent()[0]["chat_id"] == chat["id"]


def test_malformed_requests_get_400_and_the_server_survives(fake: FakeBotAPI) -> None:
    url = f"{fake.base_url}{fake.token}/sendMessage"
    bad_json = httpx.post(url, content=b"{not json", headers={"Content-Type": "application/json"})
    assert bad_json.status_code == 400
    not_object = httpx.post(url, content=b"[1, 2]", headers={"Content-Type": "application/json"})
    assert not_object.status_code == 400
    bad_multipart = httpx.post(url, content=b"garbage", headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert bad_multipart.status_code == 400
    bad_markup = call(fake, "sendMessage", form=True, chat_id=1, text="x", reply_markup="{nope")
    assert bad_markup.status_code == 400
    port = int(fake.base_url.split(":")[2].split("/")[0])
    with socket.create_connection(("127.0.0.1", port)) as raw:
        raw.sendall(b"\x00\xff garbage\r\n\r\n")
        raw.recv(1024)
    assert call(fake, "getMe").status_code == 200


# ---------------------------------------------------------------- fault injection


def test_429_carries_retry_after_and_is_consumed(fake: FakeBotAPI, chat: dict[str, Any]) -> None:
    fake.fail("sendMessage", "429", retry_after=7)
    limited = call(fake, "sendMessage", chat_id=chat["id"], text="x")
    assert limited.status_code == 429
    assert limited.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    assert call(fake, "sendMessage", chat_id=chat["id"], text="x").status_code == 200
    assert [c.status for c in fake.calls] == [429, 200]


def test_5xx_faults(fake: FakeBotAPI) -> None:
    fake.fail("getMe", "500")
    fake.fail("getMe", "502")
    error = call(fake, "getMe")
    assert error.status_code == 500 and error.json()["description"] == "Internal Server Error"
    proxy = call(fake, "getMe")
    assert proxy.status_code == 502 and proxy.text.startswith("<html>")
    assert call(fake, "getme").status_code == 200


def test_drop_closes_the_connection_without_an_answer(fake: FakeBotAPI, chat: dict[str, Any]) -> None:
    fake.fail("sendMessage", "drop")
    with pytest.raises(httpx.RemoteProtocolError):
        call(fake, "sendMessage", chat_id=chat["id"], text="x")
    assert fake.calls[-1].status == 0
    assert fake.sent() == []  # "drop" loses the request; "drop_after" executes it first
    fake.fail("sendMessage", "drop_after")
    with pytest.raises(httpx.RemoteProtocolError):
        call(fake, "sendMessage", chat_id=chat["id"], text="x")
    assert len(fake.sent()) == 1


def test_slow_delays_then_answers(fake: FakeBotAPI) -> None:
    fake.fail("getMe", "slow", delay=0.4)
    started = time.monotonic()
    assert call(fake, "getMe").status_code == 200
    assert time.monotonic() - started >= 0.4
    fake.fail("getMe", "slow", delay=2.0)
    with pytest.raises(httpx.ReadTimeout):
        call(fake, "getMe", http_timeout=0.3)


def test_unknown_fault_kind_is_a_test_bug() -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        FakeBotAPI().fail("getMe", "bad_html")


# ---------------------------------------------------------------- updates


def test_long_poll_returns_as_soon_as_an_update_arrives(fake: FakeBotAPI, chat: dict[str, Any]) -> None:
    result: dict[str, Any] = {}

    def poll() -> None:
        started = time.monotonic()
        result["updates"] = call(fake, "getUpdates", http_timeout=10.0, form=True, timeout=5).json()["result"]
        result["elapsed"] = time.monotonic() - started

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(0.3)
    fake.send_message(chat, fake.user(), "hallo")
    poller.join(timeout=5)
    assert 0.25 <= result["elapsed"] < 1.5
    [update] = result["updates"]
    assert update["message"]["text"] == "hallo"

    again = call(fake, "getUpdates").json()["result"]
    assert [u["update_id"] for u in again] == [update["update_id"]]  # not confirmed yet: delivered again
    confirmed = call(fake, "getUpdates", offset=update["update_id"] + 1).json()["result"]
    assert confirmed == []
    assert fake.confirmed_offset == update["update_id"] + 1
    assert fake.pending_updates() == []


def test_long_poll_times_out_empty(fake: FakeBotAPI) -> None:
    started = time.monotonic()
    assert call(fake, "getUpdates", timeout=1).json() == {"ok": True, "result": []}
    assert 0.9 <= time.monotonic() - started < 2.0


def test_limit_allowed_updates_and_webhook_conflict(fake: FakeBotAPI, chat: dict[str, Any]) -> None:
    for n in range(3):
        fake.send_message(chat, fake.user(), f"m{n}")
    fake.raw_update({"chat_member": {}})
    assert len(call(fake, "getUpdates", limit=2).json()["result"]) == 2
    kinds = {next(k for k in u if k != "update_id") for u in call(fake, "getUpdates").json()["result"]}
    assert kinds == {"message"}  # chat_member is opt-in, as in Telegram
    fake.inline_query(fake.user(), "q")
    only_inline = call(fake, "getUpdates", allowed_updates=["inline_query"]).json()["result"]
    assert [next(k for k in u if k != "update_id") for u in only_inline] == ["inline_query"]

    assert call(fake, "setWebhook", url="https://example.org/hook").status_code == 200
    conflict = call(fake, "getUpdates")
    assert conflict.status_code == 409
    assert call(fake, "deleteWebhook", drop_pending_updates=True).status_code == 200
    assert call(fake, "getUpdates").json()["result"] == []


def test_entities_of_typed_messages_use_utf16_offsets(fake: FakeBotAPI) -> None:
    group = fake.group_chat()
    text = "😀 vraag voor @RelatieBot: hoe?"
    message = fake.send_message(group, fake.user(), text)
    [mention] = message["entities"]
    assert mention == {"type": "mention", "offset": 14, "length": 11}  # the emoji counts as 2 UTF-16 code units
    assert text.index("@") == 13

    command = fake.send_message(group, fake.user(), "/vraag@RelatieBot wat is 👍 @Someone_else?")
    assert command["entities"] == [
        {"type": "bot_command", "offset": 0, "length": 17},
        {"type": "mention", "offset": 28, "length": 13},
    ]
    assert fake.send_message(group, fake.user(), "geen commando", entities=[])["message_id"] == 3


async def test_wait_for_reports_recent_calls_on_timeout(fake: FakeBotAPI) -> None:
    await asyncio.to_thread(call, fake, "getMe")
    with pytest.raises(AssertionError, match=r"getMe \[200\]"):
        await fake.wait_for(lambda: False, timeout=0.05)


# ---------------------------------------------------------------- a real PTB client


async def test_ptb_bot_de_jsons_every_answer(fake: FakeBotAPI) -> None:
    user = fake.user(username="anna")
    chat = fake.private_chat(user)
    group = fake.group_chat(chat_id=-42, type="group")
    async with Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) as bot:
        me = await bot.get_me()
        assert me.username == "RelatieBot" and me.is_bot

        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Meer", callback_data="more:1")]])
        sent = await bot.send_message(
            chat.get("id"), "<b>Vertrouwen</b> &amp; <i>tijd</i>", parse_mode=ParseMode.HTML, reply_markup=keyboard,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
        assert sent.text == "Vertrouwen & tijd"
        assert [e.type for e in sent.entities] == [MessageEntityType.BOLD, MessageEntityType.ITALIC]
        assert sent.reply_markup == keyboard
        assert sent.date.year >= 2024

        question = fake.send_message(chat, user, "/vraag wat nu?")
        updates = await bot.get_updates(timeout=1)
        assert updates[-1].message.text == "/vraag wat nu?"
        assert updates[-1].message.parse_entities([MessageEntityType.BOT_COMMAND])

        reply = await bot.send_message(chat["id"], "antwoord", reply_parameters=ReplyParameters(question["message_id"]))
        assert reply.reply_to_message is not None and reply.reply_to_message.text == "/vraag wat nu?"

        edited = await bot.edit_message_text("<u>nieuw</u>", chat["id"], sent.message_id, parse_mode=ParseMode.HTML)
        assert not isinstance(edited, bool) and edited.text == "nieuw" and edited.reply_markup is None

        await bot.edit_message_reply_markup(chat["id"], sent.message_id, reply_markup=keyboard)
        query_id = fake.press_button(sent.to_dict(), "more:1", user)
        updates = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=1)
        assert updates[-1].callback_query is not None and updates[-1].callback_query.data == "more:1"
        assert await bot.answer_callback_query(query_id, text="Oké")

        assert await bot.send_chat_action(chat["id"], "typing")
        assert (await bot.get_chat(chat["id"])).id == chat["id"]
        assert await bot.set_my_commands([("vraag", "Stel een vraag")])
        assert [c.command for c in await bot.get_my_commands()] == ["vraag"]
        assert fake.commands() == {'{"type": "default"}': [{"command": "vraag", "description": "Stel een vraag"}]}
        assert await bot.delete_webhook()
        assert (await bot.get_webhook_info()).url == ""

        with pytest.raises(BadRequest, match=r"(?i)can't parse entities: unsupported start tag"):
            await bot.send_message(chat["id"], "1 < 2", parse_mode=ParseMode.HTML)
        fake.fail("sendMessage", "429", retry_after=3)
        with pytest.raises(RetryAfter):
            await bot.send_message(chat["id"], "x")
        fake.fail("sendMessage", "drop")
        with pytest.raises(NetworkError):
            await bot.send_message(chat["id"], "x")
        fake.fail("getMe", "502")
        with pytest.raises(NetworkError):
            await bot.get_me()
        fake.migrate_chat(group, -1000042)
        with pytest.raises(ChatMigrated) as migrated:
            await bot.send_message(group["id"], "x")
        assert migrated.value.new_chat_id == -1000042
    assert fake.sent_texts_plain(chat["id"]) == ["Vertrouwen & tijd", "antwoord", "nieuw"]


async def test_ptb_application_long_polls_without_busy_looping(fake: FakeBotAPI) -> None:
    """A full Application round trip: update in, handler runs, answer out, and idle polling stays idle."""

    async def vraag(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_html(f"<b>Ontvangen:</b> {' '.join(context.args or [])}")

    app = ApplicationBuilder().token(fake.token).base_url(fake.base_url).build()
    app.add_handler(CommandHandler("vraag", vraag))
    user = fake.user()
    chat = fake.private_chat(user)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=5, poll_interval=0)
        fake.send_message(chat, user, "/vraag hoe nu")
        [answer] = await fake.wait_sent(1, chat["id"])
        assert answer["result"]["text"] == "Ontvangen: hoe nu"
        polls_before = len(fake.calls_to("getUpdates"))
        await asyncio.sleep(1.0)
        assert len(fake.calls_to("getUpdates")) - polls_before <= 2
        await app.updater.stop()
        await app.stop()
    await fake.wait_for(lambda: fake.confirmed_offset > 0, what="the offset confirmation")
    assert fake.failed_calls() == []
