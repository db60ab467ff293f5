"""The answer model: how sure the engine is that a passage answers a question, from both signals together.

Why: fixed bars on each signal alone (a BM25 coverage share, a cosine below which a passage is vetoed, one above which
it is rescued) could not tell "right article, neighbouring passage" or "an off-topic question that shares a word"
from a fair answer: e5's cosines of off-topic and answerable questions overlap (0.73-0.87 against 0.82-0.92 on the
tune split), and a coverage share says nothing about which of an article's passages gives the advice. A logistic
model over a handful of features of each candidate passage weighs the evidence jointly; it ranks the passages and its
confidence decides between a quote and "not covered" (`semantic.min_confidence` in config/search.yaml).

The features say how the passage stands for this question, never how large the corpus is, so one model serves a
two-article corpus and a 100k-chunk one:
- coverage: share of the question's words the passage holds (BM25 analysis: stems, synonyms, translations)
- lexical_rank, meaning_rank: 1 / (1 + rank) in the BM25 order and in the cosine order (0 when absent)
- cosine, cosine_z (how far above the question's mean over all passages, in standard deviations), cosine_gap (below
  the best passage's), article_gap (the best cosine of the passage's article below the best overall: a passage of
  the article the question is about)
- carried: a question word the corpus is about matches here (`Engine._incidental`)
- rule, case: the passage's kind (advice and cases are what people ask for; an introduction sets the scene)
- length: log of the passage's characters (one numbered rule is short, and short texts get extreme cosines)

The weights are fitted by `python -m bot fit` on the *tune* half of the judgment lists only (README, "Evaluation");
the held-out half measures the result. They ship as `answer_model.json` beside this module: plain numbers, no pickle.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from bot.search.records import KINDS

FEATURES = ("coverage", "lexical_rank", "meaning_rank", "cosine", "cosine_z", "cosine_gap", "article_gap", "carried",
            "rule", "case", "length")
MODEL_FILE = Path(__file__).with_name("answer_model.json")
MODEL_FORMAT = 1
# Passages the model scores from each ranking: it was fitted with 30 from BM25 and 30 by cosine, and its rank
# features mean what they meant in the fit only with the same numbers (`semantic.candidates` is for `rrf`).
MODEL_CANDIDATES = 30
# The smallest spread of the cosines `cosine_z` divides by. e5's cosines of one question over a corpus spread 0.008
# to 0.04 on the judgment lists; a corpus of two near-identical passages would otherwise turn a difference of 1e-7
# into two standard deviations.
SPREAD_FLOOR = 0.005

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnswerModel:
    """Logistic regression over standardised features: confidence = sigmoid(bias + w . (x - mean) / scale)."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    about: dict[str, Any]  # how it was fitted (lists, rows, l2): written into the file for whoever reads it

    def confidence(self, features: np.ndarray) -> np.ndarray:
        """Per row, from 0 to 1; a row with a non-finite feature (a damaged vector) gets 0, never a quote."""
        z = ((features - self.mean) / self.scale) @ self.weights + self.bias
        result: np.ndarray = np.nan_to_num(1.0 / (1.0 + np.exp(-z)), nan=0.0, posinf=0.0, neginf=0.0)
        return result

    def to_json(self) -> str:
        return json.dumps({"format": MODEL_FORMAT, "features": list(FEATURES),
                           "mean": [round(float(v), 6) for v in self.mean],
                           "scale": [round(float(v), 6) for v in self.scale],
                           "weights": [round(float(v), 6) for v in self.weights],
                           "bias": round(self.bias, 6), "about": self.about}, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> AnswerModel:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
            raise ValueError(f"answer model: format {MODEL_FORMAT} expected")
        if data.get("features") != list(FEATURES):
            raise ValueError(f"answer model: features {data.get('features')} are not {list(FEATURES)}")
        arrays = [np.asarray(data[key], dtype=np.float64) for key in ("mean", "scale", "weights")]
        if any(a.shape != (len(FEATURES),) or not np.isfinite(a).all() for a in arrays) or (arrays[1] <= 0).any():
            raise ValueError("answer model: mean, scale and weights need one finite number per feature")
        return cls(arrays[0], arrays[1], arrays[2], float(data["bias"]), dict(data.get("about") or {}))


@lru_cache(maxsize=1)
def shipped_model() -> AnswerModel:
    """The model in the package, read once (a refit takes effect at the next start)."""
    return AnswerModel.from_json(MODEL_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def model_digest() -> str:
    """The first 12 hex digits of the model file's sha256 ("missing" when it cannot be read), read once like the
    model itself."""
    try:
        return hashlib.sha256(MODEL_FILE.read_bytes()).hexdigest()[:12]
    except OSError:
        return "missing"


_UNUSABLE: list[str] = []


def answer_model() -> AnswerModel | None:
    """The shipped model, or None when its file is missing or damaged (a broken install): logged once as an error,
    and the engine falls back to the fixed bars (`combine: rrf`) rather than failing every question."""
    if _UNUSABLE:
        return None
    try:
        return shipped_model()
    except (OSError, ValueError, KeyError, TypeError) as exc:
        _UNUSABLE.append(str(exc))
        log.error("answer model %s unusable (%s: %s); answering with the fixed bars (semantic.combine: rrf) until "
                  "it is repaired and the bot restarted", MODEL_FILE, type(exc).__name__, exc)
        return None


@dataclass(frozen=True)
class ChunkFacts:
    """What the features need of every chunk, as arrays (made once per engine, when the signal is attached)."""

    article_of: np.ndarray  # article number of each chunk
    order: np.ndarray  # chunk indices sorted by article (stable): each article's chunks are one block
    starts: np.ndarray  # where each article begins in `order`
    block_article: np.ndarray  # the article number of each block (ascending, for searchsorted)
    ends: np.ndarray  # where each article's block ends in `order`
    rule: np.ndarray
    case: np.ndarray
    length: np.ndarray  # log(1 + characters)

    @classmethod
    def of(cls, article_of: np.ndarray, kinds: np.ndarray, lengths: np.ndarray) -> ChunkFacts:
        order = np.argsort(article_of, kind="stable")
        sorted_articles = article_of[order]
        starts = np.flatnonzero(np.r_[True, sorted_articles[1:] != sorted_articles[:-1]]) if len(order) else \
            np.zeros(0, dtype=np.int64)
        return cls(article_of.astype(np.int64), order, starts, sorted_articles[starts].astype(np.int64),
                   np.r_[starts[1:], len(order)].astype(np.int64), kinds == KINDS.index("rule"),
                   kinds == KINDS.index("case"), np.log1p(np.maximum(lengths, 0)).astype(np.float64))

    def article_best(self, cosines: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """For each chunk in `rows` (every chunk when None), the best cosine among the chunks of its article. Only
        the articles of `rows` are visited: at 100k chunks in 20k articles, a maximum over every article cost
        1.2 ms a question, the few dozen articles of the candidates a few microseconds each."""
        rows = np.arange(len(self.article_of)) if rows is None else rows
        if not len(rows):
            return np.zeros(0, dtype=cosines.dtype)
        best_of: dict[int, float] = {}
        out = np.empty(len(rows), dtype=cosines.dtype)
        for at, article in enumerate(self.article_of[rows].tolist()):
            found = best_of.get(article)
            if found is None:
                block = int(np.searchsorted(self.block_article, article))
                found = best_of[article] = float(cosines[self.order[self.starts[block]:self.ends[block]]].max())
            out[at] = found
        return out


@dataclass(frozen=True)
class Lexical:
    """What BM25 says of one candidate passage."""

    coverage: float
    rank: int  # 1-based, in the order coverage first, then score
    carried: bool


def features(rows: np.ndarray, lexical: dict[int, Lexical], cosines: np.ndarray, meaning_rank: dict[int, int],
             facts: ChunkFacts) -> np.ndarray:
    """One row of `FEATURES` per chunk index in `rows`."""
    mean = float(cosines.mean())
    spread = max(float(cosines.std()), SPREAD_FLOOR)
    best = float(cosines.max())
    article_best = facts.article_best(cosines, rows)
    out = np.zeros((len(rows), len(FEATURES)), dtype=np.float64)
    for at, index in enumerate(rows.tolist()):
        found = lexical.get(index)
        semantic = meaning_rank.get(index)
        cosine = float(cosines[index])
        out[at] = (
            found.coverage if found else 0.0,
            1.0 / (1 + found.rank) if found else 0.0,
            1.0 / (1 + semantic) if semantic else 0.0,
            cosine,
            (cosine - mean) / spread,
            cosine - best,
            float(article_best[at]) - best,
            float(found.carried) if found else 0.0,
            float(facts.rule[index]),
            float(facts.case[index]),
            float(facts.length[index]),
        )
    return out


def fit(rows: np.ndarray, labels: np.ndarray, l2: float = 1.0, about: dict[str, Any] | None = None) -> AnswerModel:
    """Logistic regression by Newton's method (exact and deterministic: the same rows give the same model), with an
    L2 penalty on the standardised weights and the two classes weighted equally: a corpus has one right passage per
    question among dozens of candidates, and unweighted the model would learn to say "no" to everything."""
    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale[scale == 0] = 1.0
    x = np.c_[(rows - mean) / scale, np.ones(len(rows))]
    positives = max(float(labels.sum()), 1.0)
    negatives = max(float(len(labels) - labels.sum()), 1.0)
    sample = np.where(labels > 0, len(labels) / (2 * positives), len(labels) / (2 * negatives))
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-x @ w))
        gradient = x.T @ (sample * (p - labels)) + penalty * w
        hessian = (x * (sample * p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return AnswerModel(mean, scale, w[:-1], float(w[-1]), dict(about or {}))
