"""The engine on the real corpus: grounded verbatim quotes, sources, abstention, limits, and the CLI contract."""

from __future__ import annotations

import json
import re

import pytest
from engine_support import CONFIG, CORPUS, real_engine

from bot.cli import main
from bot.search.engine import Engine
from bot.search.quotes import split_sentences
from bot.search.records import Article
from bot.search.settings import SearchSettings, Synonyms

BODY_WORDS = re.compile(r"\w+")


def _in_text_verbatim(quote: str, text: str) -> bool:
    """Every piece of the quote between ellipses occurs in the chunk text, whitespace-insensitively."""
    flat = " ".join(text.split())
    return all(" ".join(piece.split()) in flat for piece in quote.split("…") if piece.strip())


@pytest.mark.parametrize(
    ("question", "article", "kind", "quote_part"),
    [
        ("Wat willen klanten eigenlijk van mij?", "belangrijkste-regel-zakelijke-relaties", "rule",
         "Doe wat u belooft."),
        ("Wat is de belangrijkste regel in zakelijke relaties?", "belangrijkste-regel-zakelijke-relaties", "rule",
         "profijtelijk voor beide partijen"),
        ("What went wrong at Aventeon?", "opportunist-mensen-kwijt", "case", "mislukten"),
        ("hoe los ik problemen met klanten op", "belangrijkste-regel-zakelijke-relaties", "rule",
         "Los de problemen snel en zonder hoofdpijn voor de klant op."),
    ],
)
def test_answers_quote_the_right_passage(question: str, article: str, kind: str, quote_part: str) -> None:
    answer = real_engine().ask(question)
    assert answer.answered
    top = answer.results[0]
    assert (top.article, top.kind) == (article, kind)
    assert quote_part in top.quote


def test_every_quote_is_verbatim_and_carries_its_source() -> None:
    engine = real_engine()
    for question in ["klanten trouw", "korting", "opportunist", "balans", "waarde", "medewerkers", "deal"]:
        for result in engine.ask(question).results:
            assert _in_text_verbatim(result.quote, result.text), result.quote
            article = engine.articles[result.article]
            assert (result.title, result.author, result.url) == (article.title, article.author, article.url)
            assert result.score > 0


def test_quotes_are_cut_at_sentence_or_word_boundaries() -> None:
    for result in real_engine().ask("Aventeon software investeerder omzet").results:
        core = result.quote.strip("… ")
        assert core[0].isupper() or core[0].isdigit() or core[0] in "“‘'\"", result.quote
        # No word is cut: every word of the quote is a word of the chunk.
        chunk_words = set(BODY_WORDS.findall(result.text))
        assert set(BODY_WORDS.findall(result.quote)) <= chunk_words


@pytest.mark.parametrize(
    "question",
    ["Wat voor weer wordt het morgen?", "Wat is dat?", "", "   ", "Hoeveel burn-out fabrieken zijn er nog?",
     "Een cyber-survivalgids voor managers: hoe ga je om met cyberaanvallen?", "🙂🙂🙂", "<b>hallo</b>",
     # Only a generic verb or adjective in common with the articles (they quoted "Aventeon maakte software",
     # "Maar laat ik u daarmee niet vervelen", "Gewoon omdat u het zo leuk vindt" before stop 10).
     "Hoe maak ik een goede pizza?", "Hoe laat is het?", "Wat vindt u van Trump?", "Is het leuk om te werken?"],
)
def test_abstains_instead_of_quoting_something_loosely_related(question: str) -> None:
    answer = real_engine().ask(question)
    assert not answer.answered
    assert answer.results == ()
    assert answer.reason in {"no-terms", "no-match", "below-threshold", "smalltalk"}


def test_site_chrome_is_never_quoted() -> None:
    engine = real_engine()
    chrome = ["Laatste weblogs", "Over de auteur", "Doorsturen", "Reageer", "Nieuwsbrief", "About the Author",
              "Er zijn nog geen reacties", "publiceerde de volgende boeken", "Maak van de telefoon je vriend"]
    for chunk in engine.chunks:
        for line in chrome:
            assert line not in chunk.text


def test_long_question_is_truncated_and_still_answered() -> None:
    engine = real_engine()
    question = "Hoe houd ik klanten trouw? " + "bla " * 2000
    answer = engine.ask(question)
    assert answer.truncated
    assert len(answer.question) == engine.settings.answer.max_question_chars


