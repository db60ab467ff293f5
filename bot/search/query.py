"""Turn a question into groups of index terms: one group per meaningful word, with its compound parts, synonyms,
English-to-Dutch translations and, for a likely typo, the corpus word it was meant to be.

Groups matter for abstention: the engine asks how many of the question's words a passage answers, counting a word
as answered when any term of its group is present.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Container
from dataclasses import dataclass

from bot.search.analysis import (
    GENERIC_DUTCH,
    CompoundSplitter,
    content_words,
    fold_accents,
    is_content,
    is_stop,
    term,
    words,
)
from bot.search.english import TRANSLATIONS
from bot.search.scheduling import questions_first
from bot.search.settings import Synonyms

MIN_TYPO_LENGTH = 5  # shorter words have too many neighbours at edit distance 1 to guess safely
# Particles that split off a Dutch verb to the end of the clause ("hou ... vast", "haak ... af", "werk ... samen").
SEPARABLE_PARTICLES = frozenset("aan af bij door in mee na om op over terug toe uit vast voor weg samen".split())


@dataclass(frozen=True, slots=True)
class QueryGroup:
    word: str  # the question's word, normalised
    terms: tuple[str, ...]  # its own term, compound parts, translation or typo fix first, then synonyms
    primary: int = 1  # how many of `terms` stand for the word itself; the rest are synonyms

    def weighted_terms(self) -> list[str]:
        """Terms for BM25, the word's own terms twice: a synonym should help a passage, not outrank the word."""
        return [*self.terms[: self.primary], *self.terms]


def _edits(word: str, alphabet: str) -> set[str]:
    """Every string one delete, adjacent swap, substitution or insertion (over `alphabet`) away from `word`."""
    cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {head + tail[1:] for head, tail in cuts if tail}
    out.update(head + tail[1] + tail[0] + tail[2:] for head, tail in cuts if len(tail) > 1)
    out.update(head + ch + tail[1:] for head, tail in cuts if tail for ch in alphabet)
    out.update(head + ch + tail for head, tail in cuts for ch in alphabet)
    return out


