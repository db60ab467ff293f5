"""Blind pooled judging: the pool holds what the ways of answering would quote, never the named passage, and the
verdicts come back as `also` passages that the evaluation then accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from engine_support import CONFIG, CORPUS

from bot.cli import main
from bot.evaluation import load_engine, load_judgments
from bot.judging import make_pool, snippet


def _write_list(tmp_path: Path) -> tuple[Path, str]:
    """A list whose first question names a passage that is *not* BM25's first, so that one must be in the pool."""
    engine = load_engine(CORPUS, CONFIG, "off")
    question = "Wat ging er mis bij Aventeon?"
    top = engine.ask(question).results[0]
    other = next(c for c in engine.chunks if c.article_id == top.article and c.text != top.text)
    path = tmp_path / "list.yaml"
    path.write_text(yaml.safe_dump([
        {"q": question, "article": other.article_id, "words": [other.text[:40]], "split": "tune"},
        {"q": "Hoe bak ik een brood?", "abstain": True},
        {"q": "Doe wat u belooft", "article": "belangrijkste-regel-zakelijke-relaties", "words": ["Doe wat u belooft"]},
    ], allow_unicode=True), encoding="utf-8")
    return path, top.text


def test_the_pool_holds_the_other_ways_answers_and_never_the_named_passage(tmp_path: Path) -> None:
    path, bm25_first = _write_list(tmp_path)
    judgments = load_judgments(path)
    lexical = load_engine(CORPUS, CONFIG, "off")
    items, key = make_pool(judgments, lexical, None)
    assert [item["question"] for item in items] == [judgments[0].question, judgments[2].question]  # no decline
    first = items[0]
    texts = [c["text"] for c in first["candidates"]]
    assert bm25_first in texts and first["reference"]["text"] not in texts
    chunks = list(lexical.chunks)
    for cid, entry in key.items():
        matching = [c for c in chunks if c.article_id == entry["article"]
                    and all(w.casefold() in " ".join(c.text.split()).casefold() for w in entry["words"])]
        assert len(matching) == 1, cid  # the snippet names exactly one passage
        assert entry["question"] == judgments[entry["judgment"]].question


def test_a_snippet_grows_until_no_other_passage_of_the_article_starts_the_same(tmp_path: Path) -> None:
    chunks = list(load_engine(CORPUS, CONFIG, "off").chunks)
    for index in range(len(chunks)):
        start = snippet(chunks, index)
        holders = [c for c in chunks if c.article_id == chunks[index].article_id
                   and start.casefold() in " ".join(c.text.split()).casefold()]
        assert holders == [chunks[index]]


def test_verdicts_become_also_passages_the_evaluation_accepts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("RELATIEBOT_DATA", str(tmp_path / "data"))
    path, bm25_first = _write_list(tmp_path)
    pool_dir = tmp_path / "pool"
    assert main(["pool", "--corpus", str(CORPUS), "--config", str(CONFIG), str(path), "--out", str(pool_dir)]) == 0
    items = json.loads((pool_dir / "pool.json").read_text(encoding="utf-8"))
    (pool_dir / "pool.json").unlink()  # a second pool into the folder: the key is there, so nothing is written
    assert main(["pool", "--corpus", str(CORPUS), "--config", str(CONFIG), str(path), "--out", str(pool_dir)]) == 2
    assert not (pool_dir / "pool.json").exists() and "key.json exists" in capsys.readouterr().err
    # the assessor sees texts, not which article or which way of answering they come from
    assert all(set(c) == {"id", "section", "text"} for item in items for c in item["candidates"])
    chosen = next(c["id"] for c in items[0]["candidates"] if c["text"] == bm25_first)
    others = [c["id"] for item in items for c in item["candidates"] if c["id"] != chosen]
    verdicts = tmp_path / "verdicts.json"
    merged = tmp_path / "merged.yaml"
    args = ["pool", str(path), "--merge", str(pool_dir), "--verdicts", str(verdicts), "--out", str(merged)]
    # every candidate needs a verdict, and a verdict is JSON's true or false
    verdicts.write_text(json.dumps({chosen: True}), encoding="utf-8")
    assert main(args) == 2 and "have no verdict" in capsys.readouterr().err
    verdicts.write_text(json.dumps({chosen: "yes", **dict.fromkeys(others, False)}), encoding="utf-8")
    assert main(args) == 2 and "true or false" in capsys.readouterr().err
    assert not merged.exists()
    verdicts.write_text(json.dumps({chosen: True, **dict.fromkeys(others, False)}), encoding="utf-8")
    assert main(args) == 0
    judgments = load_judgments(merged)
    engine = load_engine(CORPUS, CONFIG, "off")
    accepted = [c.text for c in engine.chunks if judgments[0].matches_chunk(c)]
    assert bm25_first in accepted and len(accepted) == 2  # the named passage and the one judged right
    assert judgments[1].abstain and judgments[2].also == ()
    # pooling the judged list again: the reference is still the passage the author named, and what was judged
    # right is not asked again
    again, _ = make_pool(judgments, engine, None)
    named = next(c.text for c in engine.chunks if c.text != bm25_first and judgments[0].matches_chunk(c))
    assert again[0]["reference"]["text"] == named
    assert bm25_first not in [c["text"] for c in again[0]["candidates"]]
    capsys.readouterr()
    assert main(args) == 2  # a list is never overwritten
    assert "exists" in capsys.readouterr().err
    verdicts.write_text(json.dumps({"99-99": True}), encoding="utf-8")
    assert main([*args[:-1], str(tmp_path / "other.yaml")]) == 2
    assert "does not know" in capsys.readouterr().err
    wrong_list = tmp_path / "wrong.yaml"
    wrong_list.write_text(yaml.safe_dump([{"q": "iets anders", "abstain": True}] * 3), encoding="utf-8")
    assert main(["pool", str(wrong_list), "--merge", str(pool_dir), "--verdicts", str(verdicts), "--out",
                 str(tmp_path / "x.yaml")]) == 2
    assert "another list" in capsys.readouterr().err


def test_pooling_needs_the_corpus_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = _write_list(tmp_path)
    assert main(["pool", "--corpus", str(tmp_path / "nope"), "--config", str(CONFIG), str(path),
                 "--out", str(tmp_path / "p")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_a_judgment_naming_a_passage_the_corpus_lacks_is_warned_about(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("RELATIEBOT_DATA", str(tmp_path / "data"))
    path = tmp_path / "typo.yaml"
    path.write_text(yaml.safe_dump([
        {"q": "Wat ging er mis bij Aventeon?", "article": "opportunist-mensen-kwijt",
         "words": ["Aventeon maakte sofware"]},
        {"q": "Doe wat u belooft", "article": "belangrijkste-regel-zakelijke-relaties", "words": ["Doe wat u belooft"]},
    ]), encoding="utf-8")
    assert main(["eval", "--corpus", str(CORPUS), "--config", str(CONFIG), str(path)]) == 0
    err = capsys.readouterr().err
    assert "judgment 1" in err and "sofware" in err and "judgment 2" not in err
    out = str(tmp_path / "p")
    assert main(["pool", "--corpus", str(CORPUS), "--config", str(CONFIG), str(path), "--out", out]) == 0
    assert "judgment 1" in capsys.readouterr().err
