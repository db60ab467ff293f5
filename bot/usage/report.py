"""`python -m bot report [--days N] [--html FILE]`: what operators need to improve the corpus.

Answer rate per day, the unanswered questions (grouped, so an article can be written for each group), the passages
people disliked most, and the articles quoted most. The store is read once into a `ReportData`; text and HTML are
pure functions of that data, so tests can check the output on a fixed data set without a terminal or a browser.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import sys
import unicodedata
from dataclasses import dataclass
from html import escape
from pathlib import Path

from bot.usage.grouping import UnansweredGroup
from bot.usage.settings import load_usage_settings
from bot.usage.store import DayStat, PassageVotes, UsageSchemaError, UsageStore

BAR_WIDTH = 20
QUOTE_START = 90  # characters of a disliked quote shown: enough to recognise the passage


@dataclass(frozen=True)
class ReportData:
    days: int
    generated_at: dt.datetime
    per_day: tuple[DayStat, ...]
    unanswered: tuple[UnansweredGroup, ...]
    disliked: tuple[PassageVotes, ...]
    top_articles: tuple[tuple[str, int], ...]
    titles: dict[str, str]  # article id -> title; ids missing here are shown as ids
    votes_up: int = 0
    votes_down: int = 0

    @property
    def asked(self) -> int:
        return sum(d.asked for d in self.per_day)

    @property
    def answered(self) -> int:
        return sum(d.answered for d in self.per_day)

    @property
    def rate(self) -> float:
        return self.answered / self.asked if self.asked else 0.0

    def title(self, article: str) -> str:
        return self.titles.get(article, article)


def collect(store: UsageStore, days: int, titles: dict[str, str] | None = None,
            now: dt.datetime | None = None) -> ReportData:
    """Read everything the report shows, once."""
    now = now or dt.datetime.now(dt.UTC)
    up, down = store.feedback_totals(days, now=now)
    return ReportData(
        days=days,
        generated_at=now,
        per_day=tuple(store.per_day(days, now=now)),
        unanswered=tuple(store.unanswered(days, limit=30, now=now)),
        disliked=tuple(store.disliked(days, limit=15, now=now)),
        top_articles=tuple(store.top_articles(days, limit=15, now=now)),
        titles=dict(titles or {}),
        votes_up=up,
        votes_down=down,
    )


# ---------------------------------------------------------------------------------------------------------------
# Text


def clean(text: str) -> str:
    """One line of user or corpus text safe for a terminal: a question could carry ANSI escape sequences or
    newlines that would rewrite or break the operator's screen, so control characters become spaces."""
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text)
    return " ".join(text.split())


def one_line(text: str, limit: int) -> str:
    """The text on one line, cut to `limit` characters with an ellipsis (the report's tables and terminal lines)."""
    text = clean(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _bar(rate: float, asked: int) -> str:
    if not asked:
        return ""
    filled = round(rate * BAR_WIDTH)
    return "#" * filled + "." * (BAR_WIDTH - filled)


def _period(data: ReportData) -> str:
    if not data.per_day:
        return f"last {data.days} days"
    return f"last {data.days} days ({data.per_day[0].day} to {data.per_day[-1].day}, UTC)"


def render_text(data: ReportData) -> str:
    out: list[str] = [
        f"Usage report, {_period(data)}; generated {data.generated_at:%Y-%m-%d %H:%M} UTC",
        f"Questions: {data.asked}, answered: {data.answered} ({data.rate:.0%}); "
        f"feedback: {data.votes_up} up, {data.votes_down} down",
        "",
        "Answer rate per day",
        f"{'day':<10}  {'asked':>5}  {'answered':>8}  {'rate':>4}",
    ]
    for day in data.per_day:
        rate = f"{day.rate:.0%}" if day.asked else "-"
        out.append(f"{day.day.isoformat():<10}  {day.asked:>5}  {day.answered:>8}  {rate:>4}  "
                   f"{_bar(day.rate, day.asked)}".rstrip())

    out += ["", "Unanswered questions (similar ones grouped, most recent first)"]
    if not data.unanswered:
        out.append("  none")
    for group in data.unanswered:
        out.append(f"  {group.count:>3}x  {clean(group.representative)}  (last asked {group.last_asked:%Y-%m-%d})")
        others = [clean(e) for e in group.examples[1:]]
        if others:
            out.append("        also: " + " | ".join(others))
        if group.nearby:
            out.append(f"        closest article: {clean(data.title(group.nearby))}")

    out += ["", "Passages with the most thumbs down"]
    if not data.disliked:
        out.append("  none")
    for passage in data.disliked:
        out.append(f"  {passage.down:>3} down {passage.up:>3} up  {clean(data.title(passage.article))} "
                   f"({clean(passage.article)})")
        out.append(f"        \"{one_line(passage.quote, QUOTE_START)}\"")

    out += ["", "Most asked articles (quoted first in an answer)"]
    if not data.top_articles:
        out.append("  none")
    for article, count in data.top_articles:
        out.append(f"  {count:>4}  {clean(data.title(article))} ({clean(article)})")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# HTML

_CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2530; margin: 2em auto;
       max-width: 60em; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: .2em; } h2 { font-size: 1.15em; margin-top: 2em; }
