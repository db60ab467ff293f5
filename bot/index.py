"""BM25 with rank-bm25's exact statistics, laid out as per-term postings so a query touches only matching chunks.

rank-bm25's `get_scores` loops in Python over every chunk for every query term (about 0.3-0.6 s a question at 100k
chunks). Here each term's contribution to each chunk that contains it is computed once at build time with
rank-bm25's own formulas (IDF, epsilon floor, length normalisation), so a query is a few array gathers. The scores are
the same numbers rank-bm25 computes for the same tokens; `tests/test_index.py` compares them.

BM25Plus and BM25L give every chunk a score for a query term even where the term is absent (a constant per term for
Plus, zero for L); we keep that constant aside and add it back in `scores()`, so the ranking needs only the chunks
that contain a term.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

Variant = Literal["okapi", "plus", "l"]


@dataclass(frozen=True)
class BM25Params:
    variant: Variant = "plus"
    k1: float = 1.5
    b: float = 0.75
    delta: float = 1.0  # BM25Plus/BM25L lower bound per matching term; rank-bm25 defaults: Plus 1.0, L 0.5
    epsilon: float = 0.25  # BM25Okapi floor for negative IDFs, as a fraction of the mean IDF


class BM25Index:
    """Immutable BM25 index over pre-tokenized chunks (lists of terms)."""

    def __init__(self, documents: Sequence[Sequence[str]], params: BM25Params | None = None) -> None:
        if not documents:
            raise ValueError("cannot index an empty corpus")
        # Term ids in order of first occurrence (the order `bot.analysis.analyse_corpus` also produces).
        vocab: dict[str, int] = {}
        assign = vocab.setdefault
        lengths = np.fromiter((len(d) for d in documents), dtype=np.int64, count=len(documents))
        tokens = np.fromiter((assign(word, len(vocab)) for doc in documents for word in doc), dtype=np.int32,
                             count=int(lengths.sum()))
        self._build(tokens, lengths, vocab, params)

    @classmethod
    def from_tokens(cls, tokens: np.ndarray, lengths: np.ndarray, terms: Sequence[str],
                    params: BM25Params | None = None) -> BM25Index:
        """The index of documents given as concatenated term ids (`tokens`) and their `lengths`; `terms[id]` is the
        term. Same result as `BM25Index(documents)` when ids are numbered in order of first occurrence."""
        if len(lengths) == 0:
            raise ValueError("cannot index an empty corpus")
        index = cls.__new__(cls)
        index._build(tokens, lengths, dict(zip(terms, range(len(terms)), strict=True)), params)
        return index

    def _build(self, tokens: np.ndarray, lengths: np.ndarray, vocab: dict[str, int],
               params: BM25Params | None) -> None:
        self.params = params or BM25Params()
        self.size = len(lengths)
        self.doc_len = np.asarray(lengths, dtype=np.int64)
        self.avgdl = float(self.doc_len.sum()) / self.size
        if self.avgdl == 0:
            raise ValueError("every chunk is empty after analysis")
        self.vocab = vocab

        # Postings: term -> (chunk ids, term frequencies). One in-place sort of (term, chunk) keys gives every term's
        # chunks in ascending order with their frequencies, without a Python list (and a Python int) per posting:
        # at 100k chunks that was ~9M objects and most of the build.
        keys = tokens.astype(np.int64)
        keys *= self.size
        keys += np.repeat(np.arange(self.size, dtype=np.int64), self.doc_len)
        keys.sort()
        first = np.ones(len(keys), dtype=bool)
        np.not_equal(keys[1:], keys[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        del first
        tf_counts = np.diff(np.append(starts, len(keys)))
        keys = keys[starts]
        del starts
        term_ids = keys // self.size
        df = np.bincount(term_ids, minlength=len(vocab)).astype(np.int64)
        self.idf = self._idf(df)

        self.indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(df, out=self.indptr[1:])
        keys -= term_ids * self.size
        self.docs = keys.astype(np.int32)
        del keys
        tfs = tf_counts.astype(np.float64)
        del tf_counts
        self.absent = self._absent_contribution(self.idf)
        # What a posting adds on top of the per-query constant (its contribution minus the absent one), stored
        # instead of the contribution so a query does one pass less over long postings; same subtraction as before.
        self.gains = self._contributions(tfs, self.doc_len[self.docs], self.idf[term_ids])
        self.gains -= self.absent[term_ids]
        for array in (self.docs, self.gains, self.indptr, self.idf, self.absent, self.doc_len):
            array.flags.writeable = False  # shared by every question in flight; slices handed out must stay intact

    # --- rank-bm25's formulas, vectorised -------------------------------------------------------------------------

    def _idf(self, df: np.ndarray) -> np.ndarray:
        n = self.size
        p = self.params
        if p.variant == "okapi":
            idf = np.array([math.log(n - f + 0.5) - math.log(f + 0.5) for f in df.tolist()], dtype=np.float64)
            average = float(sum(idf.tolist())) / len(idf) if len(idf) else 0.0
            idf[idf < 0] = p.epsilon * average
            return idf
        if p.variant == "l":
            return np.array([math.log(n + 1) - math.log(f + 0.5) for f in df.tolist()], dtype=np.float64)
        return np.array([math.log((n + 1) / f) for f in df.tolist()], dtype=np.float64)

    def _contributions(self, tf: np.ndarray, dl: np.ndarray, idf: np.ndarray) -> np.ndarray:
        p = self.params
        if p.variant == "okapi":
            return idf * (tf * (p.k1 + 1) / (tf + p.k1 * (1 - p.b + p.b * dl / self.avgdl)))
        if p.variant == "l":
            ctd = tf / (1 - p.b + p.b * dl / self.avgdl)
            return idf * tf * (p.k1 + 1) * (ctd + p.delta) / (p.k1 + ctd + p.delta)
        return idf * (p.delta + (tf * (p.k1 + 1)) / (p.k1 * (1 - p.b + p.b * dl / self.avgdl) + tf))

    def _absent_contribution(self, idf: np.ndarray) -> np.ndarray:
        """What a chunk without the term still gets from it: only BM25Plus gives something (idf * delta)."""
        if self.params.variant == "plus":
            return idf * self.params.delta
        return np.zeros_like(idf)

    # --- querying --------------------------------------------------------------------------------------------------

    def term_ids(self, tokens: Sequence[str]) -> list[int]:
        return [tid for tid in (self.vocab.get(t) for t in tokens) if tid is not None]

    def match_scores(self, tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(chunk ids that contain at least one token, ascending; their scores minus the per-query constant)."""
        ids = self.term_ids(tokens)
        if not ids:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float64)
        if len(ids) == 1:
            start, end = self.indptr[ids[0]], self.indptr[ids[0] + 1]
            return self.docs[start:end], self.gains[start:end]
        # Dense accumulators instead of sorting the concatenated postings (np.unique was most of a query at 100k
        # chunks). A term's postings hold each chunk once, so `+=` with fancy indexing adds every gain, term by
        # term in token order: the same additions in the same order as a bincount over the concatenation.
        # Indexes are widened to intp first: numpy's fancy indexing with int32 is about twice as slow.
        total = np.zeros(self.size, dtype=np.float64)
        hit = np.zeros(self.size, dtype=bool)
        seen: set[int] = set()
        for t in ids:
            start, end = self.indptr[t], self.indptr[t + 1]
            docs = self.docs[start:end].astype(np.intp)
            total[docs] += self.gains[start:end]
            if t not in seen:  # a word's own terms come twice (see QueryGroup.weighted_terms)
                seen.add(t)
                hit[docs] = True
        found = np.flatnonzero(hit)
        return found.astype(np.int32), total[found]

    def constant(self, tokens: Sequence[str]) -> float:
        """The score every chunk gets for this query whether or not it contains a token (BM25Plus only)."""
        return float(sum(self.absent[t] for t in self.term_ids(tokens)))

    def top(self, tokens: Sequence[str], k: int) -> list[tuple[int, float]]:
        """Best `k` chunks containing at least one token, as (chunk id, rank-bm25 score), best first.

        Ties are broken by chunk id so results are stable across runs.
        """
        docs, gains = self.match_scores(tokens)
        if len(docs) == 0 or k <= 0:
            return []
        if len(docs) > k:
            # Keep every chunk tied with the k-th score, so the tie-break below (lower id first) decides, not
            # the partition's arbitrary choice among equals.
            if len(docs) > 64 * k:
                # The k-th best of every 16th score is a floor for the k-th best of all (k scores reach it), so
                # only chunks at or above it can be in the top k: select among those few instead of all matches
                # (tens of thousands for common words). The k-th score found below is the same number.
                sample = gains[::16]
                floor = np.partition(sample, len(sample) - k)[len(sample) - k]
                above = gains >= floor
                docs, gains = docs[above], gains[above]
            kth = np.partition(gains, len(gains) - k)[len(gains) - k]
            keep = gains >= kth
            docs, gains = docs[keep], gains[keep]
        order = np.lexsort((docs, -gains))[:k]
        base = self.constant(tokens)
        return [(int(docs[i]), float(gains[i] + base)) for i in order]

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """Dense scores for every chunk, as rank-bm25's `get_scores` returns them (for parity checks)."""
        out = np.full(self.size, self.constant(tokens), dtype=np.float64)
        docs, gains = self.match_scores(tokens)
        out[docs] += gains
        return out

    def contains(self, term: str) -> np.ndarray:
        """Chunk ids that contain `term` (empty when unknown)."""
        tid = self.vocab.get(term)
        if tid is None:
            return np.empty(0, dtype=np.int32)
        return self.docs[self.indptr[tid] : self.indptr[tid + 1]]

    def document_frequency(self, term: str) -> int:
        tid = self.vocab.get(term)
        return 0 if tid is None else int(self.indptr[tid + 1] - self.indptr[tid])
