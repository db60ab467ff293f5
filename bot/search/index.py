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

import bisect
import math
import threading
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from bot.search.scheduling import questions_first

Variant = Literal["okapi", "plus", "l"]


_SCRATCH = threading.local()


def _scratch(size: int) -> tuple[np.ndarray, np.ndarray]:
    """All-zero accumulators of `size` for this thread (a score per chunk, a flag per chunk), reused by every
    question: a fresh pair per question cost page faults, which during a live reload wait behind the build
    thread's huge allocations (questions of 100+ ms). The caller sets them back to zero."""
    total: np.ndarray | None = getattr(_SCRATCH, "total", None)
    if total is None or len(total) < size:
        total = _SCRATCH.total = np.zeros(size, dtype=np.float64)
        _SCRATCH.hit = np.zeros(size, dtype=bool)
    return total[:size], _SCRATCH.hit[:size]


class Vocabulary(Mapping[str, int]):
    """Term -> term id, as a sorted list searched by bisection instead of a dict.

    A dict of 250k terms costs ~14 MB (its table and an int object per id); this costs ~3 MB, and a question looks up
    a few dozen terms at about a microsecond each.
    """

    def __init__(self, terms: Sequence[str]) -> None:
        # Sorted bucket by bucket (first letter): one sort of 250k strings holds the interpreter lock for ~150 ms,
        # which is an event-loop stall when a live reload builds in a thread. Same order as one sort.
        buckets: dict[str, list[int]] = {}
        for tid, term in enumerate(terms):
            if not tid & 4095:
                questions_first.checkpoint()
            buckets.setdefault(term[:1], []).append(tid)
        order: list[int] = []
        for first in sorted(buckets):
            questions_first.checkpoint()
            order += sorted(buckets[first], key=terms.__getitem__)
        self._sorted = [terms[i] for i in order]
        self._ids = array("i", order)  # terms are distinct (callers number distinct terms)

    def get(self, term: str, default: int | None = None) -> int | None:  # type: ignore[override]
        at = bisect.bisect_left(self._sorted, term)
        if at < len(self._sorted) and self._sorted[at] == term:
            return self._ids[at]
        return default

    def __getitem__(self, term: str) -> int:
        tid = self.get(term)
        if tid is None:
            raise KeyError(term)
        return tid

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and self.get(term) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._sorted)

    def __len__(self) -> int:
        return len(self._sorted)

