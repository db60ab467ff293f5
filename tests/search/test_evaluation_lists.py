"""The chat-style judgment lists, each split into a part changes were tuned on and a held-out part only measured.

Thresholds sit just under the figures the README reports, so a change that makes answers worse on either part fails
here. `seeds-chat.yaml` covers the two seed articles, `multi.yaml` the 15-article fixture corpus of overlapping
topics (Dutch and English), both written for this project by people who had not seen the engine.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from engine_support import CONFIG, CORPUS, FIXTURES, JUDGMENTS

from bot.evaluation import by_split, evaluate, load_engine, load_judgments

LISTS = {"seeds-chat": CORPUS, "multi": FIXTURES / "multi_corpus"}
# Written after the answer model was fitted, by an author who saw only the articles, and measured once: held out
# through and through (never in `fit.yaml`, never tuned on).
FRESH = {"fresh-seeds": CORPUS, "fresh-multi": FIXTURES / "multi_corpus",
         # and after the refit on the corrected judgments, by another author who marked every right passage
         "fresh3-seeds": CORPUS, "fresh3-multi": FIXTURES / "multi_corpus",
         # written as a tune list, kept out of the fit when a refit on it gained nothing (README "Evaluation")
         "fresh4-seeds": CORPUS, "fresh4-multi": FIXTURES / "multi_corpus"}
# (list, semantic signal, split) -> minimum share handled right, maximum wrong-quote rate. Measured in README
# "Evaluation", a little under each figure.
THRESHOLDS = {
    ("seeds-chat", "off", "tune"): (0.63, 0.28), ("seeds-chat", "off", "heldout"): (0.56, 0.19),
    ("multi", "off", "tune"): (0.53, 0.30), ("multi", "off", "heldout"): (0.52, 0.42),
    ("seeds-chat", "on", "tune"): (0.62, 0.12), ("seeds-chat", "on", "heldout"): (0.63, 0.05),
    ("multi", "on", "tune"): (0.58, 0.12), ("multi", "on", "heldout"): (0.56, 0.17),
    ("fresh-seeds", "off", "heldout"): (0.63, 0.19), ("fresh-multi", "off", "heldout"): (0.65, 0.26),
    ("fresh-seeds", "on", "heldout"): (0.53, 0.10), ("fresh-multi", "on", "heldout"): (0.64, 0.15),
    ("fresh3-seeds", "off", "heldout"): (0.56, 0.17), ("fresh3-multi", "off", "heldout"): (0.43, 0.32),
    ("fresh3-seeds", "on", "heldout"): (0.58, 0.14), ("fresh3-multi", "on", "heldout"): (0.45, 0.17),
    ("fresh4-seeds", "off", "heldout"): (0.54, 0.21), ("fresh4-multi", "off", "heldout"): (0.38, 0.43),
    ("fresh4-seeds", "on", "heldout"): (0.53, 0.10), ("fresh4-multi", "on", "heldout"): (0.41, 0.18),
}


@pytest.fixture(scope="module")
def scores(fixture_embeddings: Path) -> dict[tuple[str, str], dict[str, object]]:
    """Every list scored with the signal off (pure BM25) and on (the model embeds the fixture corpora once)."""
    store = fixture_embeddings
    out: dict[tuple[str, str], dict[str, object]] = {}
    for name, corpus in {**LISTS, **FRESH}.items():
        judgments = load_judgments(JUDGMENTS / f"{name}.yaml")
        for semantic in ("off", "on"):
            engine = load_engine(corpus, CONFIG, semantic, store)
            out[name, semantic] = by_split(evaluate(engine, judgments))
    return out


def test_lists_are_large_mixed_and_split() -> None:
    for name in LISTS:
        judgments = load_judgments(JUDGMENTS / f"{name}.yaml")
        assert len(judgments) >= 130
        assert sum(j.abstain for j in judgments) >= 25 and sum(j.smalltalk for j in judgments) >= 10
        assert {j.split for j in judgments} == {"tune", "heldout"}
        heldout = sum(j.split == "heldout" for j in judgments) / len(judgments)
        assert 0.5 <= heldout <= 0.7
    for name in FRESH:
        judgments = load_judgments(JUDGMENTS / f"{name}.yaml")
        assert len(judgments) >= 60 and {j.split for j in judgments} == {"heldout"}
        assert sum(j.abstain for j in judgments) >= 15 and sum(j.smalltalk for j in judgments) >= 5


def test_no_held_out_list_is_in_the_answer_models_fit() -> None:
    fitted = {Path(item["judgments"]).stem for item in yaml.safe_load((JUDGMENTS / "fit.yaml").read_text())}
    assert fitted == {"seeds", "seeds-chat", "multi"} and not fitted & set(FRESH)


@pytest.mark.parametrize(("name", "semantic", "split"), sorted(THRESHOLDS))
def test_figures_hold_on_the_tuned_and_the_held_out_part(scores: dict[tuple[str, str], dict[str, object]],
                                                         name: str, semantic: str, split: str) -> None:
    right, wrong = THRESHOLDS[name, semantic, split]
    part = scores[name, semantic][split]
    assert part.right >= right  # type: ignore[attr-defined]
    assert part.wrong_quote_rate <= wrong  # type: ignore[attr-defined]


def test_small_talk_is_never_quoted_on_any_list(scores: dict[tuple[str, str], dict[str, object]]) -> None:
    for key in scores:
        outcomes = scores[key]["all"].outcomes  # type: ignore[attr-defined]
        quoted = [o.judgment.question for o in outcomes if o.judgment.smalltalk and o.answer.answered]
        assert quoted == []


# The multi-article corpus as a search tool is judged: (semantic) -> hit@1, MRR@5, abstention precision and recall
# over the whole list, a little under the README's figures ("On `multi` as a whole").
# With the answer model the signal declines more (recall of declining up, wrong quotes down) and so reaches fewer
# right passages than the old fixed bars did (README "The answer model": the trade-off and its knob).
MULTI_RANKING = {"off": (0.40, 0.46, 0.68, 0.79), "on": (0.38, 0.45, 0.51, 0.96)}


@pytest.mark.parametrize("semantic", sorted(MULTI_RANKING))
def test_ranking_and_abstention_among_similar_articles(scores: dict[tuple[str, str], dict[str, object]],
                                                       semantic: str) -> None:
    whole = scores["multi", semantic]["all"]
    hit, mrr, precision, recall = MULTI_RANKING[semantic]
    assert whole.hit_at_1 >= hit and whole.mrr_at_5 >= mrr  # type: ignore[attr-defined]
    assert whole.abstain_precision >= precision and whole.abstain_recall >= recall  # type: ignore[attr-defined]


# Over all 642 held-out messages: (semantic) -> the share of answerable questions whose right passage is ranked first
# with no bar, and the ceiling (handled right if the bar declined exactly the questions ranked wrongly). README
# "Evaluation": 0.547 / 0.709 with the signal, 0.508 / 0.684 without; a ranking that gets worse fails here even when
# the bar hides it.
HELD_OUT_RANKING = {"off": (0.49, 0.67), "on": (0.53, 0.69)}


@pytest.mark.parametrize("semantic", sorted(HELD_OUT_RANKING))
def test_ranking_before_the_bar_on_every_held_out_message(scores: dict[tuple[str, str], dict[str, object]],
                                                          semantic: str) -> None:
    outcomes = [o for name in {**LISTS, **FRESH} for o in scores[name, semantic]["heldout"].outcomes]  # type: ignore[attr-defined]
    answerable = [o for o in outcomes if not o.judgment.declines]
    assert len(outcomes) == 642
    first = sum(bool(o.first_bar_aside) for o in answerable)
    least_first, least_ceiling = HELD_OUT_RANKING[semantic]
    assert first / len(answerable) >= least_first
    assert (first + len(outcomes) - len(answerable)) / len(outcomes) >= least_ceiling
