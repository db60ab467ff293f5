"""Dutch-aware text analysis shared by chunks and questions: the same function must see both, or BM25 cannot match.

Pipeline per word: Unicode normalisation -> lowercase -> stop-word filter (on the surface form, so "doe" in
"Doe wat u belooft." survives while the question word "doen" does not) -> accent folding -> lemma (simplemma) when
the lemmatizer knows the word, else Snowball stem. Lemma first because Snowball alone over- and under-stems on
this corpus (korting -> kort collides with "korte termijn", problemen/probleem and verkochten/verkopen split); the
stemmer still catches words the lemmatizer has never seen (names, English, rare compounds).

Compounds (klantrelaties) are split against the corpus vocabulary so they also yield their parts (klant, relatie).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Collection, Container, Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import simplemma
import Stemmer

from bot.search.scheduling import questions_first

# Snowball's Dutch stop list plus question words and pronouns people use in chat.
DUTCH_STOP = frozenset(
    """
    aan al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door dus een eens en er ge
    geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets ik in is ja je kan kon kunnen
    maar me meer men met mij mijn moet na naar niet niets nog nu of om omdat onder ons ook op over reeds te
    tegen toch toen tot u uit uw van veel voor want waren was wat we wel werd wezen wie wil worden wordt zal ze
    zelf zich zij zijn zo zonder zou waarom wanneer welke welk waar waarmee waardoor hoeveel jij jou jouw jullie
    wij onze mijzelf jezelf kun kunt moeten mag mogen zouden graag eigenlijk even gewoon iemand eigen hebt heeft
    word wordt gaat gaan ga zo'n d'r 't 'n
    """.split()
)
# Verbs and adjectives that hold no topic in a question ("Hoe maak ik een goede pizza?", "Wat vindt u van ...?",
# "Is het leuk om te werken?"), in the forms people type. As content words they let a passage that shares nothing
# but "maakt" or "goed" pass the coverage test. "doe" stays: "Doe wat u belooft" is the rule people ask about.
# Measured and left out: krijgen, staan, zitten ("Wat krijgen klanten voor hun geld?" needs "gekregen", "centraal
# staan" and "Zit er liefde in ...?" lost their answers, and the judgment list did not improve).
GENERIC_DUTCH = frozenset(
    """
    maak maakt maken maakte maakten gemaakt laat laten liet lieten gelaten vind vindt vinden vond vonden gevonden
    neem neemt nemen nam namen genomen geef geeft geven gaf gaven gegeven
    kom komt komen kwam kwamen gekomen zie ziet zien zag zagen gezien
    ging gingen gegaan deed deden gedaan goed goede beter beste leuk leuke
    werk werkt werken werkte werkten gewerkt
    hou houd houdt houden hield hielden gehouden
    """.split()
)
ENGLISH_STOP = frozenset(
    """
    a an and are as at be been being but by can could did do does doing for from had has have how i if in into
    is it its me my of on or our should so than that the their them then there these they this those to was we
    were what when where which who whom why will with would you your yours about tell please any some happen
    happens happened get gets got go goes went make makes made need want know think one does there's what's it's
    i'm all too much very really actually just way ways good great best better lot lots thing things something
    anything ok okay still also even only quite bit kind sort like besides give gives giving gave given take takes
    taking took put puts putting wanting wants wanted say says said someone somebody anyone us am doesn't don't
    isn't can't won't shouldn't i've you're we're they're let lets here now more most
    isnt dont doesnt cant wont shouldnt ive youre theyre whats im hows
    after before during since until between against
    """.split()
)
STOP_WORDS = DUTCH_STOP | GENERIC_DUTCH | ENGLISH_STOP

# Letters and digits, allowing inner apostrophes (zo'n) but splitting on hyphens (waarde-uitwisseling: both halves).
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "`": "'", "´": "'", "“": '"', "”": '"', "„": '"'})

_stemmer = Stemmer.Stemmer("dutch")


_BLOCK = 1 << 20  # tokens per numpy step when expanding a corpus into term ids (see analyse_corpus)
MIN_PART = 3  # shortest compound part we accept: shorter heads (e.g. "ui") make nonsense splits
MIN_COMPOUND = 7


def normalise(text: str) -> str:
    """NFKC (no-break spaces become spaces), drop zero-width/bidi marks, straighten quotes, lowercase."""
    if text.isascii():
        # The same result for plain ASCII (NFKC leaves it alone and the only ASCII mark to straighten is the
        # backtick), without three passes over the text: answering normalises every sentence it might quote.
        return text.replace("`", "'").lower()
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).translate(_QUOTES)
    return text.casefold()


def fold_accents(word: str) -> str:
    """creëert -> creeert, één -> een: users rarely type the diaeresis, so text and question both lose it."""
    if word.isascii():  # nearly every word: skip the decomposition (a third of the analysis time otherwise)
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Normalised surface words (accents kept for the lemmatizer), in order."""
    return _WORD.findall(normalise(text))


