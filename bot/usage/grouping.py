"""Grouping unanswered questions that are worded alike, so the report shows one line per question people ask."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.search.analysis import analyse, fold_accents, jaccard, normalise

GROUP_SIMILARITY = 0.5  # Jaccard of two questions' word sets above which they count as the same question
MAX_KEYS_PER_GROUP = 64


@dataclass(frozen=True, slots=True)
class UnansweredGroup:
    representative: str  # the most recent wording
    count: int
    last_asked: dt.datetime
    examples: tuple[str, ...]  # up to 3 distinct wordings, most recent first (the representative is the first)
    # The article the engine most often named as closest for the group's questions (ties: the most recent), None when
    # it named none: tells "the articles lack this" from "an article nearly answered: a synonym may be enough".
    nearby: str | None = None


_PUNCT = re.compile(r"[^\w\s]|_")


def question_words(text: str) -> frozenset[str]:
    """Words that identify a question: Dutch lemmas/stems of its content words (so klacht/klachten match), or when
    it has none (only stop words, "hoe?"), its lowercased accent-folded words."""
    terms = frozenset(analyse(text))
    if terms:
        return terms
    return frozenset(fold_accents(_PUNCT.sub(" ", normalise(text))).split())


def group_questions(rows: Iterable[tuple[str, dt.datetime, str | None]], limit: int) -> list[UnansweredGroup]:
    """Group (text, time, nearest article) rows, given most recent first, by word-set similarity; groups ordered
    most recent first.

    A question joins the first group holding a wording at least GROUP_SIMILARITY alike (compared with the group's
    first MAX_KEYS_PER_GROUP distinct word sets). Candidates come from an inverted index (word -> groups) and identical
    word sets from a dict, so a few hundred questions group in a few milliseconds, thousands in tens of ms.
    """
    groups: list[dict[str, Any]] = []
    by_word: dict[str, set[int]] = {}
    by_key: dict[frozenset[str], int] = {}  # identical word sets go straight to their group
    empty_group: int | None = None
    for text, at, nearby in rows:
        text = text.strip()
        if not text:
            continue
        words = question_words(text)
        target: int | None = empty_group if not words else by_key.get(words)
        if target is None and words:
            candidates = sorted(set().union(*(by_word.get(w, set()) for w in words)))
            for index in candidates:
                if any(jaccard(words, seen) >= GROUP_SIMILARITY for seen in groups[index]["keys"]):
                    target = index
                    break
        if target is None:
            target = len(groups)
            groups.append({"rep": text, "count": 0, "last": at, "examples": [], "seen": set(), "keys": [],
                           "nearby": Counter()})
            if not words:
                empty_group = target
        group = groups[target]
        group["count"] += 1
        if nearby:
            group["nearby"][nearby] += 1  # a Counter keeps first-seen order: the most recent wins a tie
        if words not in by_key:
            by_key[words] = target
            if len(group["keys"]) < MAX_KEYS_PER_GROUP:  # bounds the work for a huge, varied group
                group["keys"].append(words)
        for word in words:
            by_word.setdefault(word, set()).add(target)
        if len(group["examples"]) < 3:
            folded = " ".join(normalise(text).split())  # "Klacht?" and "klacht?" are one example, not two
            if folded not in group["seen"]:
                group["seen"].add(folded)
                group["examples"].append(text)
    # Rows arrive newest first, so creation order is already "most recent first".
    return [UnansweredGroup(g["rep"], g["count"], g["last"], tuple(g["examples"]),
                            g["nearby"].most_common(1)[0][0] if g["nearby"] else None) for g in groups[:limit]]
