"""When the engine declines a question, it names the articles whose passages came closest (`Answer.nearby`): a
pointer the user can tap, never a quote (bot/search/engine.py `_nearby`, README "When nothing fits")."""

from __future__ import annotations

from pathlib import Path

from engine_support import CONFIG, CORPUS, FIXTURES, with_semantic_settings

from bot.evaluation import load_engine
from bot.search.engine import NEARBY_ARTICLES

MULTI = FIXTURES / "multi_corpus"


def test_a_declined_question_names_the_articles_that_came_closest(fixture_embeddings: Path) -> None:
    # min_confidence 1: nothing is quoted, so every question shows what a declined one gets
    engine = with_semantic_settings(load_engine(MULTI, CONFIG, "on", fixture_embeddings), min_confidence=1.0)
    expected = {
        "Hoe handel ik een klacht van een klant snel af?": "klachten-afhandelen-snelheid",
        "Mag ik nee zeggen als een klant iets onredelijks vraagt?": "nee-zeggen-tegen-een-klant",
        "How do I follow up with a prospect without being pushy?": "b2b-follow-up-without-chasing",
    }
    for question, article in expected.items():
        answer = engine.ask(question)
        assert not answer.answered and answer.reason == "below-threshold", question
        ids = [n.article for n in answer.nearby]
        assert article in ids, (question, ids)
        assert 1 <= len(ids) <= NEARBY_ARTICLES and len(set(ids)) == len(ids)
        confidences = [n.confidence for n in answer.nearby]
        assert confidences == sorted(confidences, reverse=True)
        assert min(confidences) >= engine.settings.semantic.more_confidence
        assert all(n.title == engine.articles[n.article].title for n in answer.nearby)
        listed = answer.as_json()["nearby"]
        assert isinstance(listed, list) and [item["article"] for item in listed] == ids
        assert answer.as_json()["results"] == [] and answer.as_json()["answered"] is False


def test_an_article_is_named_only_when_a_passage_of_it_reaches_more_confidence(fixture_embeddings: Path) -> None:
    base = load_engine(MULTI, CONFIG, "on", fixture_embeddings)
    question = "Hoe handel ik een klacht van een klant snel af?"
    loose = with_semantic_settings(base, min_confidence=1.0, more_confidence=0.0).ask(question).nearby
    assert len(loose) == NEARBY_ARTICLES  # at bar 0 every candidate's article counts: the list is capped
    bar = (loose[0].confidence + loose[1].confidence) / 2
    named = with_semantic_settings(base, min_confidence=1.0, more_confidence=bar).ask(question).nearby
    assert [n.article for n in named] == [loose[0].article]
    none = with_semantic_settings(base, min_confidence=1.0, more_confidence=1.0).ask(question)
    assert not none.answered and none.nearby == () and "nearby" not in none.as_json()


def test_an_answer_and_a_lexical_engine_name_no_nearby_articles(fixture_embeddings: Path) -> None:
    engine = load_engine(CORPUS, CONFIG, "on", fixture_embeddings)
    answered = engine.ask("Wat ging er mis bij Aventeon?")
    assert answered.answered and answered.nearby == () and "nearby" not in answered.as_json()
    assert engine.ask("hallo allemaal").nearby == ()  # small talk is no question
    lexical = load_engine(CORPUS, CONFIG, "off")
    declined = lexical.ask("Welke cover past bij mijn telefoon voor op vakantie?")
    assert not declined.answered and declined.nearby == ()
