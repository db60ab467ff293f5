"""Cut an article's Markdown body into chunks and label each one rule, case or passage.

A chunk is one or more consecutive paragraphs of one section, so a quote never mixes two sections and the section
heading can travel with it as context. Sizes are bounded both ways: a lone short paragraph says too little for BM25
to rank it fairly (and for a reader to follow), a long one dilutes term frequencies and makes "Meer" jump too far.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.model import Article, Chunk, Kind

MIN_WORDS = 25
MAX_WORDS = 160

_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
_NUMBERED = re.compile(r"^\s*\d{1,2}[.)]\s+\S")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
# A heading that introduces a worked example: "Casus Aventeon", "Case: ...", "Praktijkvoorbeeld".
_CASE_HEADING = re.compile(r"^(casus|case|case study|praktijkvoorbeeld|voorbeeld|praktijkcasus)\b", re.IGNORECASE)
# A sentence that names the rule it states: "... de belangrijkste regel in zakelijke relaties: die behoren ...".
_NAMED_RULE = re.compile(r"\b(?:de|het|onze|mijn|eerste|gouden|belangrijkste)\s+(?:\w+\s+)?(?:regel|wet|principe)\b"
                         r"[^.!?]*:", re.IGNORECASE)
_KIND_MARKER = re.compile(r"^<!--\s*kind:\s*(rule|case|passage)\s*-->$", re.IGNORECASE)
# Sentence end: . ! ? (optionally a closing quote/bracket) followed by whitespace. Used for over-long paragraphs.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]?\s+")


@dataclass
class _Paragraph:
    text: str
    kind: Kind | None  # set when the paragraph alone decides the chunk's kind

    @property
    def words(self) -> int:
        return len(self.text.split())


def is_rule_paragraph(text: str) -> bool:
    """A numbered imperative ("1. Doe wat u belooft.") or a sentence that names its rule."""
    first_line = text.strip().splitlines()[0]
    if _NUMBERED.match(first_line) and len(first_line.split()) <= 25:
        return True
    return bool(_NAMED_RULE.search(text))


def sections(body: str) -> list[tuple[str | None, list[str]]]:
    """Split a Markdown body into (heading or None, paragraphs). Lists stay one paragraph with their lead-in."""
    result: list[tuple[str | None, list[str]]] = [(None, [])]
    block: list[str] = []

    def flush() -> None:
        if block:
            result[-1][1].append("\n".join(block).strip())
            block.clear()

    for line in body.splitlines():
        heading = _HEADING.match(line)
        if heading:
            flush()
            result.append((heading.group(1).strip(), []))
        elif not line.strip():
            flush()
        else:
            block.append(line.rstrip())
    flush()
    merged: list[tuple[str | None, list[str]]] = []
    for heading, paragraphs in result:
        if heading is None and not paragraphs:
            continue
        merged.append((heading, _join_lists(paragraphs)))
    return merged


def _join_lists(paragraphs: list[str]) -> list[str]:
    """A bullet list belongs with the sentence that introduces it ("Het roept vragen op, zoals:")."""
    out: list[str] = []
    for paragraph in paragraphs:
        is_bullets = all(_LIST_ITEM.match(line) and not _NUMBERED.match(line) for line in paragraph.splitlines())
        if is_bullets and out and out[-1].rstrip().endswith(":"):
            out[-1] = out[-1] + "\n" + paragraph
        else:
            out.append(paragraph)
    return out


def _split_long(text: str) -> list[str]:
    """Split an over-long paragraph at sentence ends into pieces of at most MAX_WORDS (a sentence is never cut)."""
    if len(text.split()) <= MAX_WORDS:
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        if current and len(" ".join([*current, sentence]).split()) > MAX_WORDS:
            pieces.append(" ".join(current))
            current = []
        current.append(sentence)
    if current:
        pieces.append(" ".join(current))
    return pieces


def _paragraphs(raw: list[str]) -> list[_Paragraph]:
    out: list[_Paragraph] = []
    pending_kind: Kind | None = None
    for text in raw:
        marker = _KIND_MARKER.match(text.strip())
        if marker:
            pending_kind = marker.group(1).lower()  # type: ignore[assignment]
            continue
        for piece in _split_long(text):
            kind: Kind | None = pending_kind or ("rule" if is_rule_paragraph(piece) else None)
            out.append(_Paragraph(piece, kind))
        pending_kind = None
    return out


def _group(paragraphs: list[_Paragraph]) -> list[list[_Paragraph]]:
    """Merge paragraphs into chunks of MIN_WORDS..MAX_WORDS.

    A rule paragraph starts a new chunk once the current one already holds a rule, so each rule keeps its own
    explanation; a paragraph ending in ':' stays with what it introduces, and a rule with the paragraph after it.
    """
    groups: list[list[_Paragraph]] = []
    current: list[_Paragraph] = []
    for paragraph in paragraphs:
        size = sum(p.words for p in current)
        # A rule is followed by its explanation ("1. Doe wat u belooft." / "Dus zeker niet minder..."): keep both.
        introduces = bool(current) and (
            current[-1].text.rstrip().endswith(":") or (current[-1].kind == "rule" and paragraph.kind is None)
        )
        rule_clash = paragraph.kind == "rule" and any(p.kind == "rule" for p in current)
        marker_clash = paragraph.kind in ("case", "passage") and bool(current)
        too_big = size + paragraph.words > MAX_WORDS
        full = size >= MIN_WORDS or rule_clash or too_big or marker_clash
        if current and ((not introduces and full) or (introduces and (too_big or (rule_clash and size >= MIN_WORDS)))):
            groups.append(current)
            current = []
        current.append(paragraph)
    if current:
        # A short tail joins the previous chunk when it fits, rather than standing alone with too little to rank.
        tail_size = sum(p.words for p in current)
        if groups and tail_size < MIN_WORDS and sum(p.words for p in groups[-1]) + tail_size <= MAX_WORDS and not (
            any(p.kind == "rule" for p in current) and any(p.kind == "rule" for p in groups[-1])
        ):
            groups[-1].extend(current)
        else:
            groups.append(current)
    return groups


def chunk_article(article: Article) -> list[Chunk]:
    """All chunks of one article, in reading order."""
    chunks: list[Chunk] = []
    for heading, raw in sections(article.body):
        override = article.section_kinds.get(heading.casefold()) if heading else None
        section_is_case = bool(heading and _CASE_HEADING.match(heading))
        for group in _group(_paragraphs(raw)):
            text = "\n\n".join(p.text for p in group)
            kinds = {p.kind for p in group if p.kind}
            kind: Kind
            if override:
                kind = override
            elif len(kinds) == 1:
                kind = kinds.pop()  # type: ignore[assignment]
            elif section_is_case:
                kind = "case"
            elif "rule" in kinds:
                kind = "rule"
            else:
                kind = "passage"
            if section_is_case and not override and kind != "case" and not any(p.kind for p in group):
                kind = "case"
            chunks.append(Chunk(article.id, heading or article.title, text, kind, len(chunks)))
    return chunks
