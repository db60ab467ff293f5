"""Routing decisions on real python-telegram-bot objects: when the bot answers, and what the question is."""

from __future__ import annotations

import datetime as dt

import pytest
from telegram import Chat, Message, MessageEntity, User

from bot.telegram.routing import Route, command_question, is_reply_to_bot, language_of, mentions_bot, route_text

BOT_ID = 777
BOT_NAME = "RelatieBot"
BOT = User(BOT_ID, "Relatie", is_bot=True, username=BOT_NAME)
ANNA = User(1, "Anna", is_bot=False, username="anna_nl", language_code="nl")
BERT = User(2, "Bert", is_bot=False, username="bert_nl")
PRIVATE = Chat(1, Chat.PRIVATE)
GROUP = Chat(-100123, Chat.SUPERGROUP, title="Team")
NOW = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)

_next_id = iter(range(1000, 100_000))


def utf16_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def entity_for(text: str, piece: str, kind: str, user: User | None = None) -> MessageEntity:
    """An entity over the first occurrence of `piece`, with UTF-16 offsets as Telegram sends them."""
    index = text.index(piece)
    return MessageEntity(kind, utf16_offset(text, index), utf16_len(piece), user=user)


def message(text: str, *, chat: Chat = GROUP, sender: User = ANNA, entities: list[MessageEntity] | None = None,
            reply_to: Message | None = None, thread: int | None = None, topic: bool = False,
            message_id: int | None = None, caption: bool = False) -> Message:
    ident = message_id if message_id is not None else next(_next_id)
    if caption:
        return Message(ident, NOW, chat, from_user=sender, caption=text, caption_entities=entities,
                       reply_to_message=reply_to, message_thread_id=thread, is_topic_message=topic or None)
    return Message(ident, NOW, chat, from_user=sender, text=text, entities=entities, reply_to_message=reply_to,
                   message_thread_id=thread, is_topic_message=topic or None)


def mention(text: str, name: str = "@" + BOT_NAME) -> Message:
    return message(text, entities=[entity_for(text, name, MessageEntity.MENTION)])


# --- private chats and group chatter --------------------------------------------------------------------------------

def test_private_text_is_a_question_as_typed() -> None:
    msg = message("  Hoe houd ik klanten trouw?  ", chat=PRIVATE)
    assert route_text(msg, BOT_NAME, BOT_ID) == Route("Hoe houd ik klanten trouw?", "private")


def test_empty_private_text_is_not_a_question() -> None:
    assert route_text(message("   ", chat=PRIVATE), BOT_NAME, BOT_ID) is None


def test_group_chatter_without_address_is_ignored() -> None:
    assert route_text(message("Hoe houd ik klanten trouw?"), BOT_NAME, BOT_ID) is None


def test_group_text_naming_the_bot_without_an_entity_is_ignored() -> None:
    # Telegram marks real mentions with an entity; the bare word in a sentence is not an address.
    assert route_text(message("de relatiebot weet dat vast"), BOT_NAME, BOT_ID) is None


# --- mentions -------------------------------------------------------------------------------------------------------

def test_mention_of_the_bot_is_a_question_without_the_mention() -> None:
    msg = mention("@RelatieBot hoe houd ik klanten trouw?")
    assert route_text(msg, BOT_NAME, BOT_ID) == Route("hoe houd ik klanten trouw?", "mention")


def test_mention_is_case_insensitive() -> None:
    msg = mention("Wat is een goede relatie @relatiebot ?", "@relatiebot")
    assert mentions_bot(msg, BOT_NAME, BOT_ID)
    assert route_text(msg, BOT_NAME, BOT_ID) == Route("Wat is een goede relatie ?", "mention")


def test_mention_in_the_middle_keeps_the_words_around_it() -> None:
    msg = mention("vraag: @RelatieBot wat ging er mis bij Aventeon")
    assert route_text(msg, BOT_NAME, BOT_ID) == Route("vraag: wat ging er mis bij Aventeon", "mention")


def test_mention_of_another_user_is_ignored() -> None:
    msg = mention("@anna_nl hoe houd ik klanten trouw?", "@anna_nl")
    assert not mentions_bot(msg, BOT_NAME, BOT_ID)
    assert route_text(msg, BOT_NAME, BOT_ID) is None


def test_mention_of_a_longer_name_starting_with_the_bots_is_ignored() -> None:
    msg = mention("@RelatieBotje hoe houd ik klanten trouw?", "@RelatieBotje")
    assert route_text(msg, BOT_NAME, BOT_ID) is None


def test_text_mention_with_the_bots_user_id_is_an_address() -> None:
    text = "Relatie hoe houd ik klanten trouw?"
    msg = message(text, entities=[entity_for(text, "Relatie", MessageEntity.TEXT_MENTION, user=BOT)])
    assert mentions_bot(msg, BOT_NAME, BOT_ID)
    route = route_text(msg, BOT_NAME, BOT_ID)
    assert route is not None and route.reason == "mention"
    assert route.question == text


