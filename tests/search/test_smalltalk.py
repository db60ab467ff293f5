"""Small talk is recognised before retrieval and never gets a quote; questions around the same words stay questions."""

from __future__ import annotations

import json

import pytest
from engine_support import CONFIG, CORPUS, real_engine

from bot.cli import main
from bot.search.smalltalk import smalltalk


@pytest.mark.parametrize(("message", "kind"), [
    ("hallo allemaal", "greeting"), ("Hoi!", "greeting"), ("goedemorgen", "greeting"),
    ("goeiemorgen!", "greeting"), ("good morning", "greeting"),
    ("hey bot, hoe gaat het?", "greeting"), ("top, dank je!", "thanks"), ("Heel erg bedankt", "thanks"),
    ("thanks a lot!", "thanks"), ("ok", "ack"), ("Oké", "ack"), ("👍", "ack"), ("prima", "ack"),
    ("doei", "bye"), ("tot ziens!", "bye"), ("wie ben jij?", "identity"), ("Who are you?", "identity"),
    ("ben je een bot?", "identity"), ("ben jij een... of een bot?", "identity"),
    ("ben je een echt mens of een robot?", "identity"), ("are you a real person or an AI?", "identity"),
    ("praat ik met een bot?", "identity"), ("who made you", "identity"), ("wie heeft jou gemaakt?", "identity"),
    ("bedankt voor de hulp", "thanks"), ("hoe werkt dit ding eigenlijk", "help"), ("what can u help me with", "help"),
    ("help", "help"), ("wat kun je allemaal?", "help"),
    ("What can you do?", "help"), ("dankjewel, hier kan ik wat mee", "thanks"), ("daar heb ik echt wat aan!", "ack"),
    ("thanks, that helps", "thanks"), ("top, dit helpt", "ack"), ("very helpful, thank you", "thanks"),
])
def test_small_talk_is_recognised_in_dutch_and_english(message: str, kind: str) -> None:
    assert smalltalk(message) == kind


@pytest.mark.parametrize("message", [
    "Hoi, hoe houd ik klanten trouw?", "Help, mijn klant is boos", "Is korting goed?", "bedankt krijgen van klanten",
    "Hoe gaat het met de klantrelatie als ik te laat lever?", "thanks for nothing, why do customers leave?",
    "Wat ging er mis bij Aventeon?", "ok maar wat doe ik als ik mijn belofte niet nakom",
    "ben je een mens die altijd ja zegt tegen klanten?", "are you a robot if you always say yes to customers?",
    "wie heeft de regel van Nash gemaakt?", "hoe werkt de klantrelatie als ik te laat ben", "de klant is boos",
    "kan ik hier wat mee als mijn klant boos is?", "hier kan ik wat mee, maar hoe houd ik klanten trouw?",
    "what helps when a customer is angry?", "dat helpt niet, wat nu?",
])
def test_a_question_with_a_greeting_or_thanks_in_it_is_still_a_question(message: str) -> None:
    assert smalltalk(message) is None


def test_the_engine_answers_small_talk_with_no_passage_even_when_a_word_matches() -> None:
    # "goed" and "top" are words a passage can hold; thanks and greetings must never be quoted.
    for message in ("top, dank je!", "hallo allemaal", "Dank u wel, heel goed!", "ok"):
        answer = real_engine().ask(message)
        assert not answer.answered and answer.reason == "smalltalk" and answer.intent == "smalltalk", message


def test_ask_json_marks_small_talk(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["ask", "--json", "--corpus", str(CORPUS), "--config", str(CONFIG), "hoi!", "Hoe houd ik klanten trouw?"]
    assert main(args) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first == {"question": "hoi!", "answered": False, "intent": "smalltalk", "smalltalk": "greeting",
                     "results": []}
    assert second["intent"] == "question" and second["answered"] is True
