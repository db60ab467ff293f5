"""Operator report: the text and HTML built from the known usage data set, and the command's exits."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path

import pytest
from test_usage import BOZE_QUOTE, KEY, NOW, SCRIPT_QUESTION, fill_known

from bot.telegram.admin import unanswered_html
from bot.usage.grouping import UnansweredGroup
from bot.usage.report import ReportData, clean, collect, main_report, render_html, render_text
from bot.usage.store import DayStat, UsageStore

TITLES = {"boze-klant": "Omgaan met <boze> klanten & klachten"}


@pytest.fixture
def data(tmp_path: Path) -> ReportData:
    store = UsageStore.open(tmp_path / "known.sqlite3", KEY, retention_days=3650)
    fill_known(store)
    try:
        return collect(store, 7, TITLES, now=NOW)
    finally:
        store.close()


def test_collect_gathers_the_figures(data: ReportData) -> None:
    assert (data.asked, data.answered) == (8, 3)  # 4..10 May: the 3 and 2 May questions are outside 7 days
    assert data.rate == pytest.approx(3 / 8)
    assert (data.votes_up, data.votes_down) == (1, 3)
    assert data.top_articles == (("boze-klant", 2), ("opportunist", 1))
    assert [g.count for g in data.unanswered] == [3, 2]
    assert data.title("boze-klant") == TITLES["boze-klant"]
    assert data.title("opportunist") == "opportunist"  # no title known: the id


def test_text_report(data: ReportData) -> None:
    text = render_text(data)
    lines = text.splitlines()
    assert lines[0] == "Usage report, last 7 days (2024-05-04 to 2024-05-10, UTC); generated 2024-05-10 12:00 UTC"
    assert lines[1] == "Questions: 8, answered: 3 (38%); feedback: 1 up, 3 down"
    # One row per day, empty days included, with a bar of 20 characters for the rate.
    assert "2024-05-05      0         0     -" in lines
    assert "2024-05-08      2         1   50%  ##########.........." in lines
    assert "2024-05-10      3         2   67%  #############......." in lines
    assert sum(1 for line in lines if re.match(r"^2024-05-\d\d ", line)) == 7
    # Groups: count, most recent wording, the other wordings.
    assert f"    3x  {SCRIPT_QUESTION}  (last asked 2024-05-10)" in lines
    assert "        also: Wat kost een abonnement?" in lines
    assert "    2x  Mag ik klanten weigeren?  (last asked 2024-05-09)" in lines
    assert "        also: klant weigeren, mag dat?" in lines
    # Disliked passages: votes, title, id, start of the quote.
    assert "    2 down   0 up  Omgaan met <boze> klanten & klachten (boze-klant)" in lines
    quote_line = lines[lines.index("    2 down   0 up  Omgaan met <boze> klanten & klachten (boze-klant)") + 1]
    assert quote_line.startswith('        "Luister eerst & laat de klant uitpraten')
    assert quote_line.endswith('…"') and len(quote_line) < len(BOZE_QUOTE)
    assert "    1 down   1 up  opportunist (opportunist)" in lines
    # Most asked articles, titled where the corpus has a title.
    top = lines.index("Most asked articles (quoted first in an answer)")
    assert lines[top + 1 : top + 3] == ["     2  Omgaan met <boze> klanten & klachten (boze-klant)",
                                        "     1  opportunist (opportunist)"]


def test_text_report_of_an_empty_period() -> None:
    empty = ReportData(days=2, generated_at=NOW, per_day=(DayStat(dt.date(2024, 5, 9), 0, 0, 0.0),
                                                          DayStat(dt.date(2024, 5, 10), 0, 0, 0.0)),
                       unanswered=(), disliked=(), top_articles=(), titles={})
    text = render_text(empty)
    assert "Questions: 0, answered: 0 (0%)" in text
    assert text.count("  none") == 3


def test_terminal_text_cannot_carry_control_sequences() -> None:
    group = UnansweredGroup("boo\x1b[2J\x1b]0;pwned\x07\nline two", 1, NOW, ("boo\x1b[2J\nline two",))
    data = ReportData(days=1, generated_at=NOW, per_day=(DayStat(dt.date(2024, 5, 10), 1, 0, 0.0),),
                      unanswered=(group,), disliked=(), top_articles=(), titles={})
    text = render_text(data)
    assert "\x1b" not in text and "\x07" not in text
    assert "boo [2J ]0;pwned line two" in text
    assert clean("a\u202eb\tc\r\nd") == "a b c d"


def test_both_reports_name_the_article_that_came_closest_to_a_group() -> None:
    near = UnansweredGroup("Mag ik een klant <weigeren>?", 2, NOW, ("Mag ik een klant <weigeren>?",), "nee-zeggen")
    far = UnansweredGroup("Wat is het weer morgen?", 1, NOW, ("Wat is het weer morgen?",))
    data = ReportData(days=1, generated_at=NOW, per_day=(DayStat(dt.date(2024, 5, 10), 3, 0, 0.0),),
                      unanswered=(near, far), disliked=(), top_articles=(),
                      titles={"nee-zeggen": "Nee zeggen & <toch> klant blijven"})
    lines = render_text(data).splitlines()
    at = lines.index("    2x  Mag ik een klant <weigeren>?  (last asked 2024-05-10)")
    assert lines[at + 1] == "        closest article: Nee zeggen & <toch> klant blijven"
    assert lines[at + 2].startswith("    1x  Wat is het weer morgen?")  # a group without one gets no line
    page = render_html(data)
    assert '<div class="examples">closest article: Nee zeggen &amp; &lt;toch&gt; klant blijven</div>' in page
    assert page.count("closest article") == 1
    admin = unanswered_html([near, far])
    assert "• Mag ik een klant &lt;weigeren&gt;? ×2 (closest: <code>nee-zeggen</code>)" in admin
    assert "• Wat is het weer morgen? ×1" in admin.splitlines()


def test_html_report_contents(data: ReportData) -> None:
    page = render_html(data)
    assert page.startswith("<!DOCTYPE html>")
    assert "<b>8</b> questions, <b>3</b> answered (<b>38%</b>)" in page
    assert "feedback: 1 👍, 3 👎" in page
    # The chart: one bar per day (plus the plot background) with its figures as a tooltip, and the rate line.
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count("<rect") == 1 + 7
    assert "<title>2024-05-10: 3 asked, 2 answered (67%)</title>" in svg
    assert "<title>2024-05-05: 0 asked, 0 answered</title>" in svg
    assert svg.count("<circle") == 5  # a rate point for each of the five days with questions
    assert "<polyline" in svg  # 6..10 May is a run of days with questions
    # Per-day table, groups, disliked passages, top articles.
    assert '<td>2024-05-08</td><td class="n">2</td><td class="n">1</td><td class="n">50%</td>' in page
    assert '<td class="n">3×</td>' in page and "<li>Wat kost een abonnement?</li>" in page
    assert '<td class="n">2</td><td class="n">0</td><td><b>Omgaan met &lt;boze&gt; klanten &amp; klachten</b>' in page
    assert "Luister eerst &amp; laat de klant uitpraten" in page
    assert '<td class="n">2</td><td>Omgaan met &lt;boze&gt; klanten &amp; klachten <code>boze-klant</code>' in page


def test_html_report_escapes_user_text_and_is_self_contained(data: ReportData) -> None:
    page = render_html(data)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page.lower()  # neither the question's nor any of our own: no JS needed
    assert "<boze>" not in page
    assert not re.search(r"""(src|href)\s*=|<link|@import|url\(""", page, re.IGNORECASE)
    assert "<style>" in page


def test_html_chart_breaks_the_rate_line_on_days_without_questions() -> None:
    days = (DayStat(dt.date(2024, 5, 1), 2, 1, 0.5), DayStat(dt.date(2024, 5, 2), 0, 0, 0.0),
            DayStat(dt.date(2024, 5, 3), 4, 4, 1.0), DayStat(dt.date(2024, 5, 4), 1, 0, 0.0))
    data = ReportData(days=4, generated_at=NOW, per_day=days, unanswered=(), disliked=(), top_articles=(), titles={})
    svg = render_html(data).split("<svg", 1)[1]
    assert svg.count("<polyline") == 1  # only 3-4 May form a line; 1 May stands alone
    assert svg.count("<circle") == 3
    assert "No answers in this period." in render_html(data)


# ---------------------------------------------------------------------------------------------------------------
# The command


def _setup(tmp_path: Path, enabled: bool = True, fill: bool = True) -> argparse.Namespace:
    config = tmp_path / "config"
    config.mkdir()
    db = tmp_path / "stats" / "usage.sqlite3"
    (config / "usage.yaml").write_text(f"enabled: {str(enabled).lower()}\npath: {db}\nretention_days: 3650\n"
                                       "colour: blue\n")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "boze-klant.md").write_text("---\nid: boze-klant\ntitle: Omgaan met <boze> klanten\n---\n"
                                          "## Klachten\n\nLuister eerst.\n")
    if fill:
        store = UsageStore.open(db, KEY, retention_days=3650)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        # The command reports up to today, so shift the known data set to end today.
        from test_usage import KNOWN_QUESTIONS

        shift = now.date() - NOW.date()
        for when, question, answer in KNOWN_QUESTIONS:
            store.record_question(question=question, answer=answer, chat_type="private", user_id=1, chat_id=1,
                                  at=min(when + shift, now))
        store.close()
    return argparse.Namespace(corpus=corpus, config=config, html=None, days=30)


def test_report_command_prints_text_and_writes_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = _setup(tmp_path)
    args.html = tmp_path / "out" / "report.html"
    assert main_report(args) == 0
    out, err = capsys.readouterr()
    assert "Questions: 10, answered: 4 (40%)" in out
    assert "Omgaan met <boze> klanten (boze-klant)" in out  # the corpus title, not just the id
    assert "unknown key 'colour'" in err  # settings problems go to stderr
    assert f"HTML report written to {args.html}" in err
    page = args.html.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script" not in page
    assert "Omgaan met &lt;boze&gt; klanten" in page


def test_report_command_without_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = _setup(tmp_path, fill=False)
    assert main_report(args) == 1
    err = capsys.readouterr().err
    assert "No usage database at" in err and "usage.sqlite3" in err
    assert not (tmp_path / "stats").exists()  # reporting must not create the database or the key


def test_report_command_when_disabled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = _setup(tmp_path, enabled=False)
    assert main_report(args) == 1
    assert "usage store is off" in capsys.readouterr().err


def test_report_command_rejects_zero_days(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = _setup(tmp_path, fill=False)
    args.days = 0
    assert main_report(args) == 2
    assert "--days must be at least 1" in capsys.readouterr().err


def test_report_finds_the_database_where_the_bot_keeps_it_with_relatiebot_data(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The bot puts usage.sqlite3 under $RELATIEBOT_DATA when usage.yaml keeps the default path; the report used to
    look beside the config folder only and say there was no database."""
    args = _setup(tmp_path)
    (args.config / "usage.yaml").write_text("enabled: true\nretention_days: 3650\n")  # the default path
    data = tmp_path / "srv-data"
    data.mkdir()
    (tmp_path / "stats" / "usage.sqlite3").rename(data / "usage.sqlite3")
    monkeypatch.setenv("RELATIEBOT_DATA", str(data))
    assert main_report(args) == 0, capsys.readouterr().err
    assert "Questions: 10, answered: 4 (40%)" in capsys.readouterr().out
