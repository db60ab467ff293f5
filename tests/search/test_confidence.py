"""The answer model: its file, its fit, its features, and how its confidence decides between a quote and "not
covered" (bot/search/confidence.py, README "The answer model")."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from engine_support import CONFIG, CORPUS, JUDGMENTS

from bot.evaluation import Judgment, fit_answer_model, load_engine, training_rows
from bot.search.confidence import FEATURES, MODEL_FILE, AnswerModel, ChunkFacts, fit, shipped_model
from bot.search.records import KINDS


def test_the_shipped_model_is_the_fit_of_the_tune_parts_and_nothing_else(fixture_embeddings: Path) -> None:
    """Refitting from the manifest gives the shipped weights: nobody edited them by hand, and the held-out parts
    (which only measure) were not in the fit."""
    shipped = shipped_model()
    refit = fit_answer_model(JUDGMENTS / "fit.yaml", float(shipped.about["l2"]), fixture_embeddings)
    assert refit.about["rows"] == shipped.about["rows"]
    assert refit.about["right_passages"] == shipped.about["right_passages"]
    assert np.allclose(refit.weights, shipped.weights, atol=0.02)
    assert abs(refit.bias - shipped.bias) < 0.02


def test_held_out_judgments_are_never_training_rows(fixture_embeddings: Path) -> None:
    engine = load_engine(CORPUS, CONFIG, "on", fixture_embeddings)
    question = "Wat ging er mis bij Aventeon?"
    tune = Judgment(question, "opportunist-mensen-kwijt", ("Aventeon maakte software",), split="tune")
    rows, labels = training_rows(engine, [dataclasses.replace(tune, split="heldout")])
    assert len(rows) == 0
    rows, labels = training_rows(engine, [tune])
    assert rows.shape[1] == len(FEATURES) and labels.sum() == 1  # exactly one candidate is the Aventeon case
    rows, labels = training_rows(engine, [Judgment("Wat kost een brood?", abstain=True, split="tune")])
    assert labels.sum() == 0


def test_the_model_file_round_trips_and_a_damaged_one_is_refused() -> None:
    model = shipped_model()
    again = AnswerModel.from_json(model.to_json())
    assert np.allclose(again.weights, model.weights) and again.bias == pytest.approx(model.bias)
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    for broken in ({**data, "format": 99}, {**data, "features": data["features"][:-1]},
                   {**data, "weights": [float("nan")] * len(FEATURES)}, {**data, "scale": [0.0] * len(FEATURES)}):
        with pytest.raises(ValueError, match="answer model"):
            AnswerModel.from_json(json.dumps(broken))


def test_fit_learns_which_feature_tells_right_from_wrong_and_is_deterministic() -> None:
    rng = np.random.default_rng(7)
    rows = rng.normal(size=(600, len(FEATURES)))
    labels = (rows[:, FEATURES.index("cosine")] + 0.3 * rng.normal(size=600) > 1.2).astype(float)
    model = fit(rows, labels)
    assert int(np.argmax(model.weights)) == FEATURES.index("cosine")
    assert np.array_equal(fit(rows, labels).weights, model.weights)
    confidence = model.confidence(rows)
    assert confidence[labels == 1].mean() > 0.8 > 0.2 > confidence[labels == 0].mean()


def test_each_chunk_learns_the_best_cosine_of_its_own_article() -> None:
    article_of = np.array([0, 0, 1, 1, 1, 2, 0])  # chunks of article 0 also at the end (a select() can do that)
    kinds = np.array([KINDS.index(k) for k in ("rule", "passage", "case", "rule", "passage", "passage", "case")])
    facts = ChunkFacts.of(article_of, kinds, np.array([10, 20, 30, 40, 50, 60, 70]))
    cosines = np.array([0.1, 0.5, 0.3, 0.9, 0.2, 0.4, 0.7], dtype=np.float32)
    assert facts.article_best(cosines).tolist() == pytest.approx([0.7, 0.7, 0.9, 0.9, 0.9, 0.4, 0.7])
    assert facts.rule.tolist() == [True, False, False, True, False, False, False]
    assert facts.case.tolist() == [False, False, True, False, False, False, True]


def test_the_confidence_bar_decides_between_a_quote_and_not_covered(fixture_embeddings: Path) -> None:
    engine = load_engine(CORPUS, CONFIG, "on", fixture_embeddings)
    assert engine.settings.semantic.combine == "model"
    question = "Wat ging er mis bij Aventeon?"
    rows, table = engine.model_rows(question)
    confidence = shipped_model().confidence(table)
    best = float(confidence.max())
    top_chunk = engine.chunks[int(rows[int(np.argmax(confidence))])]
    assert "Aventeon" in top_chunk.text

    def asked(bar: float) -> bool:
        settings = dataclasses.replace(engine.settings,
                                       semantic=dataclasses.replace(engine.settings.semantic, min_confidence=bar))
        changed = engine.with_semantic(engine.semantic)  # type: ignore[arg-type]
        changed.settings = settings
        answer = changed.ask(question)
        if answer.answered:
            assert answer.results[0].text == top_chunk.text
            assert answer.results[0].confidence == pytest.approx(best)
            assert answer.results[0].as_json()["confidence"] == pytest.approx(best, abs=1e-4)
        return answer.answered

    assert asked(best - 1e-6) and not asked(min(best + 1e-6, 1.0))


def test_an_off_topic_question_that_shares_a_word_gets_no_quote(fixture_embeddings: Path) -> None:
    engine = load_engine(CORPUS, CONFIG, "on", fixture_embeddings)
    lexical = load_engine(CORPUS, CONFIG, "off")
    for question in ("hoe weet ik of het echte liefde is met mijn vriendin", "Welke cover past bij mijn telefoon?"):
        assert not engine.ask(question).answered, question
    assert lexical.ask("hoe weet ik of het echte liefde is met mijn vriendin").answered  # BM25 alone would quote


def test_a_bad_manifest_is_refused_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    from bot.evaluation import main_fit

    manifest = tmp_path / "fit.yaml"
    manifest.write_text("- judgments: seeds.yaml\n  corpus: ../seed_corpus\n", encoding="utf-8")
    out = tmp_path / "model.json"
    assert main_fit(argparse.Namespace(manifest=manifest, l2=1.0, out=out)) == 2
    assert "entry 1 needs 'judgments', 'corpus' and 'config'" in capsys.readouterr().err
    assert not out.exists()


def test_a_damaged_model_file_falls_back_to_the_fixed_bars_and_says_so_once(
        fixture_embeddings: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    from bot.search import confidence

    engine = load_engine(CORPUS, CONFIG, "on", fixture_embeddings)
    damaged = tmp_path / "answer_model.json"
    damaged.write_text('{"format": 1, "features": ["cosine"]', encoding="utf-8")  # cut off mid-write
    monkeypatch.setattr(confidence, "MODEL_FILE", damaged)
    monkeypatch.setattr(confidence, "_UNUSABLE", [])
    confidence.shipped_model.cache_clear()
    try:
        with caplog.at_level("ERROR", logger="bot.search.confidence"):
            first = engine.ask("Wat ging er mis bij Aventeon?")
            engine.ask("Hoe houd ik klanten trouw?")
        assert first.answered and "Aventeon" in first.results[0].text
        assert first.results[0].confidence is None  # chosen by the fixed bars, not the model
        errors = [r for r in caplog.records if "answer model" in r.getMessage()]
        assert len(errors) == 1 and "semantic.combine: rrf" in errors[0].getMessage()
    finally:
        confidence.shipped_model.cache_clear()
