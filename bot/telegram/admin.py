"""Texts for the operators' commands (/status, /reload, /onbeantwoord), built from plain data.

Pure functions returning Telegram-safe HTML (every piece of corpus, file or user text escaped), so the Telegram layer
only decides who may see them and sends them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape
from typing import Any

from bot.search.engine import Engine
from bot.serving.live import ReloadReport

MAX_PROBLEMS_SHOWN = 10


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, _ = divmod(rest, 60)
    return f"{days}d {hours}h {minutes}m" if days else f"{hours}h {minutes}m"


def problems_html(report: ReloadReport) -> str:
    lines = [f"• {escape(str(p))}" for p in report.problems[:MAX_PROBLEMS_SHOWN]]
    if len(report.problems) > MAX_PROBLEMS_SHOWN:
        lines.append(f"… and {len(report.problems) - MAX_PROBLEMS_SHOWN} more (see the log)")
    return "\n".join(lines)


def reload_html(report: ReloadReport) -> str:
    head = f"<b>Reload</b> ({escape(report.reason)}): {escape(report.summary())}"
    return head + ("\n" + problems_html(report) if report.problems else "")


def status_html(
    engine: Engine,
    report: ReloadReport | None,
    started_at: dt.datetime,
    today: tuple[int, float] | None,
    now: dt.datetime | None = None,
) -> str:
    now = now or dt.datetime.now(dt.UTC)
    lines = [
        "<b>Status</b>",
        f"Corpus version: <code>{escape(engine.version)}</code>",
        f"Articles: {len(engine.articles)}, chunks: {len(engine.chunks)}",
        f"Uptime: {_duration((now - started_at).total_seconds())}",
    ]
    if report is not None:
        when = report.at.strftime("%Y-%m-%d %H:%M:%S UTC")
        lines.append(f"Last reload: {when} ({escape(report.reason)}), {'ok' if report.ok else 'REFUSED'}, "
                     f"{len(report.problems)} problem(s)")
        if not report.ok:
            lines.append(f"Error: {escape(report.error)}")
        if report.problems:
            lines.append(problems_html(report))
    if today is not None:
        asked, share = today
        lines.append(f"Questions today: {asked}, answered: {share:.0%}")
    else:
        lines.append("Questions today: (usage store off)")
    return "\n".join(lines)


def unanswered_html(groups: Sequence[Any], limit: int = 15) -> str:
    """Groups as returned by the usage store's `unanswered()`: representative, count, last asked, examples."""
    if not groups:
        return "No unanswered questions in this period."
    lines = ["<b>Unanswered questions</b> (most recent first, similar ones grouped)"]
    for group in list(groups)[:limit]:
        rep = escape(str(getattr(group, "representative", group)))
        count = getattr(group, "count", 1)
        nearby = getattr(group, "nearby", None)
        lines.append(f"• {rep} ×{count}" + (f" (closest: <code>{escape(nearby)}</code>)" if nearby else ""))
    return "\n".join(lines)
