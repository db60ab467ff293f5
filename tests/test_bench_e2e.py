"""The e2e benchmark on a small plan: the shape `python -m bot bench` prints, and a reply for every question.

No timing thresholds: the figures depend on the machine; what must hold anywhere is that every question was answered,
that latencies are positive and that the percentiles are ordered.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bot import bench, bench_e2e

ROOT = Path(__file__).resolve().parent.parent


def test_measure_answers_every_question_and_reports_ordered_percentiles(tmp_path: Path) -> None:
    result = bench_e2e.measure(ROOT / "corpus", ROOT / "config", tmp_path, users=(1, 3), questions_per_user=3)
    assert set(result) == {"users_1", "users_3"}
    for users, row in ((1, result["users_1"]), (3, result["users_3"])):
        assert row["users"] == users and row["questions_per_user"] == 3
        assert row["replies"] == users * 3  # one answer per question, none lost or doubled
        assert row["min_ms"] > 0
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["max_ms"]
        assert row["replies_per_s"] > 0
        assert 0 < row["p50_ms_no_rate_limiter"] <= row["p95_ms_no_rate_limiter"]
        assert row["replies_per_s_no_rate_limiter"] > 0


def test_bench_table_shows_the_e2e_rows_in_user_order() -> None:
    row = {"p50_ms": 5.0, "p95_ms": 9.0, "replies_per_s": 30.0, "p95_ms_no_rate_limiter": 7.0,
           "replies_per_s_no_rate_limiter": 150.0}
    report = {"machine": {"cpus": 2}, "notes": [], "e2e": {"users_50": row, "users_10": row, "users_1": row}}
    lines = [line for line in bench.render(report).splitlines() if line.startswith("e2e")]
    assert [line.split(":")[0] for line in lines] == ["e2e users_1", "e2e users_10", "e2e users_50"]
    assert "p95 9.0 ms" in lines[0] and "30 replies/s" in lines[0] and "150 replies/s" in lines[0]


def test_bench_reports_e2e_as_not_measured_when_the_fake_server_is_missing(monkeypatch: pytest.MonkeyPatch,
                                                                             tmp_path: Path) -> None:
    monkeypatch.setattr(bench_e2e, "TESTS", tmp_path)  # a checkout without tests/fake_bot_api.py
    args = argparse.Namespace(corpus=ROOT / "corpus", config=ROOT / "config")
    e2e, why = bench.run_e2e(args, tmp_path)
    assert e2e is None
    assert why is not None and why.startswith("not measured") and "fake_bot_api.py" in why
