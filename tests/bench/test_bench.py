"""The benchmark's corpus generator, its JSON report and its stall detector (no thresholds on measured speed: that
depends on the machine)."""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import time
from collections import Counter
from pathlib import Path

import pytest
from engine_support import CONFIG, CORPUS

from bot.bench import corpus as bench_corpus
from bot.bench import e2e as bench_e2e
from bot.bench import runner as bench
from bot.search.chunking import chunk_article

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def lang() -> bench_corpus.Language:
    return bench_corpus.language(seed=7, size=20_000)


def test_generator_is_deterministic_for_a_seed(lang: bench_corpus.Language) -> None:
    again = bench_corpus.language(seed=7, size=20_000)
    assert lang.words.tolist() == again.words.tolist()
    first = [a.body for a in bench_corpus.articles(50, seed=7, lang=lang)]
    second = [a.body for a in bench_corpus.articles(50, seed=7, lang=again)]
    assert first == second
    assert bench_corpus.questions(20, seed=7, lang=lang) == bench_corpus.questions(20, seed=7, lang=again)
    other = [a.body for a in bench_corpus.articles(50, seed=8, lang=bench_corpus.language(seed=8, size=20_000))]
    assert other != first


def test_dutch_function_words_lead_and_chunk_count_matches(lang: bench_corpus.Language) -> None:
    articles = list(bench_corpus.articles(200, seed=7, lang=lang))
    counts = Counter(w.strip(".,").lower() for a in articles for w in a.body.split() if not w.startswith("#"))
    top = [w for w, _ in counts.most_common(10)]
    assert {"de", "van", "het", "een", "en"} <= set(top)
    chunks = [c for a in articles for c in chunk_article(a)]
    assert len(chunks) == 200  # one chunk per paragraph, so the requested size is the real size
    sizes = [len(c.text.split()) for c in chunks]
    assert min(sizes) >= bench_corpus.PARAGRAPH_WORDS[0] and max(sizes) <= bench_corpus.PARAGRAPH_WORDS[1]
    questions = bench_corpus.questions(30, seed=7, lang=lang)
    assert all(2 <= len(q.split()) <= 6 for q in questions)


def test_json_report_on_a_tiny_corpus_has_the_documented_keys(monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(bench, "SIZES_FULL", (300,))
    monkeypatch.setattr(bench, "QUESTIONS", 20)
    # The e2e part's own test (test_bench_e2e.py) covers its figures; here a small plan keeps this test short.
    monkeypatch.setattr(bench_e2e, "measure", functools.partial(bench_e2e.measure, users=(1, 2), questions_per_user=2,
                                                                reading_s=(0.01, 0.02)))
    args = argparse.Namespace(corpus=CORPUS, config=CONFIG, quick=False, json=True, sizes=(300,))
    assert bench.main_bench(args) == 0
    report = json.loads(capsys.readouterr().out)
    for key in ("real", "chunks_300", "reload_max_block_ms", "e2e"):
        assert key in report
    figures = report["chunks_300"]
    for key in ("query_p50_ms", "query_p99_ms", "build_s", "build_peak_mb", "serving_mb", "restart_s",
                "rank_bm25_p50_ms", "bm25s_p50_ms", "speedup_vs_rank_bm25_p50", "top5_parity",
                "semantic_embed_chunks_per_s", "semantic_query_p95_ms", "semantic_serving_mb", "semantic_vectors_mb"):
        assert key in figures, key
    assert figures["chunks"] == 300
    assert figures["top5_parity"] == 1.0
    assert report["real"]["top5_parity"] == 1.0
    for key in ("p50_ms", "p95_ms", "replies_per_s"):
        assert report["e2e"]["users_2"][key] > 0
        assert report["e2e"]["users_2"]["back_to_back"][key] > 0


def test_reload_stall_measurement_finds_a_blocked_event_loop_and_when() -> None:
    """The reload figures are only as good as the stall detector: a job that blocks the loop for 80 ms after 0.2 s
    must show up as a stall of at least that length, timed after the job started."""

    class Engine:
        chunks = ()

        def ask(self, question: str) -> None:
            pass

    class Holder:
        def get(self) -> Engine:
            return Engine()

    async def job() -> None:
        await asyncio.sleep(0.2)
        time.sleep(0.08)  # the loop is blocked: no tick, no question
        await asyncio.sleep(0.1)

    result = asyncio.run(bench._serve_while(Holder(), ["q"], job))
    assert result["max_block_ms"] >= 75
    assert 0.2 <= result["max_block_at_s"] <= result["seconds"]
    assert result["questions_served"] > 0


def test_table_shows_speed_ratios_under_one_instead_of_rounding_them_to_zero() -> None:
    report = {"machine": {"cpus": 2}, "notes": [],
              "real": {"speedup_vs_rank_bm25_p50": 0.185, "speedup_ranking_vs_rank_bm25_p50": 144.2}}
    lines = bench.render(report).splitlines()
    ask = next(line for line in lines if "ask is faster by" in line)
    ranking = next(line for line in lines if "ranking is faster by" in line)
    assert ask.split()[-1] == "0.2x"
    assert ranking.split()[-1] == "144x"
