"""Parse one corpus file (YAML front matter + Markdown body) into an `Article`, or explain why it cannot be."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.problems import Problem
from bot.search.records import KINDS, Article, Kind
from bot.yamlfile import key_line, parse_yaml, read_text

ARTICLE_SUFFIXES = (".md", ".markdown")
KNOWN_KEYS = {"id", "title", "author", "date", "url", "language", "kinds"}
# Ids travel in Telegram deep links (/start payloads) and callback data: [A-Za-z0-9_-], at most 64 characters.
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,48}$")
URL_PATTERN = re.compile(r"^https?://[^\s<>\"]+$")
# A Markdown heading line; chunking cuts sections at these, and `kinds:` in the front matter names them.
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?\n?", re.DOTALL | re.MULTILINE)


def parse_article(text: str, path: str) -> tuple[Article | None, list[Problem]]:
    """Turn file text into an Article. Errors make the article unusable; warnings (unknown keys) do not."""
    match = _FRONT.match(text)
    if not match:
        if re.match(r"---[ \t]*\r?\n", text):
            return None, [Problem(path, "front matter not closed: add a '---' line after its last key (id, title, "
                                        "...), before the article's text", 1)]
        return None, [Problem(path, "missing YAML front matter (the file must start with a '---' line)", 1)]
    meta, problems = parse_yaml(match.group(1), path, line_offset=1)
    if problems:
        return None, problems
    if not isinstance(meta, dict):
        return None, [Problem(path, "front matter must be a mapping of keys (id: ..., title: ...)", 2)]
    front_text = match.group(1)
    body_start_line = text[: match.end()].count("\n") + 1
    body = text[match.end() :].strip("\n")

    def line(key: str) -> int | None:
        return key_line(front_text, key, line_offset=1)

    problems = []
    # YAML keeps the last of two equal keys without a word: a second "title:" pasted below silently wins.
    seen: dict[str, int] = {}
    for number, raw_line in enumerate(front_text.splitlines(), start=2):
        key = raw_line.split(":", 1)[0].strip() if ":" in raw_line and not raw_line[:1].isspace() else ""
        if key and not key.startswith("#"):
            if key in seen:
                problems.append(Problem(path, f"key '{key}' appears twice (lines {seen[key]} and {number}); the "
                                              "last one is used", number, "warning"))
            seen[key] = number
    for key in sorted(set(map(str, meta)) - KNOWN_KEYS):
        problems.append(
            Problem(path, f"unknown key '{key}' (known: {', '.join(sorted(KNOWN_KEYS))})", line(key), "warning")
        )

    def text_field(key: str, required: bool = False) -> str | None:
        value = meta.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                problems.append(Problem(path, f"missing {key}", line(key) or 2))
            return None
        if isinstance(value, dt.date):
            return value.isoformat()
        if not isinstance(value, str | int | float):
            problems.append(Problem(path, f"{key} must be text, not {type(value).__name__}", line(key)))
            return None
        return str(value).strip()

    article_id = text_field("id", required=True)
    title = text_field("title", required=True)
    author = text_field("author")
    date = text_field("date")
    url = text_field("url")
    language = text_field("language") or "nl"
    if article_id is not None and not ID_PATTERN.match(article_id):
        problems.append(
            Problem(path, f"id '{article_id}' must be 1-48 characters of A-Z, a-z, 0-9, '_' or '-'", line("id"))
        )
    if date is not None:
        try:
            dt.date.fromisoformat(date)
        except ValueError:
            problems.append(Problem(path, f"date '{date}' must be YYYY-MM-DD", line("date")))
    if url is not None and not URL_PATTERN.match(url):
        problems.append(Problem(path, f"url '{url}' must be an http(s) address", line("url")))
    section_kinds: dict[str, Kind] = {}
    kinds = meta.get("kinds")
    if kinds is not None:
        if not isinstance(kinds, dict):
            problems.append(Problem(path, "kinds must map a section heading to rule, case or passage", line("kinds")))
        else:
            for heading, kind in kinds.items():
                if kind not in KINDS:
                    problems.append(
                        Problem(path, f"kinds: '{heading}' has kind '{kind}', expected rule, case or passage",
                                line("kinds"))
                    )
                else:
                    section_kinds[str(heading).strip().casefold()] = kind
            headings = {m.group(1).strip().casefold() for line in body.splitlines() if (m := HEADING.match(line))}
            for heading in section_kinds.keys() - headings:
                problems.append(Problem(path, f"kinds: no section '{heading}' in this article (its headings: "
                                              f"{', '.join(sorted(headings)) or 'none'})", line("kinds"), "warning"))
    if not body.strip():
        problems.append(Problem(path, "empty body: the article has no text after the front matter", body_start_line))
    if any(p.severity == "error" for p in problems):
        return None, problems
    assert article_id is not None and title is not None
    article = Article(
        id=article_id, title=title, body=body, author=author, date=date, url=url, language=language,
        path=path, section_kinds=section_kinds,
    )
    return article, problems


def load_article(path: Path) -> tuple[Article | None, list[Problem]]:
    text, problems = read_text(path)
    if text is None:
        return None, problems
    return parse_article(text, str(path))


def load_articles(folder: Path) -> tuple[list[Article], list[Problem]]:
    """Load every article in `folder`; a bad file is reported and skipped, never stopping the others.

    Of two files with one id the older keeps it (`one_per_id`), so the choice is stable across reloads.
    """
    problems: list[Problem] = []
    if not folder.is_dir():
        return [], [Problem(str(folder), "corpus folder does not exist")]
    try:
        paths = sorted(p for p in folder.rglob("*") if p.suffix.lower() in ARTICLE_SUFFIXES)
    except OSError as exc:
        return [], [Problem(str(folder), f"cannot list corpus folder: {exc}")]
    found: list[tuple[str, Article]] = []
    for path in paths:
        if path.name.startswith(".") or not path.is_file():
            continue
        article, faults = load_article(path)
        problems.extend(faults)
        if article is not None:
            found.append((str(path), article))
    dropped, more = one_per_id(found)
    return [article for key, article in found if key not in dropped], problems + more


def one_per_id(found: Sequence[tuple[str, Article]],
               serving: Callable[[str, str], bool] = lambda path, article_id: False) -> tuple[set[str], list[Problem]]:
    """(the files to leave out, a problem for each) when several files give one id: the one being served keeps it
    (`serving(path, id)`), else the oldest file (by modification time, then name). A copy saved next to an article
    (or a new file whose name sorts first) must not take an established article's place: the first in name order
    used to win, and the original was blamed as the duplicate."""
    by_id: dict[str, list[str]] = {}
    for key, article in found:
        by_id.setdefault(article.id, []).append(key)
    dropped: set[str] = set()
    problems: list[Problem] = []
    for article_id, keys in by_id.items():
        if len(keys) < 2:
            continue
        keeper = next((k for k in keys if serving(k, article_id)), None) or min(keys, key=lambda k: (_mtime(k), k))
        for key in keys:
            if key != keeper:
                dropped.add(key)
                problems.append(Problem(key, f"duplicate id '{article_id}' (already used by {keeper}, which keeps "
                                             "it): this file is not served until it has an id of its own", 2))
    return dropped, problems


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return float("inf")
