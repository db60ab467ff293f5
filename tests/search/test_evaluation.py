"""The judgment list: ranking and abstention quality must not drop below the documented thresholds."""

from pathlib import Path

import pytest
import yaml
from engine_support import CONFIG, CORPUS, JUDGMENTS, real_engine

from bot.cli import main
from bot.evaluation import evaluate, load_judgments
from bot.search.engine import Engine
from bot.search.records import Article

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
    for label in ("hit@1", "MRR@5", "abstain precision", "abstain recall", "first right, no bar", "ceiling, any bar"):
        assert label in out


def test_a_further_right_passage_counts_as_right_and_a_bad_one_is_refused(tmp_path: Path) -> None:
    engine = real_engine()
    question = "Wat ging er mis bij Aventeon?"
    top = engine.ask(question).results[0]
    elsewhere = next(c for c in engine.chunks if c.article_id != top.article)
    one = tmp_path / "one.yaml"
    # the labelled passage is another one; the quoted one is named under `also`
    one.write_text(yaml.safe_dump([
        {"q": question, "article": elsewhere.article_id, "words": [elsewhere.text[:30]]},
        {"q": question, "article": elsewhere.article_id, "words": [elsewhere.text[:30]],
         "also": [{"article": top.article, "words": [top.text[:30]]}]},
        {"q": question, "article": elsewhere.article_id, "words": [elsewhere.text[:30]],
         "also": [{"article": elsewhere.article_id, "words": [top.text[:30]]}]},  # right words, wrong article
    ]), encoding="utf-8")
    outcomes = evaluate(engine, load_judgments(one)).outcomes
    assert [o.right for o in outcomes] == [False, True, False]
    assert [o.wrong_quote for o in outcomes] == [True, False, True]
    for bad in ([{"article": top.article}], "x", [{"article": top.article, "words": []}],
                [{"article": top.article, "words": ["  "]}], [{"article": "", "words": ["x"]}],
                [{"article": top.article, "words": [None]}]):
        broken = tmp_path / "bad.yaml"
        broken.write_text(yaml.safe_dump([{"q": question, "article": top.article, "words": ["x"], "also": bad}]),
                          encoding="utf-8")
        with pytest.raises(ValueError, match="'also' is a list"):
            load_judgments(broken)
    # a blank snippet is in every passage: it would make every passage of the article right
    broken.write_text(yaml.safe_dump([{"q": question, "article": top.article, "words": [""]}]), encoding="utf-8")
    with pytest.raises(ValueError, match="'words' is a list of non-empty texts"):
        load_judgments(broken)
    broken.write_text(yaml.safe_dump([{"q": "hoi", "abstain": True, "also": [{"article": "a", "words": ["b"]}]}]),
                      encoding="utf-8")
    with pytest.raises(ValueError, match="no 'also'"):
        load_judgments(broken)


def test_a_figure_with_nothing_to_count_is_shown_as_a_dash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    only_answerable = tmp_path / "answerable.yaml"
    only_answerable.write_text(yaml.safe_dump([
        {"q": "Doe wat u belooft", "article": "belangrijkste-regel-zakelijke-relaties", "words": ["Doe wat u belooft"]},
    ]), encoding="utf-8")
    assert main(["eval", "--corpus", str(CORPUS), "--config", str(CONFIG), str(only_answerable)]) == 0
    rows = {line[:20].strip(): line[20:].split() for line in capsys.readouterr().out.splitlines() if line[:20].strip()}
    assert rows["abstain recall"] == ["-"] and rows["hit@1"] == ["1.000"]
    broken = tmp_path / "broken.yaml"
    broken.write_text("- q: [unclosed\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.yaml:1: error: malformed YAML"):
        load_judgments(broken)


@pytest.mark.parametrize("value", ['"no"', '"false"', "5"])
def test_a_flag_that_is_not_true_or_false_is_an_error_not_true(tmp_path: Path, value: str) -> None:
    path = tmp_path / "lijst.yaml"
    path.write_text(f"- q: hoe bak ik een taart\n  abstain: {value}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'abstain' is true or false"):
        load_judgments(path)


def test_the_ceiling_tells_a_declined_right_passage_from_a_wrong_one(tmp_path: Path) -> None:
    """`first right, no bar` and `ceiling, any bar`: a question the bar declines although its right passage is
    ranked first counts for both; one whose first passage is another counts for neither; a message to decline counts
    for the ceiling (declining it is right)."""
    body = ("## Klachten\n\nBel een klant met een klacht binnen een dag terug. Een klacht is een kans.\n\n"
            "## Prijzen\n\nVraag een redelijke prijs voor uw werk. Een prijs zegt wat u waard bent.\n")
    engine = Engine([Article("tips", "Tips", body)])
    judgments = tmp_path / "ceiling.yaml"
    judgments.write_text(yaml.safe_dump([
        {"q": "Wat doe ik met een klacht?", "article": "tips", "words": ["klacht binnen een dag"]},
        # one word of four: below min_coverage, so declined, but the klacht passage is the only one ranked
        {"q": "klacht olifant giraf zebra", "article": "tips", "words": ["klacht binnen een dag"]},
        {"q": "prijs olifant giraf zebra", "article": "tips", "words": ["klacht binnen een dag"]},
        {"q": "Hoe laat vertrekt de trein?", "abstain": True},
    ]), encoding="utf-8")
    scores = evaluate(engine, load_judgments(judgments))
    assert [o.right for o in scores.outcomes] == [True, False, False, True]
    assert [o.first_bar_aside for o in scores.outcomes] == [True, True, False, None]
    assert scores.first_bar_aside == pytest.approx(2 / 3)
    assert scores.ceiling == pytest.approx(3 / 4)  # two answerable ranked right and the one to decline
    assert scores.right == pytest.approx(2 / 4)
    # the copy without bars does not change the engine it came from
    assert not engine.ask("klacht olifant giraf zebra").answered
    assert engine.without_bars().ask("klacht olifant giraf zebra").answered
