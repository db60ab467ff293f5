"""Dutch-aware text analysis shared by chunks and questions: the same function must see both, or BM25 cannot match.

Pipeline per word: Unicode normalisation -> lowercase -> stop-word filter (on the surface form, so "doe" in
"Doe wat u belooft." survives while the question word "doen" does not) -> accent folding -> lemma (simplemma) when
the lemmatizer knows the word, else Snowball stem. Lemma first because Snowball alone over- and under-stems on
this corpus (korting -> kort collides with "korte termijn", problemen/probleem and verkochten/verkopen split); the
stemmer still catches words the lemmatizer has never seen (names, English, rare compounds).

Compounds (klantrelaties) are split against the corpus vocabulary so they also yield their parts (klant, relatie).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from functools import lru_cache

import simplemma
import Stemmer

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
ENGLISH_STOP = frozenset(
    """
    a an and are as at be been being but by can could did do does doing for from had has have how i if in into
    is it its me my of on or our should so than that the their them then there these they this those to was we
    were what when where which who whom why will with would you your yours about tell please any some happen
    happens happened get gets got go goes went make makes made need want know think one does there's what's it's
    i'm
    """.split()
)
STOP_WORDS = DUTCH_STOP | ENGLISH_STOP

# Letters and digits, allowing inner apostrophes (zo'n) but splitting on hyphens (waarde-uitwisseling: both halves).
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "`": "'", "´": "'", "“": '"', "”": '"', "„": '"'})

_stemmer = Stemmer.Stemmer("dutch")
MIN_PART = 3  # shortest compound part we accept: shorter heads (e.g. "ui") make nonsense splits
MIN_COMPOUND = 7


def normalise(text: str) -> str:
    """NFKC (no-break spaces become spaces), drop zero-width/bidi marks, straighten quotes, lowercase."""
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).translate(_QUOTES)
    return text.casefold()


def fold_accents(word: str) -> str:
    """creëert -> creeert, één -> een: users rarely type the diaeresis, so text and question both lose it."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Normalised surface words (accents kept for the lemmatizer), in order."""
    return _WORD.findall(normalise(text))


@lru_cache(maxsize=200_000)
def term(word: str) -> str:
    """Index term for one normalised surface word (lemma if known, else Snowball stem; accents folded)."""
    # Fold first: people type "creeert" for "creëert", and both must become the same term even though only the
    # accented form is in the lemmatizer's dictionary.
    word = fold_accents(word.replace("'", ""))
    if simplemma.is_known(word, lang="nl"):
        return fold_accents(simplemma.lemmatize(word, lang="nl").replace("_", "").casefold())
    return _stemmer.stemWord(word)


def is_stop(word: str) -> bool:
    return word in STOP_WORDS or fold_accents(word) in STOP_WORDS or len(word) < 2


def content_words(text: str) -> list[str]:
    """Surface words that carry meaning: stop words, one-letter words and bare numbers removed."""
    return [w for w in words(text) if not is_stop(w) and not w.isdigit()]


def analyse(text: str) -> list[str]:
    """Index terms of a text without compound splitting (the first pass of an index build)."""
    return [term(w) for w in content_words(text)]


class CompoundSplitter:
    """Split a word into two parts that both occur in the corpus: klantrelaties -> klant + relaties.

    Dutch joins compound parts with nothing, -s- or -e(n)-; we try each cut point and linking letters, and accept the
    split whose shorter part is longest (ties: longer head), which prefers klant|relaties over klan|trelaties.
    The vocabulary is the set of the corpus's own surface words, so a split can only produce words that can match.
    """

    LINKS = ("", "s", "e", "en")

    def __init__(self, vocabulary: Collection[str]) -> None:
        self.vocabulary = frozenset(w for w in vocabulary if len(w) >= MIN_PART and not is_stop(w))
        self._cache: dict[str, tuple[str, ...]] = {}

    def split(self, word: str) -> tuple[str, ...]:
        if len(word) < MIN_COMPOUND:
            return ()
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        best: tuple[str, ...] = ()
        best_key = (0, 0)
        for cut in range(MIN_PART, len(word) - MIN_PART + 1):
            head, rest = word[:cut], word[cut:]
            if head not in self.vocabulary:
                continue
            for link in self.LINKS:
                if not rest.startswith(link):
                    continue
                tail = rest[len(link) :]
                if len(tail) >= MIN_PART and tail in self.vocabulary:
                    key = (min(len(head), len(tail)), len(head))
                    if key > best_key:
                        best, best_key = (head, tail), key
        if len(self._cache) < 100_000:
            self._cache[word] = best
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
