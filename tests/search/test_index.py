"""The precomputed postings layout must give rank-bm25's own scores for the same tokens."""

import random

import numpy as np
import pytest
from rank_bm25 import BM25L, BM25Okapi, BM25Plus

from bot.search.index import BM25Index, BM25Params

REFERENCE = {"okapi": BM25Okapi, "plus": BM25Plus, "l": BM25L}


def _corpus(seed: int, docs: int = 300, vocab: int = 200) -> list[list[str]]:
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(vocab)]
    # Zipf-like: low ids are frequent, so some terms sit in more than half the documents (negative Okapi IDF).
    weights = [1 / (i + 1) for i in range(vocab)]
    return [rng.choices(words, weights, k=rng.randint(1, 40)) for _ in range(docs)]


@pytest.mark.parametrize("variant", ["okapi", "plus", "l"])
@pytest.mark.parametrize("seed", [1, 2])
def test_scores_equal_rank_bm25(variant: str, seed: int) -> None:
    docs = _corpus(seed)
    delta = 0.5 if variant == "l" else 1.0
    reference = REFERENCE[variant](docs, k1=1.3, b=0.7, **({"epsilon": 0.25} if variant == "okapi" else
                                                            {"delta": delta}))
    index = BM25Index(docs, BM25Params(variant=variant, k1=1.3, b=0.7, delta=delta))  # type: ignore[arg-type]
    rng = random.Random(seed + 100)
    for _ in range(40):
        # Repeated and unknown tokens included: rank-bm25 counts a repeated token twice and scores unknown ones 0.
        query = rng.choices([f"w{i}" for i in range(220)], k=rng.randint(1, 6))
        expected = reference.get_scores(query)
        np.testing.assert_allclose(index.scores(query), expected, rtol=1e-12, atol=1e-12)
        top = index.top(query, 5)
        matching = np.flatnonzero(index.match_scores(query)[0] >= 0)
        assert len(top) == min(5, len(matching))
        for doc, score in top:
            assert score == pytest.approx(expected[doc], rel=1e-12)
        # Same top-5 as sorting rank-bm25's scores (among chunks that contain a query term).
        contains = set(index.match_scores(query)[0].tolist())
        ranked = sorted(contains, key=lambda d: (-expected[d], d))[:5]
        assert [d for d, _ in top] == ranked


def test_okapi_negative_idf_uses_epsilon_floor() -> None:
    docs = [["common", "a"], ["common", "b"], ["common", "c"], ["d"]]
    index = BM25Index(docs, BM25Params(variant="okapi"))
    reference = BM25Okapi(docs)
    assert index.idf[index.vocab["common"]] == pytest.approx(reference.idf["common"])
    assert reference.idf["common"] > 0  # floored, not negative


def test_empty_corpus_is_refused_with_a_clear_error() -> None:
    with pytest.raises(ValueError, match="empty"):
        BM25Index([])
    with pytest.raises(ValueError, match="empty"):
        BM25Index([[], []])


def test_unknown_terms_match_nothing() -> None:
    index = BM25Index([["klant", "trouw"], ["deal"]])
    assert index.top(["onbekend"], 5) == []
    assert index.top(["deal", "onbekend"], 5)[0][0] == 1
