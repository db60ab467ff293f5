"""Pick the verbatim sentence(s) of a chunk that best answer the question.

A quote is always a run of whole sentences copied from the chunk (never a rewrite), marked with "…" on each side
where the chunk goes on; only a single sentence longer than the limit is cut, and then at a space, never in a word.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

ELLIPSIS = "…"
_ABBREVIATIONS = frozenset(
    "bijv bv o.a ca dhr mevr mr dr drs ir ing prof nr blz vgl enz etc evt d.w.z m.a.w t.a.v e.d resp".split()
)
_LIST_MARKER = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
# Candidate sentence ends: ., !, ?, … and any closing quotes/brackets, then whitespace.
_END = re.compile(r"[.!?…]+[\"'”’)]*(?=\s)")


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    start: int  # offset in the chunk text
    end: int
    paragraph: int


@functools.lru_cache(maxsize=64)
def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences with their offsets; list items and paragraphs always end a sentence.

    Cached for the few passages of one answer: choosing the quote and checking it for a rejected view both need the
    same passage's sentences, and the answer path should split each passage once."""
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
                # A hesitation or a trailing-off inside a sentence ("met eh… onderhandelen"): an ellipsis before a
                # lowercase word goes on; quoting up to it gave a fragment such as "… onderhandelen. …".
                if match.group().startswith(("…", "..")) and line[match.end():].lstrip()[:1].islower():
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
    return tuple(sentences)


# A view the author sets up to knock down: "U zou uw klanten moeten liefhebben, ze knuffelen ...", "Men zegt dat
# korting trouw maakt.", "People say the customer is always right." Such a sentence is the opposite of the advice.
_VIEW = re.compile(
    r"^(?:(?:u|je|jij|we|wij|men) (?:zou|zouden|moet|moeten)\b.*\bmoeten\b|"
    r"(?:men|velen|veel mensen|iedereen) (?:zegt|zeggen|denkt|denken|gelooft|geloven|roept|roepen)\b|"
    r"er wordt (?:vaak |wel |weleens |wel eens |nogal eens )?(?:gezegd|gedacht|beweerd|geroepen)\b|"
    r"(?:vaak|overal) hoor je\b|het (?:idee|advies|cliché) (?:leeft |is )?(?:dat|om)\b|volgens velen\b|"
    r"(?:people|many|everyone|they) (?:say|think|believe|claim)\b|"
    r"it is (?:often|commonly|widely|usually) (?:said|believed|thought|claimed)\b|conventional wisdom\b|"
    r"you (?:should|ought to|are told to)\b.*\b(?:they say|we are told)\b)",
    re.IGNORECASE,
)
# The author's answer to it: "De praktijk blijkt helaas een stuk lastiger.", "Niets is minder waar.", "In practice ..."
_REBUTTAL = re.compile(
    r"^(?:maar|echter|helaas|de praktijk|in de praktijk|de werkelijkheid|niets is minder waar|dat klopt niet|"
    r"onzin|dat is een misverstand|toch\b|but|however|in practice|in reality|the reality|reality|"
    r"nothing could be further|that is not true|that's not true|wrong\b)",
    re.IGNORECASE,
)
VIEW_REACH = 3  # sentences after a view within which the author's answer must start for the view to count


def rejected_views(sentences: Sequence[Sentence], marked: Sequence[int] = ()) -> set[int]:
    """Indexes of the sentences that present a view the author rejects: a view sentence and what goes on from it
    until the author's answer ("Dan komt alles goed." belongs to the view it ends). A view sentence with no answer
    within VIEW_REACH sentences is taken as the author's own words. `marked`: paragraphs an operator marked as a
    rejected view (`<!-- view: rejected -->`); their sentences count when something follows them (the answer)."""
    out: set[int] = set()
    if marked:
        in_marked = [i for i, s in enumerate(sentences) if s.paragraph in marked]
        if in_marked and in_marked[-1] + 1 < len(sentences):
            out.update(in_marked)
    for i, sentence in enumerate(sentences):
        if i in out or not _VIEW.match(sentence.text):
            continue
        for j in range(i + 1, min(i + 1 + VIEW_REACH, len(sentences))):
            if _REBUTTAL.match(sentences[j].text):
                out.update(range(i, j))
                break
    return out


def view_awaits_answer(paragraph: str, following: str) -> bool:
    """The paragraph ends on a view the author rejects and the next paragraph opens with the answer: chunking keeps
    the two together, so a quote of the view can carry on into the answer."""
    sentences = split_sentences(paragraph)
    tail = sentences[-VIEW_REACH:]
    if not any(_VIEW.match(s.text) for s in tail) or any(_REBUTTAL.match(s.text) for s in tail[1:]):
        return False
    return bool(_REBUTTAL.match(following.lstrip()))


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > 0 else limit - 1].rstrip(" ,;:") + " " + ELLIPSIS