def test_text_mention_of_someone_else_is_ignored() -> None:
    text = "Bert hoe houd ik klanten trouw?"
    msg = message(text, entities=[entity_for(text, "Bert", MessageEntity.TEXT_MENTION, user=BERT)])
    assert route_text(msg, BOT_NAME, BOT_ID) is None


def test_mention_after_emoji_uses_utf16_offsets() -> None:
    # Each 😀 is two UTF-16 units: offsets counted in code points would point two characters too early.
    text = "😀😀 @RelatieBot hoe houd ik klanten trouw?"
    entity = entity_for(text, "@RelatieBot", MessageEntity.MENTION)
    assert entity.offset == 5  # 2 + 2 + 1 space, not 3
    msg = message(text, entities=[entity])
    assert mentions_bot(msg, BOT_NAME, BOT_ID)
    assert route_text(msg, BOT_NAME, BOT_ID) == Route("😀😀 hoe houd ik klanten trouw?", "mention")


def test_mention_in_a_caption_is_found() -> None:
    text = "👍🏽 @RelatieBot wat zegt deze foto over klanttrouw?"
    msg = message(text, entities=[entity_for(text, "@RelatieBot", MessageEntity.MENTION)], caption=True)
    assert route_text(msg, BOT_NAME, BOT_ID) == Route("👍🏽 wat zegt deze foto over klanttrouw?", "mention")


# --- replies --------------------------------------------------------------------------------------------------------

def test_reply_to_the_bot_is_a_question() -> None:
    answer = message("Regel: doe wat u belooft.", sender=BOT)
    msg = message("En bij leveranciers?", reply_to=answer)
    assert is_reply_to_bot(msg, BOT_ID)
    assert route_text(msg, BOT_NAME, BOT_ID) == Route("En bij leveranciers?", "reply")


def test_reply_to_someone_else_is_ignored() -> None:
    colleague = message("Ik denk dat we ze vaker moeten bellen.", sender=BERT)
    msg = message("Hoe houd ik klanten trouw?", reply_to=colleague)
    assert not is_reply_to_bot(msg, BOT_ID)
    assert route_text(msg, BOT_NAME, BOT_ID) is None


def test_forum_topic_started_by_the_bot_is_not_a_reply_to_the_bot() -> None:
    # In a forum topic every message carries the topic's first message as reply_to_message.
    topic_start = message("Vragen over klanten", sender=BOT, message_id=50, thread=50, topic=True)
    msg = message("Hoe houd ik klanten trouw?", reply_to=topic_start, thread=50, topic=True)
    assert not is_reply_to_bot(msg, BOT_ID)
    assert route_text(msg, BOT_NAME, BOT_ID) is None


def test_real_reply_to_the_bot_inside_a_forum_topic_is_a_question() -> None:
    answer = message("Regel: doe wat u belooft.", sender=BOT, message_id=60, thread=50, topic=True)
    msg = message("En bij leveranciers?", reply_to=answer, thread=50, topic=True)
    assert route_text(msg, BOT_NAME, BOT_ID) == Route("En bij leveranciers?", "reply")


# --- commands -------------------------------------------------------------------------------------------------------

def command(text: str, reply_to: Message | None = None, thread: int | None = None, topic: bool = False) -> Message:
    name = text.split(maxsplit=1)[0]
    return message(text, entities=[MessageEntity(MessageEntity.BOT_COMMAND, 0, utf16_len(name))], reply_to=reply_to,
                   thread=thread, topic=topic)


def test_command_with_bot_name_gives_the_words_after_it() -> None:
    assert command_question(command("/vraag@RelatieBot Hoe houd ik klanten trouw?"), BOT_ID) == \
        "Hoe houd ik klanten trouw?"


def test_command_question_after_an_emoji_keeps_the_whole_question() -> None:
    assert command_question(command("/vraag 😀 Hoe houd ik klanten trouw?"), BOT_ID) == "😀 Hoe houd ik klanten trouw?"


def test_command_replying_to_a_colleague_answers_the_colleagues_text() -> None:
    colleague = message("  Wat ging er mis bij Aventeon?  ", sender=BERT)
    assert command_question(command("/vraag", reply_to=colleague), BOT_ID) == "Wat ging er mis bij Aventeon?"


def test_command_replying_to_the_bot_has_no_question() -> None:
    answer = message("Regel: doe wat u belooft.", sender=BOT)
    assert command_question(command("/vraag@RelatieBot", reply_to=answer), BOT_ID) == ""


def test_command_alone_has_no_question() -> None:
    assert command_question(command("/vraag"), BOT_ID) == ""
    assert command_question(command("/vraag@RelatieBot   "), BOT_ID) == ""


def test_command_in_a_forum_topic_does_not_quote_the_topic_title() -> None:
    topic_start = message("Vragen over klanten", sender=BERT, message_id=70, thread=70, topic=True)
    assert command_question(command("/vraag", reply_to=topic_start, thread=70, topic=True), BOT_ID) == ""


# --- language -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "expected"), [
    ("en-GB", "en"), ("en", "en"), ("EN-us", "en"), (None, "nl"), ("", "nl"), ("de", "nl"), ("nl", "nl"),
    ("fr", "nl"),
])
def test_language_of(code: str | None, expected: str) -> None:
    assert language_of(code) == expected
