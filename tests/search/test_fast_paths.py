"""The fast paths give the same results as the plain implementations they replaced, bit for bit.

Each reference below is the straightforward code the engine used before it was made fast enough for 100k chunks;
the fast code must not change a ranking, a score, a quote or a version string.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import random
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pytest
from engine_support import CONFIG, CORPUS

from bot.search import analysis, scheduling
from bot.search import index as index_module
from bot.search.analysis import CompoundSplitter, analyse_corpus, content_words, normalise, term
from bot.search.chunking import chunk_article
from bot.search.engine import Engine
from bot.search.index import BM25Index, BM25Params
from bot.search.query import MIN_TYPO_LENGTH, QueryAnalyzer, _within_one_edit
from bot.search.quotes import _cut, _is_question, finish_window, select_quote, split_sentences
from bot.search.settings import describe

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load(CORPUS, CONFIG)


def _index_texts(engine: Engine) -> list[str]:
    return [engine._index_text(c) for a in engine.articles.values() for c in chunk_article(a)]


# --- analysis and index build ----------------------------------------------------------------------------------


@pytest.mark.parametrize("block", [1 << 20, 7])
def test_corpus_analysis_builds_the_index_string_documents_build(engine: Engine, block: int,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analysis, "_BLOCK", block)  # 7: many blocks, as at 100k chunks
    texts = _index_texts(engine)
    surface = [content_words(t) for t in texts]
    splitter = CompoundSplitter({w for words in surface for w in words})
    documents = [d for d in (splitter.terms(words) for words in surface) if d]
    reference = BM25Index(documents)

    corpus = analyse_corpus(texts)
    keep = corpus.lengths > 0
    fast = BM25Index.from_tokens(corpus.tokens, corpus.lengths[keep], corpus.terms)
    assert corpus.terms == list(reference.vocab)  # same term ids, in order of first occurrence
    assert np.array_equal(fast.doc_len, reference.doc_len)
    assert fast.idf.tobytes() == reference.idf.tobytes()
    for t in range(len(corpus.terms)):
        docs, gains = fast.postings(t)
        ref_docs, ref_gains = reference.postings(t)
        assert np.array_equal(docs, ref_docs) and gains.tobytes() == ref_gains.tobytes()
    for text in texts[:50]:
        assert corpus.lexicon.analyse(text) == splitter.terms(content_words(text))
        for sentence in split_sentences(text):
            assert corpus.lexicon.analyse(sentence.text) == splitter.terms(content_words(sentence.text))
    unknown = "Onbekende klantrelatiesoftware 2024 de xyzzy"
    assert corpus.lexicon.analyse(unknown) == splitter.terms(content_words(unknown))


def _reference_gains(docs: list[list[str]], params: BM25Params) -> tuple[dict[str, int], dict[int, dict[int, float]]]:
    """The contributions as the old index computed them: one formula over every posting at build time."""
    plain = BM25Index(docs, params)
    n, avgdl, p = plain.size, plain.avgdl, params
    out: dict[int, dict[int, float]] = {}
    for d, doc in enumerate(docs):
        for word in set(doc):
            t = plain.vocab[word]
            tf = np.array([float(doc.count(word))])
            dl = np.array([len(doc)], dtype=np.int64)
            idf = plain.idf[t]
            if p.variant == "okapi":
                w = idf * (tf * (p.k1 + 1) / (tf + p.k1 * (1 - p.b + p.b * dl / avgdl)))
            elif p.variant == "l":
                ctd = tf / (1 - p.b + p.b * dl / avgdl)
                w = idf * tf * (p.k1 + 1) * (ctd + p.delta) / (p.k1 + ctd + p.delta)
            else:
                w = idf * (p.delta + (tf * (p.k1 + 1)) / (p.k1 * (1 - p.b + p.b * dl / avgdl) + tf))
            out.setdefault(t, {})[d] = float((w - plain.absent[t])[0])
    assert n == len(docs)
    return dict(plain.vocab), out


@pytest.mark.parametrize("variant", ["okapi", "plus", "l"])
@pytest.mark.parametrize(("page", "stored_above"), [(1 << 16, 2_000), (16, 0), (7, 10)])
def test_paged_ids_and_gains_computed_on_demand_match_the_build_time_formula(
        variant: str, page: int, stored_above: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, "_PAGE", page)  # small pages: many 64k-style boundaries on a small corpus
    monkeypatch.setattr(index_module, "STORED_GAINS_ABOVE", stored_above)
    rng = random.Random(5)
    words = [f"w{i}" for i in range(60)]
    docs = [rng.choices(words, [1 / (i + 1) for i in range(60)], k=rng.randint(1, 30)) for _ in range(400)]
    params = BM25Params(variant=variant)  # type: ignore[arg-type]
    vocab, expected = _reference_gains(docs, params)
    index = BM25Index(docs, params)
    for word, t in vocab.items():
        ids, gains = index.postings(t)
        assert ids.tolist() == sorted(expected[t])
        assert gains.tolist() == [expected[t][d] for d in ids.tolist()]
        assert index.contains(word).tolist() == ids.tolist()
    # Accumulation: the same additions, in token order, as a bincount over the concatenated postings.
    for _ in range(30):
        query = rng.choices(words, k=rng.randint(2, 8))
        ids = index.term_ids(query)
        all_docs = np.concatenate([index.postings(t)[0] for t in ids])
        all_gains = np.concatenate([index.postings(t)[1] for t in ids])
        unique, inverse = np.unique(all_docs, return_inverse=True)
        reference = np.bincount(inverse, weights=all_gains, minlength=len(unique))
        found, scores = index.match_scores(query)
        assert found.tolist() == unique.tolist() and scores.tobytes() == reference.tobytes()


def test_top_k_from_a_sampled_floor_equals_a_full_selection() -> None:
    rng = np.random.default_rng(3)
    docs = [[f"t{j}" for j in rng.integers(0, 5, 3)] for _ in range(5_000)]  # ~all chunks match, many ties
    index = BM25Index(docs)
    for query in (["t0"], ["t0", "t1"], ["t1", "t2", "t3", "t4", "t0", "t0"]):
        for k in (1, 5, 30):
            found, gains = index.match_scores(query)
            kth = gains[np.argpartition(-gains, k - 1)[k - 1]]
            keep = gains >= kth
            order = np.lexsort((found[keep], -gains[keep]))[:k]
            base = index.constant(query)
            expected = [(int(found[keep][i]), float(gains[keep][i] + base)) for i in order]
            assert index.top(query, k) == expected


# --- questions ---------------------------------------------------------------------------------------------------


def _old_correct(corpus_words: list[str], word: str) -> str | None:
    """The symmetric-delete table the engine used to precompute over the whole vocabulary."""
    def deletes(w: str) -> set[str]:
        return {w[:i] + w[i + 1 :] for i in range(len(w))}

    if len(word) < MIN_TYPO_LENGTH:
        return None
    table: dict[str, set[str]] = {}
    for w in corpus_words:
        if len(w) >= MIN_TYPO_LENGTH:
            for key in deletes(w) | {w}:
                table.setdefault(key, set()).add(w)
    candidates: set[str] = set()
    for key in deletes(word) | {word}:
        candidates |= table.get(key, set())
    candidates = {c for c in candidates if _within_one_edit(word, c)}
    if not candidates:
        return None
    return min(candidates) if len({term(c) for c in candidates}) == 1 else None


def test_typo_fixes_without_the_table_are_the_same(engine: Engine) -> None:
    vocabulary = sorted(engine.lexicon.whole)
    analyzer = QueryAnalyzer(vocabulary, engine.synonyms, engine.splitter)
    rng = random.Random(11)
    letters = string.ascii_lowercase + "ëé"
    samples = [w for w in vocabulary if len(w) >= MIN_TYPO_LENGTH - 1]
    for _ in range(300):
        w = list(rng.choice(samples))
        i = rng.randrange(len(w))
        edit = rng.choice(["delete", "insert", "substitute", "swap"])
        if edit == "delete" and len(w) > 1:
            del w[i]
        elif edit == "insert":
            w.insert(i, rng.choice(letters))
        elif edit == "substitute":
            w[i] = rng.choice(letters)
        elif i + 1 < len(w):
            w[i], w[i + 1] = w[i + 1], w[i]
        typo = "".join(w)
        assert analyzer.correct(typo) == _old_correct(vocabulary, typo), typo


def test_ascii_normalisation_shortcut_equals_the_full_path() -> None:
    import unicodedata

    def full(text: str) -> str:
        folded = unicodedata.normalize("NFKC", text).translate(analysis._ZERO_WIDTH).translate(analysis._QUOTES)
        return folded.casefold()

    rng = random.Random(2)
    for _ in range(200):
        text = "".join(rng.choice(string.printable) for _ in range(rng.randint(0, 40)))
        assert normalise(text) == full(text)
    assert normalise("".join(map(chr, range(128)))) == full("".join(map(chr, range(128))))


# The quote selection as it was: each window scored on the union of its sentences' terms.
def _old_select_quote(
    chunk_text: str,
    groups: Sequence[Mapping[str, float]],
    analyse: Callable[[str], Iterable[str]],
    max_chars: int = 400,
    max_sentences: int = 3,
    min_sentences: int = 1,
) -> str:
    """The shortest window of consecutive sentences (within one paragraph) that best covers the question.

    `groups` holds, per question word, the weight (IDF) of each of its terms (the word, its synonyms, parts); a window
    scores the sum over words of the best weight it contains, so synonyms of one word are not counted twice.
    `min_sentences` lets a case quote carry on with the sentences that follow, so the story stays readable.
    """
    sentences = split_sentences(chunk_text)
    if not sentences:
        return _cut(chunk_text.strip(), max_chars)
    terms = [set(analyse(s.text)) for s in sentences]

    def score(found: set[str]) -> float:
        return sum(max((w for t, w in group.items() if t in found), default=0.0) for group in groups)

    best: tuple[float, int, int] = (-1.0, 0, 0)
    best_len = 0
    best_statement = False
    for lo in range(len(sentences)):
        found: set[str] = set()
        length = -1
        for hi in range(lo, min(lo + max_sentences, len(sentences))):
            if sentences[hi].paragraph != sentences[lo].paragraph:
                break
            length += 1 + len(sentences[hi].text)
            if length > max_chars and hi > lo:
                break
            found |= terms[hi]
            value = score(found)
            # Equal cover: a window that ends in a statement beats one that ends in a question (which the chunk may
            # not answer), then the shorter one.
            statement = not _is_question(sentences[hi].text)
            if value > best[0] or (value == best[0] and (statement, -length) > (best_statement, -best_len)):
                best, best_len, best_statement = (value, lo, hi), length, statement
    _, lo, hi = best
    # What happens after the window is chosen is shared: this test is about choosing it.
    return finish_window(chunk_text, sentences, lo, hi, best_len, max_chars, min_sentences)


def test_quote_windows_combined_per_sentence_are_the_same(engine: Engine) -> None:
    rng = random.Random(4)
    chunks = list(engine.chunks)
    for _ in range(300):
        chunk = rng.choice(chunks)
        terms = engine.analyse_text(chunk.text) or ["klant"]
        groups = [{t: rng.choice([0.1, 0.7, 1.3, 2.5]) for t in rng.sample(terms, min(len(terms), 3))}
                  for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.2:
            groups.append({"nergens": 1.0})
        for min_sentences in (1, 3):
            assert select_quote(chunk.text, groups, engine.analyse_text, 400, min_sentences=min_sentences) == \
                _old_select_quote(chunk.text, groups, engine.analyse_text, 400, min_sentences=min_sentences)


# --- engine: chunks, version, cache ------------------------------------------------------------------------------


def test_chunk_store_gives_the_chunks_back(engine: Engine) -> None:
    expected = [c for a in engine.articles.values() for c in chunk_article(a)]
    assert list(engine.chunks) == expected
    assert engine.chunks[-1] == expected[-1] and engine.chunks[1:3] == expected[1:3]
    for article in engine.articles.values():
        assert engine.article_chunks(article.id) == [c for c in expected if c.article_id == article.id]
    assert engine.article_chunks("no-such-article") == []
    again = pickle.loads(pickle.dumps(engine, protocol=pickle.HIGHEST_PROTOCOL))
    assert list(again.chunks) == expected
    assert again.ask("Hoe houd ik klanten trouw?") == engine.ask("Hoe houd ik klanten trouw?")


def test_version_is_the_digest_of_one_json_document(engine: Engine) -> None:
    articles = list(engine.articles.values())
    payload = {
        "articles": [[a.id, a.title, a.author, a.date, a.url, a.body, sorted(a.section_kinds.items())]
                     for a in articles],
        "settings": describe(engine.settings),
        "synonyms": [list(engine.synonyms.groups), sorted(engine.synonyms.translations.items())],
    }
    expected = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:12]
    assert engine.version == expected
    assert Engine([]).version == hashlib.sha256(json.dumps(
        {"articles": [], "settings": describe(Engine([]).settings), "synonyms": [[], []]},
        sort_keys=True, default=str).encode()).hexdigest()[:12]


def test_questions_first_lets_a_build_wait_and_never_forever() -> None:
    import threading
    import time

    gate = scheduling.QuestionsFirst()
    gate.MAX_PAUSE_S = 0.2
    gate.MIN_RUN_S = 0.0
    waited: list[float] = []

    def build() -> None:
        started = time.perf_counter()
        gate.checkpoint()
        waited.append(time.perf_counter() - started)

    with gate.question():
        worker = threading.Thread(target=build)
        worker.start()
        time.sleep(0.05)
        assert not waited  # paused while the question is answered
    worker.join(1)
    assert waited and waited[0] < 0.2
    with gate.question():  # a question that never ends only delays the build by MAX_PAUSE_S
        started = time.perf_counter()
        gate.checkpoint()
        assert 0.15 < time.perf_counter() - started < 1