STORED_GAINS_ABOVE = 2_000  # postings longer than this keep precomputed gains (~17 MB at 100k chunks, not ~70)
_PAGE = 1 << 16  # chunk ids are stored in 16 bits per 64k page ...
_MAX_PAGES = 8  # ... up to 512k chunks; beyond, as int32


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
        # Term ids in order of first occurrence (the order `bot.search.analysis.analyse_corpus` also produces).
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
        index._build(tokens, lengths, Vocabulary(terms), params)
        return index

    def _build(self, tokens: np.ndarray, lengths: np.ndarray, vocab: Mapping[str, int],
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
        # + the chunk id of each token, ~10k chunks at a time: np.repeat holds the interpreter lock, and filling
        # fresh memory for all 10M tokens at once stalled the event loop for ~70 ms during a live reload.
        ends = np.cumsum(self.doc_len)
        for lo in range(0, self.size, 10_000):
            questions_first.checkpoint()
            hi = min(lo + 10_000, self.size)
            start = int(ends[lo - 1]) if lo else 0
            keys[start : int(ends[hi - 1])] += np.repeat(np.arange(lo, hi, dtype=np.int64), self.doc_len[lo:hi])
        del ends
        questions_first.checkpoint()
        keys.sort()
        questions_first.checkpoint()
        first = np.ones(len(keys), dtype=bool)
        np.not_equal(keys[1:], keys[:-1], out=first[1:])
        questions_first.checkpoint()
        starts = np.flatnonzero(first)
        del first
        questions_first.checkpoint()
        tf = np.diff(starts, append=len(keys))
        questions_first.checkpoint()
        self.tf = tf.astype(np.uint8 if tf.max(initial=0) <= 0xFF else np.uint16 if tf.max() <= 0xFFFF else np.uint32)
        del tf
        questions_first.checkpoint()
        keys = keys[starts]
        del starts
        questions_first.checkpoint()
        term_ids = keys // self.size
        questions_first.checkpoint()
        df = np.bincount(term_ids, minlength=len(vocab)).astype(np.int64)
        self.idf = self._idf(df)
        self.absent = self._absent_contribution(self.idf)
        self.indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(df, out=self.indptr[1:])
        questions_first.checkpoint()
        docs = keys - term_ids * self.size
        del keys
        questions_first.checkpoint()

        # Chunk ids in 16 bits: postings are sorted, so per term we only note where ids cross each multiple of
        # 65536 (one int32 per term and 64k chunks). Half the memory of int32 ids; huge corpora keep int32.
        pages = -(-self.size // _PAGE)
        if pages <= _MAX_PAGES:
            self.docs = (docs & (_PAGE - 1)).astype(np.uint16)
            self._page_split = np.zeros((len(vocab), pages - 1), dtype=np.int32)
            for page in range(1, pages):
                questions_first.checkpoint()
                self._page_split[:, page - 1] = np.bincount(term_ids[docs < page * _PAGE], minlength=len(vocab))
        else:
            self.docs = docs.astype(np.int32)
            self._page_split = np.zeros((len(vocab), 0), dtype=np.int32)
        del term_ids

        # The length part of the BM25 denominator, per chunk: a posting's gain is then a few operations on its term
        # frequency. Gains are precomputed only for long postings (common words, where a query spends its time);
        # the rest are computed when asked, with the same operations in the same order, so the same numbers.
        self._norm = self._length_norm(self.doc_len)
        self._stored_gains: dict[int, np.ndarray] = {}
        for t in np.flatnonzero(df > STORED_GAINS_ABOVE).tolist():
            questions_first.checkpoint()
            start, end = int(self.indptr[t]), int(self.indptr[t + 1])
            self._stored_gains[t] = self._gains(t, docs[start:end])
        for arr in (self.docs, self.tf, self.indptr, self.idf, self.absent, self.doc_len, self._norm,
                      self._page_split, *self._stored_gains.values()):
            arr.flags.writeable = False  # shared by every question in flight; slices handed out must stay intact

    # --- rank-bm25's formulas, vectorised -------------------------------------------------------------------------

    def _idf(self, df: np.ndarray) -> np.ndarray:
        n = self.size
        p = self.params
        # rank-bm25's own arithmetic in Python floats (math.log), 10k terms at a time so that a reload building
        # in a thread lets questions go first in between (see bot.search.scheduling.QuestionsFirst).
        counts = df.tolist()
        out: list[float] = []
        for lo in range(0, len(counts), 10_000):
            questions_first.checkpoint()
            piece = counts[lo : lo + 10_000]
            if p.variant == "okapi":
                out += [math.log(n - f + 0.5) - math.log(f + 0.5) for f in piece]
            elif p.variant == "l":
                out += [math.log(n + 1) - math.log(f + 0.5) for f in piece]
            else:
                out += [math.log((n + 1) / f) for f in piece]
        idf = np.array(out, dtype=np.float64)
        if p.variant == "okapi":
            average = float(sum(out)) / len(out) if out else 0.0
            idf[idf < 0] = p.epsilon * average
        return idf

    def _length_norm(self, dl: np.ndarray) -> np.ndarray:
        """The per-chunk part of rank-bm25's formula (Okapi/Plus: k1 * (1 - b + b * dl / avgdl); L: without k1)."""
        p = self.params
        if p.variant == "l":
            return 1 - p.b + p.b * dl / self.avgdl
        return p.k1 * (1 - p.b + p.b * dl / self.avgdl)

    def _contributions(self, tf: np.ndarray, norm: np.ndarray, idf: np.ndarray | np.float64) -> np.ndarray:
        """rank-bm25's term contributions, with its operations in its order (`norm` from `_length_norm`)."""
        p = self.params
        if p.variant == "okapi":
            okapi: np.ndarray = idf * (tf * (p.k1 + 1) / (tf + norm))
            return okapi
        if p.variant == "l":
            ctd = tf / norm
            bm25l: np.ndarray = idf * tf * (p.k1 + 1) * (ctd + p.delta) / (p.k1 + ctd + p.delta)
            return bm25l
        plus: np.ndarray = idf * (p.delta + (tf * (p.k1 + 1)) / (norm + tf))
        return plus

    def _gains(self, t: int, docs: np.ndarray) -> np.ndarray:
        """What each posting of term `t` adds on top of the per-query constant (contribution minus absent one)."""
        start, end = int(self.indptr[t]), int(self.indptr[t + 1])
        gains = self._contributions(self.tf[start:end].astype(np.float64), self._norm[docs], self.idf[t])
        gains -= self.absent[t]
        return gains

    def _absent_contribution(self, idf: np.ndarray) -> np.ndarray:
        """What a chunk without the term still gets from it: only BM25Plus gives something (idf * delta)."""
        if self.params.variant == "plus":
            return idf * self.params.delta
        return np.zeros_like(idf)

    # --- querying --------------------------------------------------------------------------------------------------

    def term_ids(self, tokens: Sequence[str]) -> list[int]:
        return [tid for tid in (self.vocab.get(t) for t in tokens) if tid is not None]

    def _docs(self, t: int) -> np.ndarray:
        """Chunk ids of term `t`, ascending, as intp (numpy's fancy indexing is about twice as fast with those)."""
        start, end = int(self.indptr[t]), int(self.indptr[t + 1])
        docs = self.docs[start:end].astype(np.intp)
        for split in self._page_split[t].tolist():  # each later 64k page adds 65536 to the ids from there on
            docs[split:] += _PAGE
        return docs

    def postings(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        """(chunk ids, gains) of term `t`; gains are what `match_scores` adds per token."""
        docs = self._docs(t)
        gains = self._stored_gains.get(t)
        return docs, (gains if gains is not None else self._gains(t, docs))

    def match_scores(self, tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(chunk ids that contain at least one token, ascending; their scores minus the per-query constant)."""
        ids = self.term_ids(tokens)
        if not ids:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float64)
        if len(ids) == 1:
            docs, gains = self.postings(ids[0])
            return docs.astype(np.int32), gains
        # Dense accumulators instead of sorting the concatenated postings (np.unique was most of a query at 100k
        # chunks). A term's postings hold each chunk once, so `+=` with fancy indexing adds every gain, term by
        # term in token order: the same additions in the same order as a bincount over the concatenation.
        total, hit = _scratch(self.size)
        try:
            seen: dict[int, tuple[np.ndarray, np.ndarray]] = {}
            for t in ids:
                found = seen.get(t)
                if found is None:  # a word's own terms come twice (see QueryGroup.weighted_terms)
                    found = seen[t] = self.postings(t)
                    hit[found[0]] = True
                total[found[0]] += found[1]
            matched = np.flatnonzero(hit)
            return matched.astype(np.int32), total[matched]
        finally:  # leave the buffers all zero for the next question, whatever happened
            total[:] = 0.0
            hit[:] = False

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

    def collection_count(self, terms: Sequence[str]) -> int:
        """How often any of these terms occurs in the whole corpus (the sum of their term frequencies)."""
        total = 0
        for term in terms:
            tid = self.vocab.get(term)
            if tid is not None:
                total += int(self.tf[int(self.indptr[tid]) : int(self.indptr[tid + 1])].sum())
        return total

    def contains(self, term: str) -> np.ndarray:
        """Chunk ids that contain `term`, ascending (empty when unknown)."""
        tid = self.vocab.get(term)
        if tid is None:
            return np.empty(0, dtype=np.intp)
        return self._docs(tid)