class QueryAnalyzer:
    """Question analysis bound to one corpus version (its vocabulary) and one synonyms file."""

    def __init__(self, corpus_words: Collection[str], synonyms: Synonyms, splitter: CompoundSplitter,
                 corpus_terms: Container[str] | None = None) -> None:
        """`corpus_words`: the corpus's content words (kept as given when it is a set or dict, else copied);
        `corpus_terms`: their terms, when the caller already has them (an engine passes its index vocabulary)."""
        self.splitter = splitter
        self.corpus_terms = frozenset(term(w) for w in corpus_words) if corpus_terms is None else corpus_terms
        self.expansions: dict[str, set[str]] = {}
        for group in synonyms.groups:
            group_terms = {t for entry in group for t in self._entry_terms(entry)}
            for t in group_terms:
                self.expansions.setdefault(t, set()).update(group_terms)
        # The built-in business lexicon first, the operator's synonyms.yaml over it.
        self.translations: dict[str, tuple[str, ...]] = {
            fold_accents(english): tuple(t for entry in dutch for t in self._entry_terms(entry))
            for english, dutch in {**TRANSLATIONS, **synonyms.translations}.items()
        }
        # Typo candidates are generated per unknown question word and looked up in the corpus words: a precomputed
        # symmetric-delete table over the vocabulary took ~1 GB and most of the build at 100k chunks, for a lookup
        # that costs well under a millisecond and only runs for words the corpus does not know.
        self._words: Container[str] = corpus_words if isinstance(corpus_words, set | frozenset | dict) \
            else frozenset(corpus_words)
        # Words that only the synonyms file knows are typo targets too: "troew" should find "trouw", which is not in
        # the articles but leads to "loyaal", which is.
        self._synonym_words = frozenset(w for group in synonyms.groups for entry in group
                                        for w in content_words(entry) if w not in self._words)
        # Any superset of the letters of the corpus words gives the same candidates. Collected in slices: one C
        # call over 250k words would hold the interpreter lock (and stall the event loop) for ~60 ms during a reload.
        letters: set[str] = set("".join(self._synonym_words))
        words = iter(corpus_words)
        while piece := list(itertools.islice(words, 10_000)):
            questions_first.checkpoint()
            letters.update("".join(piece))
        self._alphabet = "".join(sorted(letters))

    def _entry_terms(self, entry: str) -> list[str]:
        return [term(w) for w in content_words(entry)] or [term(entry.casefold())]

    def _translate(self, word: str) -> tuple[str, ...]:
        folded = fold_accents(word)
        singulars = (folded.removesuffix("s"), folded.removesuffix("es"), folded.removesuffix("ies") + "y")
        # English inflections the table does not list: buying, disappointed, promised, equally.
        forms = tuple(folded[: -len(end)] + add for end, add in (("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"),
                                                                  ("ly", "")) if folded.endswith(end))
        for candidate in (folded, *singulars, *forms):
            found = self.translations.get(candidate)
            if found:
                return found
        return ()

    def correct(self, word: str) -> str | None:
        """The single corpus word one edit away (insert, delete, substitute, swap), or None when unsure."""
        if len(word) < MIN_TYPO_LENGTH:
            return None
        known, extra = self._words, self._synonym_words
        candidates = {c for c in _edits(word, self._alphabet) | {word}
                      if len(c) >= MIN_TYPO_LENGTH and (c in known or c in extra) and _within_one_edit(word, c)}
        if not candidates:
            return None
        terms = {term(c) for c in candidates}
        return min(candidates) if len(terms) == 1 else None

    def _separable(self, raw: list[str]) -> tuple[dict[str, str], set[str]]:
        """Dutch separable verbs: "Hoe hou ik personeel vast?" means "vasthouden". For a word of the question's
        words `raw` followed later by a particle, the joined verb's term when the corpus or the synonyms know it
        ({word: term}), and the particles so used (they are part of the verb, not words of their own)."""
        found: dict[str, str] = {}
        used: set[str] = set()
        if SEPARABLE_PARTICLES.isdisjoint(raw):
            return found, used
        for at, word in enumerate(raw):
            # A generic verb is no question word on its own but can be half of one: "werk ... samen".
            if word in SEPARABLE_PARTICLES or (is_stop(word) and word not in GENERIC_DUTCH):
                continue
            for particle in raw[at + 1:]:
                if particle in SEPARABLE_PARTICLES:
                    joined = term(particle + term(word))
                    if joined in self.corpus_terms or joined in self.expansions:
                        found[word] = joined
                        used.add(particle)
                        break
        return found, used

    def groups(self, question: str) -> list[QueryGroup]:
        out: list[QueryGroup] = []
        seen: set[str] = set()
        raw = words(question)
        joined, particles = self._separable(raw)
        # A generic verb that forms a separable verb is a question word after all ("werk ... samen").
        for word in (w for w in raw if w in joined or is_content(w)):
            if word in particles:
                continue
            own = term(word)
            terms = [own, *([joined[word]] if word in joined else [])]
            terms += [term(p) for p in self.splitter.split(word)]
            terms += self._translate(word)
            if not any(t in self.corpus_terms for t in terms):
                fixed = self.correct(word)
                if fixed:
                    terms.append(term(fixed))
                    terms += [term(p) for p in self.splitter.split(fixed)]
            primary = tuple(dict.fromkeys(terms))
            synonyms = {x for t in primary for x in self.expansions.get(t, ())} - set(primary)
            if own in seen:
                continue
            seen.add(own)
            out.append(QueryGroup(word, primary + tuple(sorted(synonyms)), len(primary)))
        return out


def _within_one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance <= 1."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        i, j = diffs[0], diffs[-1]
        return len(diffs) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]