def term_uncached(word: str) -> str:
    """Index term for one normalised surface word (lemma if known, else Snowball stem; accents folded).

    Index builds call this once per distinct corpus word and keep the results themselves; `term` (cached) serves
    questions, so a build does not flush the question words out of the cache or fill it with the whole vocabulary.
    """
    # Fold first: people type "creeert" for "creëert", and both must become the same term even though only the
    # accented form is in the lemmatizer's dictionary.
    word = fold_accents(word.replace("'", ""))
    if simplemma.is_known(word, lang="nl"):
        return fold_accents(simplemma.lemmatize(word, lang="nl").replace("_", "").casefold())
    stem: str = _stemmer.stemWord(word)
    return stem


term = lru_cache(maxsize=50_000)(term_uncached)


def is_stop(word: str) -> bool:
    return word in STOP_WORDS or fold_accents(word) in STOP_WORDS or len(word) < 2


def is_content(word: str) -> bool:
    """A surface word that carries meaning: not a stop word, one letter or a bare number."""
    return not is_stop(word) and not word.isdigit()


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if is_content(w)]


def jaccard(a: Collection[str], b: Collection[str]) -> float:
    """Word-set similarity, |a & b| / |a | b|: for near-duplicate passages and for grouping alike questions. Two
    empty sets are the same set (1.0)."""
    sa = a if isinstance(a, set | frozenset) else set(a)  # callers pass sets: no copy on the answer path
    sb = b if isinstance(b, set | frozenset) else set(b)
    union = len(sa | sb)
    return len(sa & sb) / union if union else 1.0


def analyse(text: str) -> list[str]:
    """Index terms of a text without compound splitting (the first pass of an index build)."""
    return [term(w) for w in content_words(text)]


class CompoundSplitter:
    """Split a word into two parts that both occur in the corpus: klantrelaties -> klant + relaties.

    Dutch joins compound parts with nothing, -s- or -e(n)-; we try each cut point and linking letters, and accept the
    split whose shorter part is longest (ties: longer head), which prefers klant|relaties over klan|trelaties.
    The vocabulary is the set of the corpus's own surface words, so a split can only produce words that can match.

    `trusted=True` takes `vocabulary` as it is (no copy) when the caller knows it holds content words only: an engine
    passes its lexicon, which has every content word of a 100k-chunk corpus (~250k). Words shorter than MIN_PART in
    it change nothing, because a split never looks up a part that short.
    """

    LINKS = ("", "s", "e", "en")

    def __init__(self, vocabulary: Collection[str], *, trusted: bool = False) -> None:
        self.vocabulary: Container[str] = (
            vocabulary if trusted else frozenset(w for w in vocabulary if len(w) >= MIN_PART and not is_stop(w))
        )
        self._cache: dict[str, tuple[str, ...]] = {}

    def split(self, word: str) -> tuple[str, ...]:
        if len(word) < MIN_COMPOUND:
            return ()
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        best = self.split_uncached(word)
        if len(self._cache) < 100_000:
            self._cache[word] = best
        return best

    def split_uncached(self, word: str) -> tuple[str, ...]:
        """`split` without the cache: an index build splits every corpus word once, the cache is for questions."""
        if len(word) < MIN_COMPOUND:
            return ()
        vocabulary = self.vocabulary
        best: tuple[str, ...] = ()
        best_key = (0, 0)
        for cut in range(MIN_PART, len(word) - MIN_PART + 1):
            head, rest = word[:cut], word[cut:]
            if head not in vocabulary:
                continue
            for link in self.LINKS:
                if not rest.startswith(link):
                    continue
                tail = rest[len(link) :]
                if len(tail) >= MIN_PART and tail in vocabulary:
                    key = (min(len(head), len(tail)), len(head))
                    if key > best_key:
                        best, best_key = (head, tail), key
        return best

    def terms(self, surface: Iterable[str]) -> list[str]:
        """Terms for content words, each compound followed by its parts' terms."""
        out: list[str] = []
        for word in surface:
            whole = term(word)
            out.append(whole)
            for part in self.split(word):
                part_term = term(part)
                if part_term != whole:
                    out.append(part_term)
        return out


class Lexicon:
    """Every content word of one corpus with its index terms, worked out once per distinct word at build time.

    Answering analyses the chunks it quotes (near-duplicate check, quote choice); with the lexicon that is two dict
    lookups a word instead of the lemmatizer, the stemmer and the compound splitter. `analyse` gives exactly what
    `CompoundSplitter.terms(content_words(text))` gives; words the corpus does not have take that slow path.
    """

    def __init__(self, whole: dict[str, str], parts: dict[str, tuple[str, ...]]) -> None:
        self.whole = whole  # content word -> its own term; also the splitter's and the typo fixer's vocabulary
        self.parts = parts  # compound -> its parts' terms that differ from its own (only words that have some)
        self.splitter = CompoundSplitter(whole, trusted=True)

    def __contains__(self, word: object) -> bool:
        return word in self.whole

    def __len__(self) -> int:
        return len(self.whole)

    def analyse(self, text: str) -> list[str]:
        whole, parts = self.whole, self.parts
        out: list[str] = []
        for word in words(text):
            own = whole.get(word)
            if own is None:
                # Mostly stop words: one set lookup settles those before the full check.
                if word not in STOP_WORDS and not is_stop(word) and not word.isdigit():
                    out += self.splitter.terms((word,))
                continue
            out.append(own)
            if len(word) >= MIN_COMPOUND:  # shorter words are never split
                extra = parts.get(word)
                if extra:
                    out += extra
        return out


