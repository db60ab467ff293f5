"""The chat-style judgment lists, each split into a part changes were tuned on and a held-out part only measured.

Thresholds sit just under the figures the README reports, so a change that makes answers worse on either part fails
here. `seeds-chat.yaml` covers the two seed articles, `multi.yaml` the 15-article fixture corpus of overlapping
topics (Dutch and English), both written for this project by people who had not seen the engine.
"""

from __future__ import annotations

import pytest
from engine_support import CONFIG, CORPUS, FIXTURES, JUDGMENTS

from bot.evaluation import by_split, evaluate, load_judgments
from bot.search.engine import Engine

LISTS = {"seeds-chat": CORPUS, "multi": FIXTURES / "multi_corpus"}
# (list, split) -> minimum share handled right, maximum wrong-quote rate. Measured in README "Evaluation".
THRESHOLDS = {
    ("seeds-chat", "tune"): (0.64, 0.27), ("seeds-chat", "heldout"): (0.54, 0.21),
    ("multi", "tune"): (0.46, 0.35), ("multi", "heldout"): (0.49, 0.45),
}


@pytest.fixture(scope="module")
def scores() -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for name, corpus in LISTS.items():
        out[name] = by_split(evaluate(Engine.load(corpus, CONFIG), load_judgments(JUDGMENTS / f"{name}.yaml")))
    return out


def test_lists_are_large_mixed_and_split() -> None:
    for name in LISTS:
        judgments = load_judgments(JUDGMENTS / f"{name}.yaml")
        assert len(judgments) >= 130
        assert sum(j.abstain for j in judgments) >= 25 and sum(j.smalltalk for j in judgments) >= 10
        assert {j.split for j in judgments} == {"tune", "heldout"}
        heldout = sum(j.split == "heldout" for j in judgments) / len(judgments)
        assert 0.5 <= heldout <= 0.7


@pytest.mark.parametrize(("name", "split"), sorted(THRESHOLDS))
def test_figures_hold_on_the_tuned_and_the_held_out_part(scores: dict[str, dict[str, object]], name: str,
                                                         split: str) -> None:
    right, wrong = THRESHOLDS[name, split]
    part = scores[name][split]
    assert part.right >= right  # type: ignore[attr-defined]
    assert part.wrong_quote_rate <= wrong  # type: ignore[attr-defined]


def test_small_talk_is_never_quoted_on_any_list(scores: dict[str, dict[str, object]]) -> None:
    for name in LISTS:
        outcomes = scores[name]["all"].outcomes  # type: ignore[attr-defined]
        quoted = [o.judgment.question for o in outcomes if o.judgment.smalltalk and o.answer.answered]
        assert quoted == []
