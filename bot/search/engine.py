"""The answer engine: articles -> chunks -> BM25 index -> grounded answers. Knows nothing about Telegram.

An `Engine` is immutable once built; a corpus or config change builds a new one, which the caller swaps in.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections.abc import Iterator, Sequence
from copy import copy
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bot.problems import Problem
from bot.search.analysis import analyse_corpus, jaccard
from bot.search.articles import load_articles
from bot.search.chunking import ChunkStore, chunk_article, rule_statements
from bot.search.confidence import FEATURES, MODEL_CANDIDATES, AnswerModel, ChunkFacts, Lexical, answer_model, features
from bot.search.examples import Example, Taught, load_examples, resolve
from bot.search.gc_policy import gc_paused
from bot.search.index import BM25Index
from bot.search.query import QueryAnalyzer, QueryGroup
from bot.search.quotes import ELLIPSIS, quote_rebuts_a_view, select_quote
from bot.search.records import Answer, Article, Chunk, Kind, Nearby, Result
from bot.search.scheduling import questions_first
from bot.search.semantic import (
    EmbeddingStore,
    Progress,
    SemanticIndex,
    embed_passages,
    embed_questions,
    embedder,
)
from bot.search.settings import (
    SearchSettings,
    SemanticSettings,
    Synonyms,
    describe,
    load_search_settings,
    load_synonyms,
)
from bot.search.smalltalk import smalltalk

log = logging.getLogger(__name__)

CANDIDATES = 30  # chunks ranked before abstention and duplicate filtering pick the ones to show
# Articles named when the engine declines: a short list a user can scan on a phone and tap. On the 15-article fixture
# corpus the article that answers a declined fair held-out question was among them for 74 of 110 (first for 58).
NEARBY_ARTICLES = 3
WARM_UP_QUESTION = "Hoe houd ik klanten trouw?"  # any chat-length question: it loads the model and its kernels


@dataclass(frozen=True, slots=True)
class Candidate:
    chunk_index: int
    score: float
    gain: float  # score minus the part every chunk gets regardless of matching (BM25Plus's delta)
    coverage: float  # share of question groups the chunk contains
    carried: bool = True  # a question word the corpus is about matches here, or several words match together
    confidence: float | None = None  # the answer model's (`_by_model`)
    example: str | None = None  # the example question that chose this passage (`bot.search.examples`)


class Engine:
    def __init__(
        self,
        articles: Sequence[Article],
        settings: SearchSettings | None = None,
        synonyms: Synonyms | None = None,
        problems: Sequence[Problem] = (),
        examples: Sequence[Example] = (),
    ) -> None:
        started = time.perf_counter()
        with gc_paused():
            self._build(articles, settings, synonyms, problems, examples)
        self.build_seconds = time.perf_counter() - started

    def _build(self, articles: Sequence[Article], settings: SearchSettings | None, synonyms: Synonyms | None,
               problems: Sequence[Problem], examples: Sequence[Example]) -> None:
        self.settings = settings or SearchSettings()
        self.synonyms = synonyms or Synonyms()
        self.problems = list(problems)
        self.articles: dict[str, Article] = {a.id: a for a in articles}
        store = ChunkStore()

        def index_texts() -> Iterator[str]:
            # Chunk one article at a time into the store: the chunk objects of a 100k-chunk corpus never coexist.
            for article in articles:
                chunks = chunk_article(article)
                store.add(article, chunks)
                title = self.articles[article.id].title
                for c in chunks:
                    yield self._text_to_index(c, title)

        corpus = analyse_corpus(index_texts())
        store.freeze()
        self.lexicon = corpus.lexicon
        self.splitter = corpus.lexicon.splitter
        # rank-bm25 divides by zero on empty chunks: drop chunks without a single index term.
        keep = corpus.lengths > 0
        self.chunks: ChunkStore = store if keep.all() else store.select(keep)
        self.index = (BM25Index.from_tokens(corpus.tokens, corpus.lengths[keep], corpus.terms, self.settings.bm25)
                      if len(self.chunks) else None)
        del corpus
        self.queries = QueryAnalyzer(self.lexicon.whole, self.synonyms, self.splitter,
                                     corpus_terms=self.index.vocab if self.index is not None else frozenset())
        self.examples = tuple(examples)
        self.taught, unresolved = self._resolve(self.examples)
        self.problems += unresolved
        self.version = self._fingerprint(articles)
        # The semantic signal is attached after the build (`with_semantic`): embedding takes far longer than the
        # BM25 build, so a live bot can answer lexically while it runs (bot/serving/semantic_build.py).
        self.semantic: SemanticIndex | None = None

    def __getstate__(self) -> dict[str, object]:
        # The engine cache and the build process pickle engines; vectors have a store of their own
        # (`bot.search.semantic.EmbeddingStore`) and the model cannot be pickled: an engine travels lexical.
        state = self.__dict__.copy()
        state["semantic"] = None
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self.__dict__.setdefault("semantic", None)  # pickled before the signal existed
        self.__dict__.setdefault("examples", ())  # ... or before example questions
        self.__dict__.setdefault("taught", Taught())

    @classmethod
    def load(cls, corpus_dir: Path, config_dir: Path, embeddings_dir: Path | None = None,
             progress: Progress | None = None) -> Engine:
        """Build from folders; bad files are skipped and listed in `engine.problems`. With the semantic signal on,
        its vectors come from (and go to) the store in `embeddings_dir`, or are computed in memory without one."""
        articles, problems = load_articles(corpus_dir)
        settings, more = load_search_settings(config_dir)
        synonyms, even_more = load_synonyms(config_dir)
        examples, taught = load_examples(config_dir)
        problems = problems + more + even_more + taught
        engine = cls(articles, settings, synonyms, problems, examples)
        log.info("engine %s built: %d articles, %d chunks in %.2f s, %d problems", engine.version,
                 len(engine.articles), len(engine.chunks), engine.build_seconds, len(engine.problems))
        return engine.embedded(embeddings_dir, progress)

    # --- the semantic signal ---------------------------------------------------------------------------------------

    def passage_texts(self) -> list[str]:
        """What the model embeds for each chunk: the text BM25 indexes (section heading and chunk text)."""
        return [self._index_text(self.chunks[i]) for i in range(len(self.chunks))]

    def wants_semantic(self) -> bool:
        """The settings ask for the signal, its model is installed and it is not attached yet."""
        return (self.semantic is None and self.settings.semantic.enabled and len(self.chunks) > 0
                and embedder(self.settings.semantic.model) is not None)

    def with_semantic(self, index: SemanticIndex, store_dir: Path | None = None) -> Engine:
        """A copy of this engine that also ranks by meaning (the BM25 parts are shared, not copied). The example
        questions' vectors are kept in `store_dir` (the vectors' cache folder) when given."""
        if len(index.vectors) != len(self.chunks):
            raise ValueError(f"{len(index.vectors)} vectors for {len(self.chunks)} chunks")
        if index.facts is None:
            index = replace(index, facts=ChunkFacts.of(*self.chunks.columns()))
        # Run the model once now, not at the first user question. When every vector comes from the store, the build
        # never needed the model, and a damaged or missing weight file would fail every question instead; here it
        # fails the attach, and the callers answer with BM25 alone. The first question also no longer pays the
        # model's load (~0.5 s).
        index.embedder.question(WARM_UP_QUESTION)
        engine = copy(self)
        engine.semantic = index
        engine.taught = self.taught.embedded(lambda texts: embed_questions(texts, index.embedder, store_dir))
        return engine

    def with_examples(self, examples: Sequence[Example]) -> tuple[Engine, list[Problem]]:
        """A copy of this engine taught other example questions (the BM25 and semantic parts are shared): `eval`
        measures a list with its own tune questions as examples, each tune question without itself."""
        engine = self._sibling()
        engine.examples = tuple(examples)
        engine.taught, problems = self._resolve(engine.examples)
        if self.semantic is not None:
            embedder_ = self.semantic.embedder
            engine.taught = engine.taught.embedded(lambda texts: embed_questions(texts, embedder_))
        return engine, problems

    def without_bars(self) -> Engine:
        """A copy that quotes the passage it ranks first however unsure it is: the answer model's `min_confidence`,
        the fixed bars' veto and rescue and BM25's `min_coverage` and `min_score` at their floors (the index and
        vectors are shared). `eval` asks it to tell the two kinds of miss apart: a right passage ranked first but
        declined (the bar's cost) and a wrong one ranked first (no bar can mend it). Incidental words still carry
        nothing: that test is part of the ranking's features, not a bar."""
        settings = self.settings
        engine = self._sibling()
        engine.settings = replace(settings, answer=replace(settings.answer, min_coverage=0.0, min_score=0.0),
                                  semantic=replace(settings.semantic, min_confidence=0.0, veto_below=-1.0,
                                                   answer_above=-1.0))
        return engine

    def _sibling(self) -> Engine:
        """A shallow copy that keeps the semantic signal: `copy` goes through `__getstate__`, which leaves it behind
        (for pickling), so it is put back."""
        engine = copy(self)
        engine.semantic = self.semantic
        return engine

    def _resolve(self, examples: Sequence[Example]) -> tuple[Taught, list[Problem]]:
        def chunks_of(article: str) -> list[tuple[int, str]]:
            return [(i, self.chunks[i].text) for i in self.chunks.positions_of(article)]

        taught, problems = resolve(examples, chunks_of)
        kept = set(taught.questions)
        for number, example in enumerate(examples, start=1):
            if example.question in kept and not self.queries.groups(example.question):
                problems.append(Problem(example.source, f"example {example.number or number} ({example.question!r}) "
                                                        "has no word "
                                                        "the bot searches for (only words like 'wat', 'is', 'het'): "
                                                        "a message like it is never answered", example.line,
                                        severity="warning"))
        return taught, problems

    def embedded(self, embeddings_dir: Path | None = None, progress: Progress | None = None) -> Engine:
        """This engine with the semantic signal, embedding here and now what the store lacks (reporting to
        `progress`); itself when the signal is off or its model missing."""
        if not self.wants_semantic():
            return self
        model = embedder(self.settings.semantic.model)
        assert model is not None
        try:
            store = EmbeddingStore(embeddings_dir, model.model_id) if embeddings_dir is not None else None
            vectors, count = embed_passages(self.passage_texts(), model, store, progress=progress)
            engine = self.with_semantic(SemanticIndex(model, vectors), embeddings_dir)
        except Exception as exc:  # the signal is an extra (a damaged model file, a full disk): BM25 still answers
            log.error("semantic signal unusable (%s: %s); answering with BM25 alone", type(exc).__name__, exc)
            return self
        log.info("semantic signal on: %d chunks, %d embedded now", len(vectors), count)
        return engine

    def _index_text(self, chunk: Chunk) -> str:
        """Chunk text plus its real section heading, so "Casus Aventeon" or "Onbalans" also find their passages."""
        return self._text_to_index(chunk, self.articles[chunk.article_id].title)

    @staticmethod
    def _text_to_index(chunk: Chunk, title: str) -> str:
        return chunk.text if chunk.section == title else f"{chunk.section}\n\n{chunk.text}"

    def _fingerprint(self, articles: Sequence[Article]) -> str:
        """Digest of every input of the build: the sha256 of the JSON document
        {"articles": [[id, title, author, date, url, body, kinds], ...], "settings": ..., "synonyms": ...}
        (sorted keys), fed to the hash one article at a time: dumping a 100k-chunk corpus as one string held the
        interpreter lock for ~0.3 s during live reloads. Same text, so the same version as one json.dumps gives."""

        def dump(value: object) -> bytes:
            return json.dumps(value, sort_keys=True, default=str).encode()

        digest = hashlib.sha256(b'{"articles": [')
        for number, a in enumerate(articles):
            questions_first.checkpoint()
            if number:
                digest.update(b", ")
            digest.update(dump([a.id, a.title, a.author, a.date, a.url, a.body, sorted(a.section_kinds.items())]))
        digest.update(b'], "settings": ' + dump(describe(self.settings)))
        synonyms = [list(self.synonyms.groups), sorted(self.synonyms.translations.items())]
        digest.update(b', "synonyms": ' + dump(synonyms))
        if self.examples:  # absent without examples: the versions of every corpus built before them stay the same
            digest.update(b', "examples": ' + dump([[e.question, e.article, list(e.words)] for e in self.examples]))
        digest.update(b"}")
        return digest.hexdigest()[:12]

    # --- questions -------------------------------------------------------------------------------------------------

    def needs_embedding(self, question: str) -> bool:
        """Whether `ask` would have to run the embedding model for this question: the signal is on, the message is
        one `ask` embeds (not small talk, a meaningful word) and its vector is not cached yet. Cheap (~0.3 ms)."""
        read = self._read_for_signal(question)
        return read is not None and self.semantic is not None and not self.semantic.embedder.has_question(read[0])

    def embed_question(self, question: str) -> None:
        """Compute the question's vector ahead of `ask`, which then finds it in the embedder's cache. This is the slow
        part of a question with the semantic signal (~15 ms, ~250 ms for a 1,000-character message), and it runs mostly
        in onnxruntime without the interpreter lock (the tokenizer holds it, ~1 ms for a chat question, ~25 ms for
        1,000 characters), so a caller with an event loop runs it in a worker thread and `ask` on the
        loop: the rest of `ask` is ~2 ms of Python, which in a thread would queue for the lock behind the loop."""
        read = self._read_for_signal(question)
        if read is not None and self.semantic is not None:
            self.semantic.embedder.question(read[0])  # a cached vector comes back at once

    def ask(self, question: str, limit: int | None = None) -> Answer:
        """Best passages for a question, or no results (with a reason) when nothing in the corpus fits."""
        with questions_first.question():  # a reload building in another thread waits meanwhile
            return self._ask(question, limit)

    def _ask(self, question: str, limit: int | None) -> Answer:
        answer_settings = self.settings.answer
        limit = limit or answer_settings.max_results
        truncated = len(question) > answer_settings.max_question_chars
        if truncated:
            question = question[: answer_settings.max_question_chars]
        kind = smalltalk(question)
        if kind is not None:  # "top, dank je!" is no question: no passage may answer it
            return Answer(question, (), truncated, "smalltalk", smalltalk=kind)
        groups = self.queries.groups(question)
        if not groups:
            return Answer(question, (), truncated, "no-terms")
        if self.index is None:
            return Answer(question, (), truncated, "empty-corpus")
        candidates = self.rank(groups)
        if not candidates and self.semantic is None and not self.taught:
            return Answer(question, (), truncated, "no-match")
        accepted = [c for c in candidates
                    if c.coverage >= answer_settings.min_coverage and c.gain > answer_settings.min_score and c.carried]
        # A passage that contains more of the question's words comes first; BM25 orders passages that cover
        # equally much. Without this, two synonyms of one word in a short passage outrank the passage that holds
        # every word the user typed ("Doe wat u belooft").
        accepted.sort(key=lambda c: (-round(c.coverage, 6), -c.score, c.chunk_index))
        model = answer_model() if self.semantic is not None and self.settings.semantic.combine == "model" else None
        nearby: tuple[Nearby, ...] = ()
        if self.semantic is not None and model is not None:
            accepted, close = self._by_model(question, candidates, self.semantic, self.settings.semantic, model)
            nearby = self._nearby(close)
        elif self.semantic is not None:
            accepted = self._fuse(question, len(groups), candidates, accepted, self.semantic, self.settings.semantic)
        accepted = self._example_first(question, candidates, accepted)
        if not accepted:
            return Answer(question, (), truncated, "below-threshold" if candidates else "no-match", nearby=nearby)
        weights = self._term_weights(groups)
        results: list[Result] = []
        shown: list[set[str]] = []
        later = {c.chunk_index: c for c in accepted}
        given: set[int] = set()
        queue = iter(accepted)
        follow_up: Candidate | None = None
        while len(results) < limit:
            candidate = follow_up or next((c for c in queue if c.chunk_index not in given), None)
            follow_up = None
            if candidate is None:
                break
            given.add(candidate.chunk_index)
            chunk = self.chunks[candidate.chunk_index]
            terms = set(self.analyse_text(chunk.text))
            if any(jaccard(terms, other) >= answer_settings.duplicate_similarity for other in shown):
                continue
            shown.append(terms)
            result = self._result(chunk, candidate, weights)
            results.append(result)
            follow = self._list_continues_in(candidate.chunk_index, result.quote)
            if follow is not None and follow in later and follow not in given:
                follow_up = later[follow]
        return Answer(question, tuple(results), truncated)

    @staticmethod
    def _fuse(question: str, words: int, candidates: Sequence[Candidate], accepted: Sequence[Candidate],
              semantic: SemanticIndex, settings: SemanticSettings) -> list[Candidate]:
        """The passages to show, best first, by words and by meaning together.

        - A passage BM25 accepted (it covers the question's words) is dropped when its meaning is far from the
          question (cosine below `veto_below`): one shared incidental word ("cover", "liefst") no longer carries a
          quote on its own.
        - A passage BM25 did not accept is shown when its cosine reaches `answer_above`: everyday wording and
          English reach the Dutch passage that answers them. The bar is high because cosine alone cannot tell an
          off-topic question from a fair one (e5's cosines of both overlap, see the README).
        - The order is reciprocal rank fusion of the BM25 order and the cosine order:
          1 / (rrf_k + BM25 rank) + weight / (rrf_k + semantic rank); a passage missing from one ranking gets
          nothing from it.
        """
        cosines = semantic.cosines(question)
        spare = 0 < settings.veto_spare_words <= words  # a passage holding every word of a longer question stays
        kept = [c for c in accepted
                if cosines[c.chunk_index] >= settings.veto_below or (spare and c.coverage >= 1.0)]
        semantic_rank = _meaning_ranks(cosines, settings.candidates)
        shown = {c.chunk_index for c in kept}
        found = {c.chunk_index: c for c in candidates}
        for i in semantic_rank:
            if i not in shown and cosines[i] >= settings.answer_above:
                kept.append(found.get(i) or Candidate(i, 0.0, 0.0, 0.0))
                shown.add(i)
        bm25_rank = {c.chunk_index: rank for rank, c in enumerate(accepted, start=1)}

        def fused(c: Candidate) -> float:
            lexical = bm25_rank.get(c.chunk_index)
            meaning = semantic_rank.get(c.chunk_index)
            return ((1 / (settings.rrf_k + lexical) if lexical else 0.0)
                    + (settings.weight / (settings.rrf_k + meaning) if meaning else 0.0))

        kept.sort(key=lambda c: (-fused(c), c.chunk_index))
        return kept

    def model_rows(self, question: str) -> tuple[np.ndarray, np.ndarray]:
        """(chunk indices, their answer-model features) for a question, as the engine scores them: what
        `python -m bot fit` learns from. Empty for small talk, a question of stop words only, or no signal."""
        read = self._read_for_signal(question)
        if read is None or self.semantic is None or self.index is None:
            return np.zeros(0, dtype=np.int64), np.zeros((0, len(FEATURES)))
        return self._model_rows(read[0], self.rank(read[1]), self.semantic)

    def _read_for_signal(self, question: str) -> tuple[str, list[QueryGroup]] | None:
        """The question as `ask` reads it (cut to `max_question_chars`) and its word groups, when `ask` would consult
        the semantic signal for it: None without the signal, for small talk and for a message with no meaningful
        word (`ask` declines those before any signal)."""
        if self.semantic is None:
            return None
        question = question[: self.settings.answer.max_question_chars]
        if smalltalk(question) is not None:
            return None
        groups = self.queries.groups(question)
        return (question, groups) if groups else None

    @staticmethod
    def _model_rows(question: str, candidates: Sequence[Candidate],
                    semantic: SemanticIndex) -> tuple[np.ndarray, np.ndarray]:
        """BM25's candidates and the best passages by cosine, with the features the answer model scores."""
        assert semantic.facts is not None
        cosines = semantic.cosines(question)
        meaning_rank = _meaning_ranks(cosines, MODEL_CANDIDATES)
        ordered = sorted(candidates, key=lambda c: (-round(c.coverage, 6), -c.score, c.chunk_index))
        lexical = {c.chunk_index: Lexical(c.coverage, rank, c.carried) for rank, c in enumerate(ordered, start=1)}
        rows = np.array(sorted(lexical.keys() | meaning_rank.keys()), dtype=np.int64)
        return rows, features(rows, lexical, cosines, meaning_rank, semantic.facts)

    @classmethod
    def _by_model(cls, question: str, candidates: Sequence[Candidate], semantic: SemanticIndex,
                  settings: SemanticSettings, model: AnswerModel) -> tuple[list[Candidate], dict[int, float]]:
        """The passages to show, best first, by the answer model's confidence (`bot.search.confidence`): BM25's
        candidates and the best passages by cosine are scored together; the first must reach `min_confidence`
        (else nothing is quoted), the others `more_confidence`.

        When nothing is quoted, the second item holds the passages that reached `more_confidence` (chunk index ->
        confidence): good enough to be shown as a further passage, so their articles are worth pointing to."""
        rows, table = cls._model_rows(question, candidates, semantic)
        if not len(rows):
            return [], {}
        confidence = model.confidence(table)
        order = np.lexsort((rows, -confidence))
        if not confidence[order[0]] >= settings.min_confidence:  # written so that a NaN declines too
            return [], {int(rows[at]): float(confidence[at]) for at in order
                        if confidence[at] >= settings.more_confidence}
        found = {c.chunk_index: c for c in candidates}
        return [replace(found.get(int(rows[at])) or Candidate(int(rows[at]), 0.0, 0.0, 0.0),
                        confidence=float(confidence[at]))
                for at in order if at == order[0] or confidence[at] >= settings.more_confidence], {}

    def _example_first(self, question: str, candidates: Sequence[Candidate],
                       accepted: list[Candidate]) -> list[Candidate]:
        """`accepted` with the passage of the operator's example that this question is (the same message, or one
        close in meaning) first: the operator named the passage that answers it, which beats any ranking. Only the
        first place changes; the passages after it are still the ranking's."""
        if not self.taught:
            return accepted
        vector = self.semantic.embedder.question(question) if self.semantic is not None else None
        at = self.taught.match(question, vector, self.settings.semantic.example_similarity)
        if at is None:
            return accepted
        chunk = self.taught.chunks[at]
        known = next((c for c in accepted if c.chunk_index == chunk), None) or \
            next((c for c in candidates if c.chunk_index == chunk), None) or Candidate(chunk, 0.0, 0.0, 0.0)
        first = replace(known, example=self.taught.questions[at], confidence=None)  # the operator chose it
        return [first, *(c for c in accepted if c.chunk_index != chunk)]

    def _nearby(self, close: dict[int, float]) -> tuple[Nearby, ...]:
        """The articles of the passages in `close`, by their best passage's confidence (then id), at most
        `NEARBY_ARTICLES`. Measured on the held-out lists (README, "When nothing fits"): for a fair question the
        bot declined, the article that answers is among these three about three times in four."""
        best: dict[str, float] = {}
        for index, confidence in close.items():
            article = self.chunks[index].article_id
            best[article] = max(best.get(article, 0.0), confidence)
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:NEARBY_ARTICLES]
        return tuple(Nearby(article, self.articles[article].title, confidence) for article, confidence in ranked)

    def _list_continues_in(self, index: int, quote: str) -> int | None:
        """The next chunk of the same article, when the quote ends on an item of a numbered list that carries on
        there: "Klanten willen maar twee dingen van u: 1. Doe wat u belooft." then "2. Los de problemen snel ... op."

        Two rules never share a chunk, so ranked on their own rule 2 came eighth and "Meer" showed unrelated
        passages first. The caller moves the continuation up only if it passed the coverage test (none is added),
        and only after a quote that holds the list's last item here: after any other sentence of the chunk, "2."
        would answer nothing the user has seen.
        """
        if index + 1 >= len(self.chunks):
            return None
        chunk, following = self.chunks[index], self.chunks[index + 1]
        if following.article_id != chunk.article_id:
            return None
        items = _LIST_ITEM.findall(chunk.text)
        first = _LIST_ITEM.search(following.text)
        if not items or first is None or int(first.group(1)) != int(items[-1][0]) + 1:
            return None
        last_item = " ".join(items[-1][1].split())
        return index + 1 if last_item and last_item in " ".join(quote.split()) else None

    def rank(self, groups: Sequence[QueryGroup], k: int = CANDIDATES) -> list[Candidate]:
        """BM25 candidates (rank-bm25 scores for the flattened group terms), with each one's coverage."""
        assert self.index is not None
        tokens = self.query_tokens(groups)
        top = self.index.top(tokens, k)
        if not top:
            return []
        docs = np.array([d for d, _ in top], dtype=np.int32)
        matched = np.zeros(len(docs), dtype=np.int64)
        carrying = np.zeros(len(docs), dtype=bool)  # a matched word that is not incidental in the corpus
        for group in groups:
            hit = np.zeros(len(docs), dtype=bool)
            for t in group.terms:
                postings = self.index.contains(t)
                if len(postings):
                    pos = np.searchsorted(postings, docs)
                    hit |= (pos < len(postings)) & (postings[np.minimum(pos, len(postings) - 1)] == docs)
            matched += hit
            if not self._incidental(group):
                carrying |= hit
        carried = carrying | (matched >= 2)  # "equilibrium van Nash": rare words that meet in one passage
        base = self.index.constant(tokens)
        return [Candidate(d, s, s - base, float(m) / len(groups), bool(c))
                for (d, s), m, c in zip(top, matched.tolist(), carried.tolist(), strict=True)]

    def _incidental(self, group: QueryGroup) -> bool:
        """The question word occurs in the whole corpus at most `incidental_max_count` times, in every form it can
        take here: the text uses it in passing (the bloody nose of a metaphor, the fuel use of an example), so a
        passage that shares only this word with the question is not about what was asked."""
        limit = self.settings.answer.incidental_max_count
        assert self.index is not None
        return bool(limit) and self.index.collection_count(group.terms) <= limit

    @staticmethod
    def query_tokens(groups: Sequence[QueryGroup]) -> list[str]:
        return [t for g in groups for t in g.weighted_terms()]

    def analyse_text(self, text: str) -> list[str]:
        """Index terms of a text (chunk or sentence), as the index build analysed it."""
        return self.lexicon.analyse(text)

    def _term_weights(self, groups: Sequence[QueryGroup]) -> list[dict[str, float]]:
        """Per question word, the IDF of each of its terms (floored, so a very common word still counts a little)."""
        assert self.index is not None
        weights: list[dict[str, float]] = []
        for group in groups:
            found = {t: max(float(self.index.idf[tid]), 0.1)
                     for t in group.terms if (tid := self.index.vocab.get(t)) is not None}
            weights.append(found)
        return weights

    def _result(self, chunk: Chunk, candidate: Candidate, weights: list[dict[str, float]]) -> Result:
        article = self.articles[chunk.article_id]
        # A case is a story: quote at least three sentences of it; a rule or passage quotes what matches.
        quote = select_quote(chunk.text, weights, self.analyse_text, self.settings.answer.quote_max_chars,
                             min_sentences=3 if chunk.kind == "case" else 1, views=chunk.views)
        rebutted = quote_rebuts_a_view(chunk.text, quote, chunk.views)
        return Result(
            article=article.id, title=article.title, author=article.author, date=article.date, url=article.url,
            kind="passage" if rebutted else quote_kind(chunk, quote), quote=quote, text=chunk.text,
            section=chunk.section, score=candidate.score, chunk_index=candidate.chunk_index, rebutted=rebutted,
            confidence=candidate.confidence, example=candidate.example,
        )

    # --- browsing --------------------------------------------------------------------------------------------------

    def article_chunks(self, article_id: str) -> list[Chunk]:
        return self.chunks.of_article(article_id)

    def topics(self, limit: int | None = None) -> list[str]:
        """Article titles and their section headings, for telling a user what the bot can talk about.

        A set keeps this linear (a 100k-chunk corpus has ~20k headings), and `limit` stops as soon as a caller that
        shows only a few has them, so an abstention never pays for the whole list.
        """
        out: list[str] = []
        seen: set[str] = set()
        for article in self.articles.values():
            out.append(article.title)
            seen.add(article.title)
            for section in self.chunks.sections_of(article.id):
                if limit is not None and len(out) >= limit:
                    return out[:limit]
                if section not in seen:
                    seen.add(section)
                    out.append(section)
        return out if limit is None else out[:limit]


def _meaning_ranks(cosines: np.ndarray, count: int) -> dict[int, int]:
    """Chunk index -> 1-based rank of the best `count` chunks by cosine (ties by chunk order): a partition, not a
    sort of every chunk (a full argsort cost ~8 ms a question at 100k chunks)."""
    count = min(count, len(cosines))
    top = np.argpartition(-cosines, count - 1)[:count]
    top = top[np.lexsort((top, -cosines[top]))]
    return {int(i): rank for rank, i in enumerate(top.tolist(), start=1)}


def quote_kind(chunk: Chunk, quote: str) -> Kind:
    """The label of what is quoted: a rule chunk's quote is a rule only if it holds a rule statement. When the text
    shows no statement (the kind was set by an operator's marker), the chunk's kind stands."""
    if chunk.kind != "rule":
        return chunk.kind
    statements = rule_statements(chunk.text)
    if not statements:
        return chunk.kind
    flat = " ".join(quote.replace(ELLIPSIS, " ").split())
    return "rule" if any(" ".join(s.split()) in flat for s in statements) else "passage"


_LIST_ITEM = re.compile(r"^[ \t]*(\d{1,2})[.)][ \t]+(.*)$", re.MULTILINE)  # (number, the item's first line)


