"""The judgment list: ranking and abstention quality must not drop below the documented thresholds."""


import pytest
from engine_support import CONFIG, CORPUS, JUDGMENTS, real_engine

from bot.cli import main
from bot.evaluation import evaluate, load_judgments

JUDGMENTS = JUDGMENTS / "seeds.yaml"
# Documented in the README ("Evaluation"); measured 0.881 / 0.929 / 0.962 / 0.735 on the 76 judgments of stop 10.
# Abstention recall is lower than on the first 60 (17 of 18) because the 16 added off-topic questions include ones
# that share exact words with the articles ("geld van investeerders", "brandstofverbruik van je auto"), which word
# matching cannot tell apart: they stay in the list as known failures, to measure the next change against.
THRESHOLDS = {"hit_at_1": 0.85, "mrr_at_5": 0.90, "abstain_precision": 0.93, "abstain_recall": 0.70}


def test_judgment_list_is_broad_enough() -> None:
    judgments = load_judgments(JUDGMENTS)
    assert len(judgments) >= 40
    assert sum(j.abstain for j in judgments) >= 10
    english = [j for j in judgments if any(w in j.question.split() for w in ("What", "How", "Why", "Do", "Should"))]
    assert len(english) >= 5


@pytest.mark.parametrize("metric", sorted(THRESHOLDS))
def test_scores_meet_thresholds(metric: str) -> None:
    scores = evaluate(real_engine(), load_judgments(JUDGMENTS))
    assert getattr(scores, metric) >= THRESHOLDS[metric]


def test_eval_command_prints_the_metrics(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--corpus", str(CORPUS), "--config", str(CONFIG), str(JUDGMENTS)]) == 0
    out = capsys.readouterr().out
    for label in ("hit@1", "MRR@5", "abstain precision", "abstain recall"):
        assert label in out
