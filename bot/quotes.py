"""Pick the verbatim sentence(s) of a chunk that best answer the question.

A quote is always a run of whole sentences copied from the chunk (never a rewrite), marked with "…" on each side
where the chunk goes on; only a single sentence longer than the limit is cut, and then at a space, never in a word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

ELLIPSIS = "…"
_ABBREVIATIONS = frozenset("bijv bv o.a ca dhr mevr mr dr drs ir ing prof nr blz vgl enz etc evt d.w.z m.a.w t.a.v e.d resp".split())
_LIST_MARKER = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
# Candidate sentence ends: ., !, ?, … and any closing quotes/brackets, then whitespace.
_END = re.compile(r"[.!?…]+[\"'”’)]*(?=\s)")


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    start: int  # offset in the chunk text
    end: int
    paragraph: int


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with their offsets; list items and paragraphs always end a sentence."""
    sentences: list[Sentence] = []
    offset = 0
    for number, paragraph in enumerate(re.split(r"\n\s*\n", text)):
        base = text.index(paragraph, offset) if paragraph else offset
        offset = base + len(paragraph)
        line_start = 0
        for line in paragraph.split("\n"):
            line_base = base + paragraph.index(line, line_start) if line else base + line_start
            line_start = line_base - base + len(line)
            body_start = _LIST_MARKER.match(line)
            cursor = body_start.end() if body_start else 0
            start = cursor
            for match in _END.finditer(line, cursor):
                before = line[start : match.start()].split()
                last_word = before[-1].casefold().rstrip(".") if before else ""
                if match.group().startswith(".") and (last_word in _ABBREVIATIONS or last_word.isdigit()):
                    continue
                piece = line[start : match.end()].strip()
                if piece:
                    lead = len(line[start : match.end()]) - len(line[start : match.end()].lstrip())
                    sentences.append(Sentence(piece, line_base + start + lead, line_base + match.end(), number))
                start = match.end()
            tail = line[start:]
            if tail.strip():
                lead = len(tail) - len(tail.lstrip())
                sentences.append(Sentence(tail.strip(), line_base + start + lead, line_base + len(line.rstrip()),
                                          number))
    return sentences


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > 0 else limit - 1].rstrip(" ,;:") + " " + ELLIPSIS


def select_quote(
    chunk_text: str,
    weights: Mapping[str, float],
    analyse: Callable[[str], Iterable[str]],
    max_chars: int = 400,
    max_sentences: int = 3,
) -> str:
    """The best window of consecutive sentences (one paragraph, at most `max_sentences`) for the question.

    `weights` gives each question term its importance (its IDF); a sentence scores the summed weight of the
    distinct question terms it contains. The window grows from the best sentence to neighbours that also match.
    """
    sentences = split_sentences(chunk_text)
    if not sentences:
        return _cut(chunk_text.strip(), max_chars)
    scores = [sum(weights.get(t, 0.0) for t in set(analyse(s.text))) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    lo = hi = best
    length = len(sentences[best].text)
    while hi - lo + 1 < max_sentences:
        options = []
        for j in (lo - 1, hi + 1):
            if 0 <= j < len(sentences) and sentences[j].paragraph == sentences[best].paragraph and scores[j] > 0:
                options.append((scores[j], -abs(j - best), j))
        if not options:
            break
        _, _, j = max(options)
        if length + 1 + len(sentences[j].text) > max_chars:
            break
        length += 1 + len(sentences[j].text)
        lo, hi = min(lo, j), max(hi, j)
    quote = chunk_text[sentences[lo].start : sentences[hi].end].strip()
    quote = _cut(re.sub(r"\s*\n\s*", " ", quote), max_chars)
    if lo > 0:
        quote = f"{ELLIPSIS} {quote}"
    if hi < len(sentences) - 1 and not quote.endswith(ELLIPSIS):
        quote = f"{quote} {ELLIPSIS}"
    return quote