def select_quote(
    chunk_text: str,
    groups: Sequence[Mapping[str, float]],
    analyse: Callable[[str], Iterable[str]],
    max_chars: int = 400,
    max_sentences: int = 3,
    min_sentences: int = 1,
    views: Sequence[int] = (),
) -> str:
    """The shortest window of consecutive sentences (within one paragraph) that best covers the question.

    `groups` holds, per question word, the weight (IDF) of each of its terms (the word, its synonyms, parts); a window
    scores the sum over words of the best weight it contains, so synonyms of one word are not counted twice.
    `min_sentences` lets a case quote carry on with the sentences that follow, so the story stays readable.
    """
    sentences = split_sentences(chunk_text)
    if not sentences:
        return _cut(chunk_text.strip(), max_chars)
    # A window's score is, per question word, the best weight among the terms the window holds. The best over a
    # window is the best over its sentences' bests, so each sentence is matched against the question once and a
    # window only combines small per-word vectors (None: the sentence has none of that word's terms).
    best_per_sentence: list[list[float | None]] = []
    for sentence in sentences:
        found = set(analyse(sentence.text))
        best_per_sentence.append([max((w for t, w in group.items() if t in found), default=None) for group in groups])

    def score(window: list[float | None]) -> float:
        return sum(0.0 if w is None else w for w in window)

    best: tuple[float, int, int] = (-1.0, 0, 0)
    best_len = 0
    best_statement = False
    for lo in range(len(sentences)):
        window: list[float | None] = [None] * len(groups)
        length = -1
        for hi in range(lo, min(lo + max_sentences, len(sentences))):
            if sentences[hi].paragraph != sentences[lo].paragraph:
                break
            length += 1 + len(sentences[hi].text)
            if length > max_chars and hi > lo:
                break
            window = [a if b is None else b if a is None else max(a, b)
                      for a, b in zip(window, best_per_sentence[hi], strict=True)]
            value = score(window)
            # Equal cover: a window that ends in a statement beats one that ends in a question (which the chunk may
            # not answer), then the shorter one.
            statement = not _is_question(sentences[hi].text)
            if value > best[0] or (value == best[0] and (statement, -length) > (best_statement, -best_len)):
                best, best_len, best_statement = (value, lo, hi), length, statement
    _, lo, hi = best
    return finish_window(chunk_text, sentences, lo, hi, best_len, max_chars, min_sentences, views)


def finish_window(chunk_text: str, sentences: Sequence[Sentence], lo: int, hi: int, length: int, max_chars: int,
                  min_sentences: int = 1, marked: Sequence[int] = ()) -> str:
    """The quote for a chosen window: carried on where it must be, a rejected view with its answer, rendered."""
    hi = carry_on(sentences, lo, hi, length, max_chars, min_sentences)
    views = rejected_views(sentences, marked)
    if views and all(i in views for i in range(lo, hi + 1)):
        # Only the view the author argues against: quote it with the author's answer, never alone as advice.
        while hi in views and hi + 1 < len(sentences):
            hi += 1
        return render_window(chunk_text, sentences, lo, hi, max(max_chars, _span(sentences, lo, hi)))
    return render_window(chunk_text, sentences, lo, hi, max_chars)


def _span(sentences: Sequence[Sentence], lo: int, hi: int) -> int:
    return sum(len(s.text) + 1 for s in sentences[lo : hi + 1])


def quote_rebuts_a_view(chunk_text: str, quote: str, marked: Sequence[int] = ()) -> bool:
    """The quote holds a view the author rejects (followed by the author's answer): it is labelled as such."""
    sentences = split_sentences(chunk_text)
    flat = " ".join(quote.replace(ELLIPSIS, " ").split())
    return any(" ".join(sentences[i].text.split()) in flat for i in rejected_views(sentences, marked))


def carry_on(sentences: Sequence[Sentence], lo: int, hi: int, length: int, max_chars: int,
             min_sentences: int = 1) -> int:
    """The window's last sentence after carrying on, within `max_chars`: to `min_sentences` (a case's story), past a
    lead-in (what it introduces) and past a question (its answer)."""
    while hi - lo + 1 < min_sentences and hi + 1 < len(sentences) and (
        sentences[hi + 1].paragraph == sentences[lo].paragraph
        and length + 1 + len(sentences[hi + 1].text) <= max_chars
    ):
        hi += 1
        length += 1 + len(sentences[hi].text)
    # A lead-in ("... maar twee dingen van u:") means nothing without what it introduces, and a question ("Wat doet
    # de opportunist dan zo goed?") is not advice: the answer is what follows. Carry on into it.
    while _asks_for_more(sentences[hi].text) and hi + 1 < len(sentences) and (
        length + 1 + len(sentences[hi + 1].text) <= max_chars
    ):
        hi += 1
        length += 1 + len(sentences[hi].text)
    return hi


def _asks_for_more(sentence: str) -> bool:
    return sentence.endswith(":") or _is_question(sentence)


def _is_question(sentence: str) -> bool:
    return sentence.rstrip("\"'”’)").endswith("?")


def render_window(chunk_text: str, sentences: Sequence[Sentence], lo: int, hi: int, max_chars: int) -> str:
    """Sentences lo..hi as they stand in the chunk, on one line, with "…" where the chunk goes on."""
    quote = chunk_text[sentences[lo].start : sentences[hi].end].strip()
    quote = _cut(re.sub(r"\s*\n\s*", " ", quote), max_chars)
    if lo > 0:
        quote = f"{ELLIPSIS} {quote}"
    if hi < len(sentences) - 1 and not quote.endswith(ELLIPSIS):
        quote = f"{quote} {ELLIPSIS}"
    return quote