@dataclass(frozen=True)
class AnalysedCorpus:
    """Index terms of many texts, as integer arrays (an index build needs no list of strings per chunk)."""

    lexicon: Lexicon
    terms: list[str]  # term id -> term, numbered in order of first occurrence in the texts
    tokens: np.ndarray  # int32 term ids of every text, concatenated in order
    lengths: np.ndarray  # int64 number of terms of each text


def analyse_corpus(texts: Iterable[str]) -> AnalysedCorpus:
    """`CompoundSplitter(vocabulary).terms(content_words(text))` for every text, with the vocabulary of all of them.

    The expensive part (lemma or stem, compound split) runs once per distinct word, not once per occurrence: each
    text becomes an array of word ids, and numpy expands the ids into term ids. Term ids are handed out in order of
    first occurrence, exactly as `BM25Index` numbers string documents, so both ways build identical indexes.
    """
    ids: defaultdict[str, int] = defaultdict(itertools.count().__next__)
    lookup = ids.__getitem__  # C-level: a new word gets the next id without a Python call per word
    flat = array("i")
    counts = array("q")
    checkpoint = questions_first.checkpoint
    for text in texts:
        checkpoint()
        found = words(text)
        counts.append(len(found))
        flat.extend(map(lookup, found))
    surface = list(ids)  # word id -> word (dict order is insertion order, i.e. id order)
    del ids, lookup

    # Own term of every content word; the dict is also the vocabulary compounds are split against.
    whole: dict[str, str] = {}
    for number, word in enumerate(surface):
        if not number & 255:
            checkpoint()
        if not is_stop(word) and not word.isdigit():
            own = term_uncached(word)
            # Most words are their own term (names, unknown words the stemmer leaves alone): keep one string
            # object for both, shared by this dict and the index vocabulary (~12 MB at 100k chunks).
            whole[word] = word if own == word else own
    lexicon = Lexicon(whole, {})
    splitter = lexicon.splitter

    # Terms per word id (CSR), term ids in first-occurrence order: words are visited in first-occurrence order and a
    # word's first occurrence brings its own term then its parts' terms, as in the documents (see the docstring).
    term_ids: dict[str, int] = {}
    row_len = np.zeros(len(surface), dtype=np.uint8)
    row_terms = array("i")
    row_start = np.zeros(len(surface), dtype=np.int64)
    for i, word in enumerate(surface):
        if not i & 255:
            checkpoint()
        term = whole.get(word)
        if term is None:
            continue
        found = [term]
        parts = splitter.split_uncached(word)
        if parts:
            extra = tuple(t for t in (whole[p] for p in parts) if t != term)
            if extra:
                lexicon.parts[word] = extra
                found += extra
        row_start[i] = len(row_terms)
        row_len[i] = len(found)
        row_terms.extend(term_ids.setdefault(t, len(term_ids)) for t in found)
    terms = list(term_ids)
    del term_ids, surface

    # Expand word ids into term ids with numpy, a block of tokens at a time: numpy's fancy indexing holds the
    # interpreter lock, and over all ~12M tokens of a 100k-chunk corpus at once that stalled the event loop for
    # ~0.2 s during a live reload.
    words_flat = np.frombuffer(flat, dtype=np.int32) if len(flat) else np.zeros(0, dtype=np.int32)
    lens = np.empty(len(words_flat), dtype=np.uint8)
    for lo in range(0, len(words_flat), _BLOCK):
        checkpoint()
        lens[lo : lo + _BLOCK] = row_len[words_flat[lo : lo + _BLOCK]]
    ends = np.zeros(len(lens) + 1, dtype=np.int64)
    ends[1:] = lens
    checkpoint()
    np.cumsum(ends[1:], out=ends[1:])  # widened first: a casting cumsum holds the interpreter lock (~0.2 s at 100k)
    checkpoint()
    bounds = np.zeros(len(counts) + 1, dtype=np.int64)
    if len(counts):
        np.cumsum(np.frombuffer(counts, dtype=np.int64), out=bounds[1:])
    lengths = ends[bounds[1:]] - ends[bounds[:-1]]
    tokens = np.empty(int(ends[-1]), dtype=np.int32)
    term_data = np.frombuffer(row_terms, dtype=np.int32) if len(row_terms) else np.zeros(0, dtype=np.int32)
    longest = int(row_len.max(initial=0))
    for lo in range(0, len(words_flat), _BLOCK):
        block_lens, block_words = lens[lo : lo + _BLOCK], words_flat[lo : lo + _BLOCK]
        block_starts = ends[:-1][lo : lo + _BLOCK]
        checkpoint()
        for k in range(longest):
            sel = block_lens > k
            tokens[block_starts[sel] + k] = term_data[row_start[block_words[sel]] + k]
    return AnalysedCorpus(lexicon, terms, tokens, lengths)