.meta { color: #5b6675; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3em .6em; border-bottom: 1px solid #e3e7ec; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.examples { color: #5b6675; font-size: .92em; }
blockquote { margin: .2em 0 0; color: #3b4654; font-style: italic; }
svg { max-width: 100%; height: auto; }
.legend span { display: inline-block; margin-right: 1.5em; }
.swatch { display: inline-block; width: .9em; height: .9em; vertical-align: -.1em; margin-right: .3em; }
"""


def _chart_svg(days: tuple[DayStat, ...]) -> str:
    """Questions per day as bars (left scale) and answer rate as a line (right scale, 0-100%)."""
    width, height = 760, 240
    left, right, top, bottom = 44, 48, 14, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(days), 1)
    slot = plot_w / n
    peak = max((d.asked for d in days), default=0) or 1
    base = top + plot_h

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="Questions per day and answer rate">',
             f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fafbfc" stroke="#e3e7ec"/>']
    for fraction in (0.5, 1.0):
        y = base - fraction * plot_h
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#e3e7ec"/>')
    parts += [
        f'<text x="{left - 6}" y="{base + 4}" text-anchor="end" font-size="11" fill="#5b6675">0</text>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="11" fill="#5b6675">{peak}</text>',
        f'<text x="{left + plot_w + 6}" y="{base + 4}" font-size="11" fill="#c0392b">0%</text>',
        f'<text x="{left + plot_w + 6}" y="{top + 4}" font-size="11" fill="#c0392b">100%</text>',
    ]
    points: list[list[tuple[float, float]]] = [[]]
    for i, day in enumerate(days):
        x = left + i * slot
        bar_h = day.asked / peak * plot_h
        tip = escape(f"{day.day.isoformat()}: {day.asked} asked, {day.answered} answered"
                     + (f" ({day.rate:.0%})" if day.asked else ""))
        parts.append(f'<rect x="{x + slot * 0.15:.1f}" y="{base - bar_h:.1f}" width="{slot * 0.7:.1f}" '
                     f'height="{bar_h:.1f}" fill="#7aa6d6"><title>{tip}</title></rect>')
        if day.asked:
            points[-1].append((x + slot / 2, base - day.rate * plot_h))
        elif points[-1]:
            points.append([])  # a day without questions has no rate: break the line rather than invent one
    for run in points:
        if len(run) > 1:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            parts.append(f'<polyline points="{coords}" fill="none" stroke="#c0392b" stroke-width="2"/>')
        for x, y in run:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#c0392b"/>')
    labels = {0, len(days) // 2, len(days) - 1} if days else set()
    for i in sorted(labels):
        x = left + i * slot + slot / 2
        parts.append(f'<text x="{x:.1f}" y="{base + 18}" text-anchor="middle" font-size="11" fill="#5b6675">'
                     f'{escape(days[i].day.isoformat())}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def render_html(data: ReportData) -> str:
    """A self-contained page (inline CSS and SVG, no scripts, no external resources); all text escaped."""
    rows = "\n".join(
        f'<tr><td>{escape(d.day.isoformat())}</td><td class="n">{d.asked}</td><td class="n">{d.answered}</td>'
        f'<td class="n">{f"{d.rate:.0%}" if d.asked else "-"}</td></tr>'
        for d in data.per_day
    )
    if data.unanswered:
        items = []
        for g in data.unanswered:
            others = "".join(f"<li>{escape(x)}</li>" for x in g.examples[1:])
            items.append(f'<tr><td class="n">{g.count}×</td><td>{escape(g.representative)}'
                         + (f'<ul class="examples">{others}</ul>' if others else "")
                         + (f'<div class="examples">closest article: {escape(data.title(g.nearby))}</div>'
                            if g.nearby else "")
                         + f'</td><td class="n">{escape(f"{g.last_asked:%Y-%m-%d}")}</td></tr>')
        unanswered = ('<table><tr><th class="n">count</th><th>question (other wordings)</th>'
                      '<th class="n">last asked</th></tr>\n' + "\n".join(items) + "</table>")
    else:
        unanswered = "<p>None in this period.</p>"
    if data.disliked:
        disliked = ('<table><tr><th class="n">👎</th><th class="n">👍</th><th>passage</th></tr>\n' + "\n".join(
            f'<tr><td class="n">{p.down}</td><td class="n">{p.up}</td><td><b>{escape(data.title(p.article))}</b> '
            f'<code>{escape(p.article)}</code><blockquote>{escape(one_line(p.quote, 300))}</blockquote></td></tr>'
            for p in data.disliked) + "</table>")
    else:
        disliked = "<p>No passage got a 👎 in this period.</p>"
    if data.top_articles:
        top = ('<table><tr><th class="n">answers</th><th>article</th></tr>\n' + "\n".join(
            f'<tr><td class="n">{count}</td><td>{escape(data.title(article))} <code>{escape(article)}</code></td></tr>'
            for article, count in data.top_articles) + "</table>")
    else:
        top = "<p>No answers in this period.</p>"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Relatiebot usage report</title>
<style>{_CSS}</style>
</head>
<body>
<h1>Usage report</h1>
<p class="meta">{escape(_period(data))}; generated {escape(f"{data.generated_at:%Y-%m-%d %H:%M}")} UTC</p>
<p><b>{data.asked}</b> questions, <b>{data.answered}</b> answered (<b>{data.rate:.0%}</b>);
feedback: {data.votes_up} 👍, {data.votes_down} 👎</p>
<h2>Questions and answer rate per day</h2>
<p class="legend"><span><i class="swatch" style="background:#7aa6d6"></i>questions asked</span>
<span><i class="swatch" style="background:#c0392b"></i>share answered</span></p>
{_chart_svg(data.per_day)}
<details><summary>Per day as a table</summary>
<table><tr><th>day</th><th class="n">asked</th><th class="n">answered</th><th class="n">rate</th></tr>
{rows}
</table></details>
<h2>Unanswered questions</h2>
<p class="meta">Similar questions are grouped; each group is a candidate for a new article or a synonym.</p>
{unanswered}
<h2>Passages with the most 👎</h2>
{disliked}
<h2>Most asked articles</h2>
{top}
</body>
</html>
"""


# ---------------------------------------------------------------------------------------------------------------
# Command


def _titles(corpus: Path) -> dict[str, str]:
    """Article titles for readable names; the report still works (with ids) when the corpus cannot be read."""
    from bot.search.articles import load_articles

    articles, _problems = load_articles(corpus)  # corpus problems are `corpus check`'s business, not the report's
    return {a.id: a.title for a in articles}


def main_report(args: argparse.Namespace) -> int:
    settings, problems = load_usage_settings(args.config)
    for problem in problems:
        print(problem, file=sys.stderr)
    if args.days < 1:
        print(f"--days must be at least 1, not {args.days}", file=sys.stderr)
        return 2
    if not settings.enabled:
        print(f"The usage store is off (enabled: false in {args.config / 'usage.yaml'}): there is nothing to report.",
              file=sys.stderr)
        return 1
    path = settings.location(args.config)
    if not path.is_file():
        print(f"No usage database at {path} yet: it is created when the bot answers its first question.",
              file=sys.stderr)
        return 1
    # The report never hashes an id, so it does not need (and must not create) the hash key. Opening also applies
    # the retention period, so an old database shows only what the policy allows to be kept.
    try:
        store = UsageStore.open(path, key=b"", retention_days=settings.retention_days,
                                store_question_text=settings.store_question_text)
    except (OSError, sqlite3.Error, UsageSchemaError) as exc:
        print(f"cannot open the usage database {path}: {exc}", file=sys.stderr)
        return 1
    try:
        data = collect(store, args.days, _titles(args.corpus))
    finally:
        store.close()
    sys.stdout.write(render_text(data))
    if args.html is not None:
        try:
            args.html.parent.mkdir(parents=True, exist_ok=True)
            args.html.write_text(render_html(data), encoding="utf-8")
        except OSError as exc:
            print(f"cannot write {args.html}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        print(f"HTML report written to {args.html}", file=sys.stderr)
    return 0
