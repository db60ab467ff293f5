"""The e2e benchmark on a small plan: the shape `python -m bot bench` prints, and a reply for every question.

No timing thresholds: the figures depend on the machine; what must hold anywhere is that every question was answered,
that latencies are positive and that the percentiles are ordered.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from engine_support import CONFIG, CORPUS

from bot.bench import e2e as bench_e2e
from bot.bench import runner as bench

ROOT = Path(__file__).resolve().parent.parent


def test_measure_answers_every_question_and_reports_ordered_percentiles(tmp_path: Path) -> None:
    result = bench_e2e.measure(CORPUS, CONFIG, tmp_path, users=(1, 3), questions_per_user=3,
                               reading_s=(0.1, 0.2))
    assert set(result) == {"users_1", "users_3"}
    for users, row in ((1, result["users_1"]), (3, result["users_3"])):
        for figures in (row, row["back_to_back"]):
            assert figures["users"] == users and figures["questions_per_user"] == 3
            assert figures["replies"] == users * 3  # one answer per question, none lost or doubled
            assert figures["min_ms"] > 0
            assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"]
            assert figures["replies_per_s"] > 0
        # In conversation every user read at least 0.1 s between its three questions; back to back nobody waited.
        assert row["reading_s"] == [0.1, 0.2] and row["back_to_back"]["reading_s"] is None
        assert row["seconds"] >= 2 * 0.1
        assert row["replies_per_s"] < row["back_to_back"]["replies_per_s"]
        back = row["back_to_back"]
        assert 0 < back["p50_ms_no_rate_limiter"] <= back["p95_ms_no_rate_limiter"]
        assert back["replies_per_s_no_rate_limiter"] > 0


def test_quick_measure_leaves_out_the_run_without_rate_limiter(tmp_path: Path) -> None:
    result = bench_e2e.measure(CORPUS, CONFIG, tmp_path, users=(2,), questions_per_user=2,
                               reading_s=(0.05, 0.05), quick=True)
    back = result["users_2"]["back_to_back"]
    assert back["replies"] == 4 and result["users_2"]["replies"] == 4
    assert not any(key.endswith("_no_rate_limiter") for key in back)


def test_bench_table_shows_the_e2e_rows_in_user_order() -> None:
    back = {"p50_ms": 300.0, "p95_ms": 1666.0, "replies_per_s": 33.0, "p95_ms_no_rate_limiter": 450.0,
            "replies_per_s_no_rate_limiter": 230.0}
    row = {"p50_ms": 5.0, "p95_ms": 9.0, "replies_per_s": 24.0, "reading_s": [1.0, 3.0], "back_to_back": back}
    report = {"machine": {"cpus": 2}, "notes": [], "e2e": {"users_50": row, "users_10": row, "users_1": row}}
    lines = [line for line in bench.render(report).splitlines() if line.startswith("e2e")]
    assert [line.split(",")[0] for line in lines] == ["e2e users_1", "e2e users_10", "e2e users_50"]
    talking, _, rest = lines[0].partition("; back to back:")
    assert "reading 1-3 s" in talking and "p95 9.0 ms" in talking and "24 replies/s" in talking
    assert "p95 1666 ms" in rest and "33 replies/s" in rest and "p95 450 ms, 230 replies/s" in rest


def test_bench_reports_e2e_as_not_measured_when_the_fake_server_is_missing(monkeypatch: pytest.MonkeyPatch,
                                                                             tmp_path: Path) -> None:
    monkeypatch.setattr(bench_e2e, "TESTS", tmp_path)  # a checkout without tests/fake_bot_api.py
    args = argparse.Namespace(corpus=CORPUS, config=CONFIG)
    e2e, why = bench.run_e2e(args, tmp_path)
    assert e2e is None
    assert why is not None and why.startswith("not measured") and "fake_bot_api.py" in why
