"""Cut an article's Markdown body into chunks and label each one rule, case or passage.

A chunk is one or more consecutive paragraphs of one section, so a quote never mixes two sections and the section
heading can travel with it as context. Sizes are bounded both ways: a lone short paragraph says too little for BM25
to rank it fairly (and for a reader to follow), a long one dilutes term frequencies and makes "Meer" jump too far.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import overload

import numpy as np

from bot.search.articles import HEADING
from bot.search.quotes import view_awaits_answer
from bot.search.records import CASE_HEADING, KINDS, Article, Chunk, Kind
from bot.search.scheduling import questions_first

MIN_WORDS = 25
MAX_WORDS = 160

_NUMBERED = re.compile(r"^\s*\d{1,2}[.)]\s+\S")
RULE_WORDS = 25  # a numbered rule is one short statement; a longer line is an explanation or a story
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
# A sentence that names the rule it states: "... de belangrijkste regel in zakelijke relaties: die behoren ...".
_NAMED_RULE = re.compile(r"\b(?:de|het|onze|mijn|eerste|gouden|belangrijkste)\s+(?:\w+\s+)?(?:regel|wet|principe)\b"
                         r"[^.!?]*:", re.IGNORECASE)
_KIND_MARKER = re.compile(r"^<!--\s*kind:\s*(rule|case|passage)\s*-->$", re.IGNORECASE)
# An operator's mark on a paragraph that states a view the author rejects, where the text's own signals are not
# enough: the paragraph is never quoted without the one after it (the author's answer).
_VIEW_MARKER = re.compile(r"^<!--\s*view:\s*rejected\s*-->$", re.IGNORECASE)
# Sentence end: . ! ? (optionally a closing quote/bracket) followed by whitespace. Used for over-long paragraphs.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]?\s+")


@dataclass
class _Paragraph:
    text: str
    kind: Kind | None  # set when the paragraph alone decides the chunk's kind
    view: bool = False  # marked by the operator as a view the author rejects
    words: int = field(init=False)  # counted once: grouping asks for it again for every paragraph that follows

    def __post_init__(self) -> None:
        self.words = len(self.text.split())


def _numbered_statement(first_line: str) -> str | None:
    """The rule a numbered line states, without its number: the whole line when it is short ("1. Doe wat u
    belooft."), else its first sentence when that is ("1. Maak duidelijke afspraken. Bevestig ze schriftelijk, ..."
    with the explanation on the same line); None when it states none."""
    if not _NUMBERED.match(first_line):
        return None
    item = _LIST_ITEM.sub("", first_line, count=1).strip()
    if len(first_line.split()) <= RULE_WORDS:
        return item
    end = re.search(r"[.!?](?=\s)", item)
    return item[: end.end()] if end and len(item[: end.end()].split()) <= RULE_WORDS else None


def is_rule_paragraph(text: str) -> bool:
    """A numbered imperative ("1. Doe wat u belooft.") or a sentence that names its rule."""
    first_line = text.strip().splitlines()[0]
    if _numbered_statement(first_line) is not None:
        return True
    # The pattern needs a colon; most paragraphs have none, and the search is a third of a 100k-chunk build.
    return ":" in text and bool(_NAMED_RULE.search(text))


def rule_statements(chunk_text: str) -> list[str]:
    """The sentences that state a chunk's rules: a numbered imperative's line ("Doe wat u belooft."), or a named rule
    from its name to the end of the sentence after the colon. A quote is labelled a rule only if it holds one: the
    explanation around a rule ("Hij noemt dit het equilibrium van Nash.") is a passage."""
    out: list[str] = []
    for paragraph in re.split(r"\n\s*\n", chunk_text):
        if not paragraph.strip() or not is_rule_paragraph(paragraph):
            continue
        statement = _numbered_statement(paragraph.strip().splitlines()[0])
        if statement is not None:
            out.append(statement)
            continue
        named = _NAMED_RULE.search(paragraph)
        if named:
            end = re.search(r"[.!?](?=\s|$)", paragraph[named.end():])
            out.append(paragraph[named.start(): named.end() + (end.end() if end else len(paragraph))].strip())
    return out


def sections(body: str) -> list[tuple[str | None, list[str]]]:
    """Split a Markdown body into (heading or None, paragraphs). Lists stay one paragraph with their lead-in."""
    result: list[tuple[str | None, list[str]]] = [(None, [])]
    block: list[str] = []

    def flush() -> None:
        if block:
            result[-1][1].append("\n".join(block).strip())
            block.clear()

    for line in body.splitlines():
        match = HEADING.match(line)
        if match:
            flush()
            result.append((match.group(1).strip(), []))
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
    pending_view = False
    for text in raw:
        while True:  # markers, each on its own line, directly above the paragraph or with a blank line between
            first, _, rest = text.strip().partition("\n")
            marker = _KIND_MARKER.match(first.strip())
            view = _VIEW_MARKER.match(first.strip())
            if not marker and not view:
                break
            if marker:
                pending_kind = marker.group(1).lower()  # type: ignore[assignment]
            else:
                pending_view = True
            # On its own line right above the paragraph (no blank line between) the marker was part of the
            # paragraph's text, so it was quoted and the kind was lost.
            text = rest
            if not text.strip():
                break
        if not text.strip():
            continue
        for piece in _split_long(text):
            kind: Kind | None = pending_kind or ("rule" if is_rule_paragraph(piece) else None)
            out.append(_Paragraph(piece, kind, pending_view))
        pending_kind = None
        pending_view = False
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
        # ... and a view the author rejects with the paragraph that answers it ("U zou uw klanten moeten
        # liefhebben ..." / "De praktijk blijkt helaas een stuk lastiger."), so the view is never quoted alone.
        introduces = bool(current) and (
            current[-1].text.rstrip().endswith(":") or (current[-1].kind == "rule" and paragraph.kind is None)
            or current[-1].view or view_awaits_answer(current[-1].text, paragraph.text)
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
        section_is_case = bool(heading and CASE_HEADING.match(heading))
        for group in _group(_paragraphs(raw)):
            text = "\n\n".join(p.text for p in group)
            kinds = {p.kind for p in group if p.kind}
            kind: Kind
            if override:
                kind = override
            elif len(kinds) == 1:
                kind = kinds.pop()
            elif section_is_case:
                kind = "case"
            elif "rule" in kinds:
                kind = "rule"
            else:
                kind = "passage"
            if section_is_case and not override and kind != "case" and not any(p.kind for p in group):
                kind = "case"
            views = tuple(number for number, p in enumerate(group) if p.view)
            chunks.append(Chunk(article.id, heading or article.title, text, kind, len(chunks), views))
    return chunks


class ChunkStore(Sequence[Chunk]):
    """The chunks of many articles, in order, without a second copy of their text.

    Nearly every chunk is a verbatim slice of its article's body, which the engine keeps anyway (`Engine.articles`):
    such a chunk is stored as (article, start, end) and made again on access; only a chunk that is not a slice (a
    long paragraph re-joined between sentences) keeps its own text. At 100k chunks that saves ~100 MB of duplicate
    text and 100k objects the garbage collector would otherwise walk.
    """

    def __init__(self) -> None:
        self._articles: list[Article] = []
        self._article_of = np.zeros(0, dtype=np.int32)
        self._start = np.zeros(0, dtype=np.int64)
        self._end = np.zeros(0, dtype=np.int64)
        self._kind = np.zeros(0, dtype=np.int8)
        self._position = np.zeros(0, dtype=np.int32)
        self._sections: list[str] = []
        self._texts: dict[int, str] = {}  # chunk index -> text, for chunks that are not a slice of their body
        self._views: dict[int, tuple[int, ...]] = {}  # chunk index -> its marked view paragraphs (rare: sparse)
        self._pending: list[tuple[int, int, int, int, int]] = []
        self._ranges: dict[str, list[range]] = {}  # article id -> where its chunks are

    def add(self, article: Article, chunks: Sequence[Chunk]) -> None:
        """Append the chunks of one article (from `chunk_article(article)`)."""
        number = len(self._articles)
        self._articles.append(article)
        body = article.body
        cursor = 0
        for chunk in chunks:
            index = len(self._sections)
            start = body.find(chunk.text, cursor)
            if start < 0:
                self._texts[index] = chunk.text
                start = end = -1
            else:
                end = cursor = start + len(chunk.text)
            if chunk.views:
                self._views[index] = chunk.views
            self._sections.append(chunk.section)
            self._pending.append((number, start, end, KINDS.index(chunk.kind), chunk.position))

    def freeze(self) -> ChunkStore:
        """Move the chunks added so far into compact arrays (call once after the last `add`)."""
        if self._pending:
            # Converted in slices: one np.array over 100k tuples holds the interpreter lock for ~30 ms.
            blocks = []
            for lo in range(0, len(self._pending), 10_000):
                questions_first.checkpoint()
                blocks.append(np.array(self._pending[lo : lo + 10_000], dtype=np.int64))
            columns = np.concatenate(blocks).T
            self._article_of = np.concatenate([self._article_of, columns[0].astype(np.int32)])
            self._start = np.concatenate([self._start, columns[1]])
            self._end = np.concatenate([self._end, columns[2]])
            self._kind = np.concatenate([self._kind, columns[3].astype(np.int8)])
            self._position = np.concatenate([self._position, columns[4].astype(np.int32)])
            self._pending = []
        self._index_articles()
        return self

    def _index_articles(self) -> None:
        # Built aside and swapped in whole: a question let in at a checkpoint never sees a half-built index.
        ranges: dict[str, list[range]] = {}
        if len(self):
            bounds = (np.flatnonzero(np.diff(self._article_of)) + 1).tolist()
            for number, (start, end) in enumerate(zip([0, *bounds], [*bounds, len(self)], strict=True)):
                if not number & 1023:
                    questions_first.checkpoint()
                article_id = self._articles[self._article_of[start]].id
                ranges.setdefault(article_id, []).append(range(start, end))
        self._ranges = ranges

    def columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(article number, kind as an index of `KINDS`, length in characters) of every chunk, as arrays: what the
        answer model needs of all chunks, without making 100k Chunk objects. Read-only once frozen: it runs on the
        store of the engine that is answering (the background build attaches the signal to a copy of the live
        engine, which shares its chunks), so it must not rebuild anything questions read."""
        if self._pending:
            self.freeze()
        lengths = self._end - self._start
        for index, text in self._texts.items():
            lengths[index] = len(text)
        return self._article_of, self._kind, lengths

    def select(self, keep: np.ndarray) -> ChunkStore:
        """The chunks where `keep` is true, in order."""
        self.freeze()
        out = ChunkStore()
        out._articles = self._articles
        out._article_of = self._article_of[keep]
        out._start = self._start[keep]
        out._end = self._end[keep]
        out._kind = self._kind[keep]
        out._position = self._position[keep]
        kept = np.flatnonzero(keep).tolist()
        out._sections = [self._sections[i] for i in kept]
        renumber = {old: new for new, old in enumerate(kept)}
        out._texts = {renumber[i]: text for i, text in self._texts.items() if i in renumber}
        out._views = {renumber[i]: views for i, views in self._views.items() if i in renumber}
        out._index_articles()
        return out

    def of_article(self, article_id: str) -> list[Chunk]:
        """The chunks of one article, in order (none for an unknown id)."""
        return [self[i] for r in self._ranges.get(article_id, ()) for i in r]

    def positions_of(self, article_id: str) -> list[int]:
        """Where the chunks of one article are in the store, in order (none for an unknown id)."""
        return [i for r in self._ranges.get(article_id, ()) for i in r]

    def sections_of(self, article_id: str) -> list[str]:
        """The section of each chunk of one article, in order, without making the chunks."""
        return [self._sections[i] for r in self._ranges.get(article_id, ()) for i in r]

    def __len__(self) -> int:
        return len(self._sections)

    @overload
    def __getitem__(self, index: int) -> Chunk: ...

    @overload
    def __getitem__(self, index: slice) -> list[Chunk]: ...

    def __getitem__(self, index: int | slice) -> Chunk | list[Chunk]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("chunk index out of range")
        article = self._articles[self._article_of[index]]
        text = self._texts.get(index)
        if text is None:
            text = article.body[self._start[index] : self._end[index]]
        return Chunk(article.id, self._sections[index], text, KINDS[self._kind[index]], int(self._position[index]),
                     self._views.get(index, ()))

    def __iter__(self) -> Iterator[Chunk]:
        for i in range(len(self)):
            yield self[i]

