"""Property-based tests: no question and no article text can make the engine fail or quote something unverbatim."""

from __future__ import annotations

from engine_support import real_engine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.search.analysis import analyse, normalise
from bot.search.chunking import MAX_WORDS, chunk_article
from bot.search.engine import Engine
from bot.search.quotes import ELLIPSIS, select_quote
from bot.search.records import Article
from bot.search.settings import SearchSettings, Synonyms

NASTY = st.sampled_from([
    "", " ", "\u200b", "\u200e\u202e", "\u00a0", "🙂", "👍🏽", "<b>", "</blockquote>", "&amp;", "<script>x</script>",
    "**vet**", "_", "`code`", "[link](http://x)", "\x00", "\x1b[31m", "\r\n", "\t", "ﬁ", "İ", "ß", "é", "1.", "- ",
    "klanten", "Doe wat u belooft.", "Aventeon", ":", "…", "?", "!", "’", "“",
])
QUESTIONS = st.one_of(
    st.text(max_size=300),
    st.lists(NASTY, max_size=40).map("".join),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=3000, max_size=5000),
)
BODIES = st.lists(st.one_of(st.text(max_size=200), NASTY), min_size=1, max_size=30).map("\n".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(QUESTIONS)
def test_any_question_returns_without_error(question: str) -> None:
    engine = real_engine()
    answer = engine.ask(question)
    assert len(answer.question) <= engine.settings.answer.max_question_chars
    assert answer.truncated == (len(question) > engine.settings.answer.max_question_chars)
    for result in answer.results:
        assert result.quote.strip()
        assert len(result.quote) <= engine.settings.answer.quote_max_chars + 4


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=500))
def test_analysis_is_stable_and_idempotent_under_normalisation(text: str) -> None:
    assert analyse(text) == analyse(normalise(text))
    assert all(term and " " not in term for term in analyse(text))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BODIES, QUESTIONS)
def test_any_article_chunks_and_quotes_verbatim(body: str, question: str) -> None:
    article = Article(id="x", title="Titel", body=body)
    chunks = chunk_article(article)
    for chunk in chunks:
        assert chunk.text.strip()
        # A chunk may exceed MAX_WORDS only when one sentence alone is longer than that.
        if len(chunk.text.split()) > MAX_WORDS:
            assert "\n\n" not in chunk.text
    engine = Engine([article], SearchSettings(), Synonyms())
    for result in engine.ask(question).results:
        for piece in result.quote.split(ELLIPSIS):
            assert " ".join(piece.split()) in " ".join(result.text.split())


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=2000), st.dictionaries(st.text(max_size=8), st.floats(0, 10), max_size=5))
def test_quote_never_cuts_inside_a_word(text: str, weights: dict[str, float]) -> None:
    quote = select_quote(text, [weights], analyse, max_chars=120)
    flat = " ".join(text.split())
    for piece in quote.split(ELLIPSIS):
        piece = " ".join(piece.split())
        if not piece:
            continue
        assert piece in flat
        start = flat.index(piece)
        end = start + len(piece)
        # The quote's edges are word edges in the source text.
        assert start == 0 or not (flat[start - 1].isalnum() and flat[start].isalnum())
        assert end == len(flat) or not (flat[end - 1].isalnum() and flat[end].isalnum())
