"""A synthetic Dutch-like corpus and question set for `python -m bot bench`, deterministic for a seed.

Words follow a Zipf-Mandelbrot distribution over one fixed vocabulary: real Dutch function words take the top ranks
(so "de", "van", "het" are the most frequent tokens, as in real text), then a few hundred real Dutch content words (so
the lemmatizer and the synonyms see words they know), then pseudo-words built from Dutch syllables (so the Snowball
stemmer and the compound splitter get the unknown words a real corpus is full of).

Each article is Markdown with one heading halfway; every paragraph holds 80-150 words, which `bot.search.chunking` turns
into exactly one chunk (a paragraph over MIN_WORDS closes its chunk, and it stays under MAX_WORDS), so an article of
10 paragraphs yields 10 chunks. Questions are 2-6 words drawn from the same distribution, at least one of them a
content word.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.search.records import Article

SEED = 20240611
VOCABULARY = 250_000  # distinct words the generator can draw; a 100k-chunk corpus uses most of them
ZIPF_S = 1.0
ZIPF_Q = 2.7  # Mandelbrot offset: flattens the very top so "de" is ~6 % of tokens, as in real Dutch
PARAGRAPH_WORDS = (80, 150)
SENTENCE_WORDS = (5, 20)
CHUNKS_PER_ARTICLE = 10

# The most frequent Dutch words in running text, in rough frequency order.
FUNCTION_WORDS = (
    "de van het een en in is dat op te zijn voor met die niet aan er om ook als bij maar wordt dan of door ze naar "
    "zich nog kan uit over hij wel deze tot worden heeft hun meer dit al was u je we veel wat geen zo na moet onder "
    "hebben tegen omdat alleen zonder hoe"
).split()
# Real content words (with inflected forms), so lemmas, stems and the synonyms file meet words they know.
CONTENT_WORDS = (
    "klant klanten relatie relaties afspraak afspraken probleem problemen belofte beloftes waarde bedrijf bedrijven "
    "medewerker medewerkers vertrouwen deal deals verkoop verkopen product producten dienst diensten markt prijs "
    "prijzen kwaliteit leverancier leveranciers contract termijn winst omzet kosten partij partijen samenwerking "
    "balans opportunist opportunisten regel regels klantrelatie klantrelaties gesprek gesprekken oplossing "
    "oplossingen levering leveren beloven belooft nakomen tevreden ontevreden loyaal loyaliteit zakelijk zakelijke "
    "belangrijk belangrijkste snel snelle goed goede slecht slechte nieuw nieuwe groot grote klein kleine tijd jaar "
    "jaren week weken dag dagen mensen mens manager managers directeur team teams project projecten plan plannen "
    "doel doelen resultaat resultaten strategie kans kansen risico risico's budget factuur facturen offerte "
    "offertes onderhandeling onderhandelen voorwaarden garantie service klacht klachten communicatie informatie "
    "advies adviseur verwachting verwachtingen ervaring ervaringen belang belangen eerlijk eerlijkheid open "
    "openheid afhankelijk onafhankelijk duurzaam langdurig korte lange hoofdpijn urgentie beweging werkelijkheid "
    "details hoofdlijnen casus voorbeeld praktijk organisatie organisaties sector branche concurrent concurrenten "
    "aanbod vraag vragen antwoord antwoorden zorg zorgen verantwoordelijkheid leiderschap cultuur gedrag houding "
    "succes falen fout fouten leren verbeteren groeien groei investering investeringen rendement"
).split()

_ONSETS = "b d g h j k l m n p r s t v w z b d k l m n p r s t v w z st sch br kr gr tr vr bl sl sp dr".split()
_VOWELS = "a e i o u a e i o u aa ee oo ie oe ui ij eu ou ei".split()
_CODAS = ["", "", "", "", "n", "r", "l", "k", "t", "s", "n", "r", "ng", "nd", "rt", "cht", "st", "m", "p", "ld"]
_SUFFIXES = ("en", "s", "e", "heid", "ing", "lijk", "er", "te")


def _pseudo_words(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """Distinct Dutch-sounding words of about 4-12 letters, shorter ones first (frequent words are short)."""
    out: list[str] = []
    seen = set(taken)
    while len(out) < count:
        rank = len(out)
        syllables = 1 + (rank > 200) + (rank > 3_000 and rng.random() < 0.4) + (rank > 50_000 and rng.random() < 0.2)
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables))
        if rng.random() < 0.2:
            word += rng.choice(_SUFFIXES)
        if len(word) < 3 or word in seen:
            continue
        seen.add(word)
        out.append(word)
    return out


@dataclass(frozen=True)
class Language:
    """The vocabulary (most frequent first) and its cumulative Zipf distribution."""

    words: np.ndarray  # object array of str
    cdf: np.ndarray
    content_from: int  # first rank that is not a function word

    def sample(self, rng: np.random.Generator, n: int, start: int = 0) -> np.ndarray:
        """n word ranks; `start` restricts the draw to ranks >= start (same shape of distribution)."""
        low = self.cdf[start - 1] if start else 0.0
        draws = low + rng.random(n) * (1.0 - low)
        return np.minimum(np.searchsorted(self.cdf, draws, side="right"), len(self.cdf) - 1)


def language(seed: int = SEED, size: int = VOCABULARY) -> Language:
    rng = random.Random(seed)
    fixed = list(dict.fromkeys(FUNCTION_WORDS + CONTENT_WORDS))
    words = fixed + _pseudo_words(rng, size - len(fixed), set(fixed))
    # Interleave the real content words with the most frequent pseudo-words instead of ranking them all on top.
    head, content, pseudo = words[: len(FUNCTION_WORDS)], words[len(FUNCTION_WORDS) : len(fixed)], words[len(fixed) :]
    mixed: list[str] = []
    for i in range(max(len(content), len(pseudo))):
        if i < len(content):
            mixed.append(content[i])
        if i < len(pseudo):
            mixed.append(pseudo[i])
    ranks = np.arange(1, size + 1, dtype=np.float64)
    weights = 1.0 / (ranks + ZIPF_Q) ** ZIPF_S
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    return Language(np.array(head + mixed, dtype=object), cdf, len(head))


def _sentences(lang: Language, rng: np.random.Generator, n_words: int) -> str:
    ranks = lang.sample(rng, n_words)
    tokens = lang.words[ranks].tolist()
    out: list[str] = []
    i = 0
    while i < n_words:
        length = int(rng.integers(SENTENCE_WORDS[0], SENTENCE_WORDS[1] + 1))
        if n_words - i - length < SENTENCE_WORDS[0]:
            length = n_words - i
        words = tokens[i : i + length]
        if length > 8 and rng.random() < 0.4:
            cut = int(rng.integers(3, length - 3))
            words[cut] += ","
        out.append(" ".join(words).capitalize() + ".")
        i += length
    return " ".join(out)


def articles(chunks: int, seed: int = SEED, lang: Language | None = None) -> Iterator[Article]:
    """Articles that `bot.search.chunking` cuts into `chunks` chunks (CHUNKS_PER_ARTICLE each, the last fewer)."""
    lang = lang or language(seed)
    rng = np.random.default_rng(seed + chunks)
    number = 0
    left = chunks
    while left > 0:
        count = min(CHUNKS_PER_ARTICLE, left)
        left -= count
        title = " ".join(lang.words[lang.sample(rng, int(rng.integers(3, 7)), lang.content_from)].tolist())
        heading = " ".join(lang.words[lang.sample(rng, int(rng.integers(1, 4)), lang.content_from)].tolist())
        paragraphs = [
            _sentences(lang, rng, int(rng.integers(PARAGRAPH_WORDS[0], PARAGRAPH_WORDS[1] + 1))) for _ in range(count)
        ]
        if count > 2:
            paragraphs.insert(count // 2, f"## {heading.capitalize()}")
        yield Article(id=f"synth-{chunks}-{number:06d}", title=title.capitalize(), body="\n\n".join(paragraphs))
        number += 1


def questions(count: int = 200, seed: int = SEED, lang: Language | None = None) -> list[str]:
    """Questions of 2-6 words from the corpus distribution, each with at least one content word."""
    lang = lang or language(seed)
    rng = np.random.default_rng(seed - 1)
    out: list[str] = []
    for _ in range(count):
        ranks = lang.sample(rng, int(rng.integers(2, 7)))
        if not (ranks >= lang.content_from).any():
            ranks[-1] = lang.sample(rng, 1, lang.content_from)[0]
        out.append(" ".join(lang.words[ranks].tolist()).capitalize() + "?")
    return out


def write_corpus(folder: Path, chunks: int, seed: int = SEED, lang: Language | None = None) -> int:
    """Write the synthetic articles as corpus files (front matter + Markdown); returns the number of articles."""
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for article in articles(chunks, seed, lang):
        text = f"---\nid: {article.id}\ntitle: {article.title}\nlanguage: nl\n---\n{article.body}\n"
        (folder / f"{article.id}.md").write_text(text, encoding="utf-8")
        written += 1
    return written
