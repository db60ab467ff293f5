"""The author's opponents are never quoted as advice: a view the text sets up to reject comes with the answer."""

from __future__ import annotations

import pytest
from engine_support import real_engine

from bot.search.chunking import chunk_article
from bot.search.quotes import rejected_views, split_sentences
from bot.search.records import Article

VIEW = "U zou uw klanten moeten liefhebben, ze knuffelen en precies doen wat ze van u vragen. Dan komt alles goed."


@pytest.mark.parametrize(("text", "flagged"), [
    (VIEW + " De praktijk blijkt helaas een stuk lastiger.", [0, 1]),
    ("Men zegt dat korting klanten trouw maakt. Niets is minder waar. Korting trekt koopjesjagers.", [0]),
    ("People say the customer is always right. In practice, some customers are wrong.", [0]),
    ("Er wordt vaak gedacht dat een contract genoeg is. Maar vertrouwen bouw je met daden.", [0]),
    # A "moeten" sentence the author means is advice, not a view: no answer follows it.
    ("U zou uw beloftes altijd moeten nakomen. Klanten onthouden elke belofte.", []),
    ("Men zegt dat het druk is. Klanten bellen vaker. Wij nemen meer mensen aan. Dat helpt.", []),
])
def test_views_are_recognised_only_when_the_author_answers_them(text: str, flagged: list[int]) -> None:
    assert sorted(rejected_views(split_sentences(text))) == flagged


def test_a_view_and_the_paragraph_that_answers_it_share_a_chunk() -> None:
    body = VIEW + "\n\nDe praktijk blijkt helaas een stuk lastiger. Hoe hard u ook knuffelt, klanten blijven niet."
    body += "\n\n" + " ".join(["Klanten willen dat u doet wat u belooft en verder niets, zo simpel is het."] * 4)
    chunks = chunk_article(Article(id="x", title="T", body=body))
    first = chunks[0].text
    assert "U zou uw klanten" in first and "De praktijk blijkt" in first


@pytest.mark.parametrize("question", ["Helpt het om klanten te knuffelen?", "moet ik mijn klanten liefhebben",
                                      "Moet ik precies doen wat klanten vragen?", "Should I hug my customers?",
                                      "Should I love my customers?"])
def test_the_mocked_advice_is_never_quoted_alone_and_is_labelled_when_quoted(question: str) -> None:
    for result in real_engine().ask(question).results:
        if "moeten liefhebben" in result.quote:
            assert "De praktijk blijkt" in result.quote, result.quote
            assert result.rebutted and result.kind == "passage"
        else:
            assert not result.rebutted


def test_an_operator_marks_a_view_the_text_does_not_signal() -> None:
    """`<!-- view: rejected -->` above a paragraph: kept with the next paragraph, never quoted alone, labelled."""
    from bot.search.engine import Engine

    body = ("Korting geven is de snelste weg naar trouwe klanten. Wie korting geeft, krijgt loyaliteit terug.\n\n"
            "Dat heb ik zelf twintig jaar gedacht. Tot mijn beste klanten vertrokken naar wie nog goedkoper was.\n\n"
            + " ".join(["Trouw komt van betrouwbaarheid: doe wat je belooft, elke keer weer, ook als het tegenzit."]
                       * 3))
    marked = "<!-- view: rejected -->\n" + body
    plain = Engine([Article(id="k", title="Korting", body=body)])
    engine = Engine([Article(id="k", title="Korting", body=marked)])
    first = engine.chunks[0]
    assert "<!--" not in first.text and "Tot mijn beste klanten" in first.text and first.views == (0,)
    question = "Maakt korting geven klanten trouw?"
    before = plain.ask(question).results[0]
    assert before.quote.startswith("Korting geven") and not before.rebutted  # no text signal: taken as advice
    after = engine.ask(question).results[0]
    assert "Dat heb ik zelf twintig jaar gedacht." in after.quote  # the quote carries on into the answer
    assert after.rebutted and after.kind == "passage"
