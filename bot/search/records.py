"""Plain data passed along the pipeline: articles -> chunks -> index -> answer.

Nothing here knows about Telegram, files or ranking; every stage imports these types and nothing else upstream.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["rule", "case", "passage"]
KINDS: tuple[Kind, ...] = ("rule", "case", "passage")
# A heading that introduces a worked example: "Casus Aventeon", "Case: ...", "Praktijkvoorbeeld".
LABEL_SECTION_CHARS = 60
CASE_HEADING = re.compile(r"^(casus|case|case study|praktijkvoorbeeld|voorbeeld|praktijkcasus)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Article:
    """One corpus file: its metadata and its Markdown body."""

    id: str
    title: str
    body: str
    author: str | None = None
    date: str | None = None
    url: str | None = None
    language: str = "nl"
    path: str = ""
    # Operator overrides: section heading (case-insensitive) -> kind.
    section_kinds: dict[str, Kind] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Chunk:
    """A retrievable unit: a paragraph group inside one section of one article."""

    article_id: str
    section: str  # heading the chunk sits under; the article title when the article has no headings
    text: str  # verbatim paragraphs joined by blank lines
    kind: Kind
    position: int  # order within the article, for "next passage" and for rebuilding the article
    views: tuple[int, ...] = ()  # paragraphs (0-based, in `text`) an operator marked as a view the author rejects


@dataclass(frozen=True, slots=True)
class Result:
    """One ranked passage as the user will see it."""

    article: str
    title: str
    author: str | None
    date: str | None
    url: str | None
    kind: Kind
    quote: str  # verbatim sentence(s) from `text`, with "…" where cut
    text: str  # the whole chunk
    section: str
    score: float
    chunk_index: int  # position of the chunk in the index, stable for one corpus version
    rebutted: bool = False  # the quote holds a view the author rejects, with the author's answer after it
    confidence: float | None = None  # the answer model's, when it chose the passage (`semantic.combine: model`)
    example: str | None = None  # the operator's example question (config/examples.yaml) that chose this passage

    def label(self, base: str) -> str:
        """What the quote is, as the user reads it: a case or rule from a named section carries the section's name
        ("Casus Aventeon", "Regel: Onbalans in waarde-uitwisseling"), so "Wat ging er mis bij Aventeon?" is answered
        by something that visibly is about Aventeon. `base` is the plain label in the user's language."""
        if self.kind == "passage" or not self.section or self.section == self.title:
            return base
        # A heading is short in any real article; a pasted paragraph as a heading must not crowd out the quote.
        name = self.section if len(self.section) <= LABEL_SECTION_CHARS else \
            self.section[: LABEL_SECTION_CHARS - 1].rstrip() + "…"
        if CASE_HEADING.match(name):  # the heading already says it is a case
            return name
        return f"{base}: {name}"

    def as_json(self) -> dict[str, object]:
        return {
            "article": self.article,
            "title": self.title,
            "author": self.author,
            "date": self.date,
            "url": self.url,
            "kind": self.kind,
            "quote": self.quote,
            "text": self.text,
            "section": self.section,
            "rebutted": self.rebutted,
            "score": round(self.score, 6),
            "confidence": None if self.confidence is None else round(self.confidence, 4),
            **({"example": self.example} if self.example is not None else {}),
        }


@dataclass(frozen=True, slots=True)
class Nearby:
    """An article that comes closest to a question the engine declined: a pointer for the user, never a quote."""

    article: str
    title: str
    confidence: float  # the answer model's, of the article's best passage


@dataclass(frozen=True, slots=True)
class Answer:
    """The engine's reply to one question. `results` is empty when the engine abstains."""

    question: str
    results: tuple[Result, ...]
    truncated: bool = False  # the question was longer than the cap and was cut before analysis
    reason: str = ""  # why the engine abstained ("no-terms", "no-match", "below-threshold"), for logs and reports
    smalltalk: str | None = None  # "greeting", "thanks", "ack", "bye", "identity", "help": not a question at all
    # When the engine declined: the articles whose best passage came closest (best first), for "these may help".
    nearby: tuple[Nearby, ...] = ()

    @property
    def intent(self) -> str:
        return "smalltalk" if self.smalltalk else "question"

    @property
    def answered(self) -> bool:
        return bool(self.results)

    def as_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "answered": self.answered,
            "intent": self.intent,
            **({"smalltalk": self.smalltalk} if self.smalltalk else {}),
            "results": [r.as_json() for r in self.results],
            **({"nearby": [{"article": n.article, "title": n.title, "confidence": round(n.confidence, 4)}
                           for n in self.nearby]} if self.nearby else {}),
        }