def test_near_duplicate_passages_are_shown_once() -> None:
    body = ("## Regels\n\n1. Doe wat u belooft.\n\nDus zeker niet minder en meestal ook niet meer, want klanten "
            "rekenen erop dat u levert wat u zegt.")
    twins = [Article(id=f"kopie{i}", title=f"Kopie {i}", body=body) for i in range(3)]
    other = Article(id="ander", title="Ander", body="## X\n\n" + "Een verhaal over het weer en de zee. " * 5)
    engine = Engine([*twins, other], SearchSettings(), Synonyms())
    results = engine.ask("doe wat u belooft").results
    assert len(results) == 1


def test_synonyms_reach_dutch_articles_from_english() -> None:
    engine = real_engine()
    without = Engine(list(engine.articles.values()), engine.settings, Synonyms())
    assert not without.ask("How do I keep my customers loyal?").answered
    assert engine.ask("How do I keep my customers loyal?").answered


def test_empty_corpus_abstains() -> None:
    engine = Engine([], SearchSettings(), Synonyms())
    assert engine.ask("klanten").reason == "empty-corpus"


def test_cli_json_one_object_per_question_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    questions = ["Wat willen klanten eigenlijk van mij?", "Wat voor weer wordt het morgen?"]
    assert main(["ask", "--json", "--corpus", str(CORPUS), "--config", str(CONFIG), *questions]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    objects = [json.loads(line) for line in lines]
    assert [o["question"] for o in objects] == questions
    assert objects[0]["answered"] is True and objects[1]["answered"] is False
    assert objects[1]["results"] == []
    first = objects[0]["results"][0]
    assert set(first) >= {"article", "title", "author", "url", "kind", "quote", "text", "score"}
    scores = [r["score"] for r in objects[0]["results"]]
    assert all(isinstance(s, float) for s in scores)


def test_cli_readable_answer_names_the_source(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--corpus", str(CORPUS), "--config", str(CONFIG), "Wat ging er mis bij Aventeon?"]) == 0
    out = capsys.readouterr().out
    assert "Casus" in out and "Waarom de opportunist mensen kwijt raakt" in out


@pytest.mark.parametrize("blank", ["", "   ", "\n"])
def test_cli_refuses_an_empty_question_instead_of_answering_it(blank: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--corpus", str(CORPUS), "--config", str(CONFIG), "Wat ging er mis bij Aventeon?",
                 blank]) == 2
    captured = capsys.readouterr()
    assert "question 2 is empty" in captured.err
    assert captured.out == ""  # nothing answered: the first question is not half of a run that failed


def test_a_question_in_the_text_is_not_quoted_as_the_answer() -> None:
    """"Wat doet de opportunist dan zo goed?" covers "opportunist" as well as the definition does, but it is a
    question: the statement wins; and a quote that ends in a question carries on into its answer."""
    engine = real_engine()
    top = engine.ask("Wat is een opportunist?").results[0]
    assert top.quote.rstrip(" …").endswith(".") and "opportunist" in top.quote.casefold()
    for question in ["Wat is een opportunist?", "Wat is convergeren?", "opportunisme", "Waarom haken mensen af?"]:
        for result in engine.ask(question).results:
            # Ending in "?" and then "…" would be a question cut off from the answer that follows it.
            assert not (result.quote.endswith("…") and result.quote.rstrip(" …").endswith("?")), result.quote


def test_an_ellipsis_inside_a_sentence_does_not_cut_the_quote() -> None:
    article = Article(id="stemming", title="Onderhandelen op het juiste moment", author="Test", body=(
        "Goede verkopers hebben met eh… onderhandelen hetzelfde als met hun humeur: het moment telt. Onderhandel "
        "alleen als je er zin in hebt, dan gaat het beter. Dus… Wacht op een goed moment.\n"))
    engine = Engine([article], SearchSettings(), Synonyms())
    quotes = [r.quote for r in engine.ask("Wanneer moet je onderhandelen?").results]
    assert quotes and all("onderhandelen hetzelfde" not in q or "Goede verkopers hebben met eh…" in q for q in quotes)
    assert not any(q.startswith("… onderhandelen") for q in quotes)  # the fragment the operator saw
    assert split_sentences("Dus… Wacht op een goed moment.")[0].text == "Dus…"  # before a capital it still ends


def test_a_rule_label_needs_the_rule_in_the_quote() -> None:
    """A rule chunk holds the rule and its explanation; quoting only the explanation ("Hij noemt dit het equilibrium
    van Nash.") under "Regel" presented a remark as a rule."""
    engine = real_engine()
    nash = engine.ask("Wat is het equilibrium van Nash?").results[0]
    assert "Nash" in nash.quote and nash.kind == "passage"
    rule = engine.ask("Wat willen klanten eigenlijk van mij?").results[0]
    assert "Doe wat u belooft." in rule.quote and rule.kind == "rule"


@pytest.mark.parametrize("gap", ["\n", "\n\n"])
def test_an_operators_rule_marker_labels_every_quote_of_it_a_rule(gap: str) -> None:
    body = (f"<!-- kind: rule -->{gap}Klanten blijven wanneer u levert wat u afspreekt, ook als het tegenzit. "
            "Zo bouwt u een relatie die jaren meegaat.\n")
    engine = Engine([Article("eigen", "Eigen regels", body)], SearchSettings(), Synonyms())
    result = engine.ask("Hoe bouw ik een relatie die jaren meegaat?").results[0]
    assert result.kind == "rule"
    assert "kind" not in result.text and "<!--" not in result.quote  # the marker is never part of the text


def test_the_second_rule_of_a_numbered_pair_comes_right_after_the_first() -> None:
    """"Klanten willen maar twee dingen van u: 1. Doe wat u belooft." and rule 2 are two chunks; rule 2 used to come
    eighth, so "Meer" showed unrelated passages before the other half of the answer."""
    results = real_engine().ask("Wat willen klanten eigenlijk van mij?").results
    assert "Doe wat u belooft." in results[0].quote
    assert "Los de problemen snel" in results[1].quote
    assert (results[1].kind, results[1].article) == ("rule", results[0].article)


def test_list_follow_up_is_only_moved_never_added() -> None:
    """A continuation that does not pass the coverage test stays out: keeping a list together must not smuggle in a
    passage the question does not match."""
    body = ("## Regels\n\nOver leveranciers zijn twee dingen te zeggen:\n\n1. Betaal leveranciers op tijd.\n\n"
            "Dat klinkt eenvoudig, maar het gebeurt te weinig en kost vertrouwen bij partners.\n\n"
            "## Meer\n\n2. Bel bij twijfel altijd eerst de ander, voordat u een mail stuurt of een brief schrijft.\n")
    engine = Engine([Article("lijst", "Lijst", body)], SearchSettings(), Synonyms())
    answer = engine.ask("Wanneer betaal ik leveranciers?")
    assert answer.answered
    assert all("Bel bij twijfel" not in r.quote for r in answer.results)


def test_a_typo_of_a_word_only_the_synonyms_know_is_fixed_too() -> None:
    """"trouw" is not in the articles, only in synonyms.yaml (it leads to "loyaal"): "troew" used to abstain while
    the same question spelled right was answered."""
    engine = real_engine()
    typo = engine.ask("hoe houd ik mijn klanten troew")
    right = engine.ask("hoe houd ik mijn klanten trouw")
    assert typo.answered and right.answered
    assert typo.results[0].quote == right.results[0].quote


def test_a_separable_verb_is_read_as_one_word() -> None:
    """"Hoe hou ik personeel vast?" means "vasthouden" (a synonym of "binden"); read as "hou" and "vast" it found
    nothing. The particle is part of the verb, not a question word of its own."""
    engine = real_engine()
    groups = engine.queries.groups("Hoe hou ik personeel vast?")
    assert [g.word for g in groups] == ["hou", "personeel"]
    assert "vasthouden" in groups[0].terms[: groups[0].primary]
    answer = engine.ask("Hoe hou ik personeel vast?")
    # Through "vasthouden" and its synonyms: "bindt" or "loyaal" (the two are a near tie on BM25).
    assert answer.answered and ("bind" in answer.results[0].quote or "loyaal" in answer.results[0].quote)
    assert "afhaken" in engine.ask("Waarom haken mensen af?").results[0].quote


def test_the_list_continuation_follows_only_a_quote_that_holds_the_list_item() -> None:
    """"Wat vinden klanten belangrijk?" quotes a sentence of the rule-1 chunk that is not rule 1; rule 2 right after
    it would continue a list the user has not seen."""
    results = real_engine().ask("Wat vinden klanten belangrijk?").results
    first_two = " ".join(r.quote for r in results[:2])
    assert "Doe wat u belooft" in first_two or "Los de problemen snel" not in first_two
