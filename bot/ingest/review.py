"""What slipped through into the corpus: warnings `corpus check` gives on articles that load but look wrong.

- a title that cannot be one (a script, a paragraph, a banner, a section word: the importer's own test);
- a body line or heading shaped like site chrome (a reading time, a login line, a photo credit, a lone date...);
- two articles with (nearly) the same text under different ids (the same page imported twice, from two formats).
These are warnings: the bot still serves the articles, but they show up in answers and in the topic list.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from bot.ingest.cleaning import chrome_reason
from bot.ingest.metadata import title_problem
from bot.problems import Problem
from bot.search.records import Article

SHINGLE = 5  # words per shingle: long enough that two articles on one topic do not share many by chance
SAMPLE = 4  # keep the shingles whose hash is 0 mod SAMPLE: a fixed sample, so a large corpus stays linear
NEAR_DUPLICATE = 0.8  # share of the smaller article's sampled shingles found in the other


def review_articles(articles: Sequence[Article]) -> list[Problem]:
    problems: list[Problem] = []
    for article in articles:
        problems += _title(article)
        problems += _chrome_lines(article)
    problems += near_duplicates(articles)
    return problems


def _title(article: Article) -> list[Problem]:
    problem = title_problem(article.title)
    if not problem:
        return []
    return [Problem(article.path, f"title {_short(article.title)!r} does not look like a title: it is {problem}; "
                                  "write the article's real title in 'title:'", _front_line(article, "title"),
                    "warning")]


def _chrome_lines(article: Article) -> list[Problem]:
    out: list[Problem] = []
    first = _body_start(article)
    for offset, line in enumerate(article.body.split("\n")):
        reason = chrome_reason(line)
        if reason:
            where = "heading" if line.lstrip().startswith("#") else "line"
            out.append(Problem(article.path, f"{where} {_short(line.strip())!r} looks like site chrome ({reason}): "
                                             "delete it if it is not the article's text",
                               first + offset if first else None, "warning"))
    return out


def _shingles(text: str) -> set[int]:
    words = re.findall(r"\w+", text.casefold())
    out: set[int] = set()
    for start in range(max(0, len(words) - SHINGLE + 1)):
        value = zlib.crc32(" ".join(words[start:start + SHINGLE]).encode())
        if value % SAMPLE == 0:
            out.add(value)
    return out


def near_duplicates(articles: Sequence[Article]) -> list[Problem]:
    """Pairs of articles whose sampled word shingles mostly coincide, found through an inverted index."""
    sets = [_shingles(a.body) for a in articles]
    index: dict[int, list[int]] = defaultdict(list)
    for number, shingles in enumerate(sets):
        for shingle in shingles:
            index[shingle].append(number)
    shared: Counter[tuple[int, int]] = Counter()
    for holders in index.values():
        if 1 < len(holders) <= 50:  # a shingle in 50 articles is boilerplate, not evidence of one page twice
            for i, a in enumerate(holders):
                for b in holders[i + 1:]:
                    shared[(a, b)] += 1
    problems: list[Problem] = []
    for (a, b), count in sorted(shared.items()):
        share = _share(count, sets[a], sets[b])
        if share is not None and articles[a].id != articles[b].id:
            first, second = articles[a], articles[b]
            problems.append(Problem(second.path, f"nearly the same text as '{first.id}' ({first.path}): "
                                                 f"{share:.0%} shared; keep one of them", None, "warning"))
    return problems


def _share(count: int, one: set[int], other: set[int]) -> float | None:
    """The share of the smaller article's sampled shingles the two have in common, when it makes them the same
    text; None otherwise (and for articles too short to tell)."""
    smaller = min(len(one), len(other))
    return count / smaller if smaller >= 3 and count / smaller >= NEAR_DUPLICATE else None


class KnownTexts:
    """The corpus's articles as shingle sets, built once for an import run: each imported article is compared with
    them as it is built (the same page imported before under another title or from another format), and added."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self._known = [(article, _shingles(article.body)) for article in articles]

    def same_text(self, article: Article) -> list[tuple[Article, float]]:
        """The articles under another id whose text is nearly this one's, with the share in common."""
        mine = _shingles(article.body)
        out = []
        for other, theirs in self._known:
            share = _share(len(mine & theirs), mine, theirs)
            if share is not None and other.id != article.id:
                out.append((other, share))
        return out

    def add(self, article: Article) -> None:
        self._known = [(a, s) for a, s in self._known if a.id != article.id]  # --force replaced that file
        self._known.append((article, _shingles(article.body)))


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _file_lines(article: Article) -> list[str]:
    try:
        return Path(article.path).read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return []


def _front_line(article: Article, key: str) -> int | None:
    for number, line in enumerate(_file_lines(article)[1:], start=2):
        if line.startswith(f"{key}:"):
            return number
        if line.strip() == "---":
            break
    return None


def _body_start(article: Article) -> int | None:
    """The file line of the body's first line (the loader strips leading blank lines from the body)."""
    lines = _file_lines(article)
    closing = next((i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---"), None)
    if closing is None:
        return None
    first = closing + 1
    while first < len(lines) and not lines[first].strip():
        first += 1
    return first + 1
