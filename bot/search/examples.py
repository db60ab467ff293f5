"""Example questions an operator teaches the bot: "this question is answered by that passage" (config/examples.yaml).

Why: the answer model ranks by what a passage says, and the passage that answers is often first but below the bar, or
second (README, "Where the misses are"). People ask the same things in many words, and an operator who reads the
unanswered questions (`python -m bot report`) knows which passage answers them. A question close in meaning to an
example is answered with the example's passage. Measured on the judgment lists (README, "Example questions"): with
the tune questions as examples, the held-out messages are handled right more often and quoted wrongly less often.

A passage is named the way the judgment lists name it: the article's id and a few snippets of its text (`words`), so
an example survives re-chunking and edits elsewhere in the article; an example whose passage is gone is reported and
ignored, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.problems import Problem
from bot.search.smalltalk import smalltalk
from bot.yamlfile import list_item_lines, load_mapping, shown

EXAMPLES_FILE = "examples.yaml"
# Each costs one question embedding (10-20 ms) the first time the semantic signal attaches with it; the vectors are
# then kept on disk (`bot.search.semantic.embed_questions`), so a restart or a reload embeds only new ones.
MAX_EXAMPLES = 1_000


@dataclass(frozen=True)
class Example:
    question: str
    article: str
    words: tuple[str, ...] = ()  # snippets the passage holds (ignoring case and spacing); none: the article's first
    source: str = EXAMPLES_FILE  # the file it came from, for the problem an unresolved example is reported as
    number: int = 0  # its place in the file (1-based), as every problem about it names it
    line: int | None = None


def load_examples(config_dir: Path) -> tuple[list[Example], list[Problem]]:
    """The examples of `config_dir/examples.yaml` (none when the file is absent), and what is wrong with it."""
    path = config_dir / EXAMPLES_FILE
    if not path.exists():
        return [], []
    data, problems = load_mapping(path)
    if data is None:
        return [], problems
    where = str(path)
    for key in data:
        if key != "examples":
            problems.append(Problem(where, f"unknown key '{key}' (known: examples)", severity="warning"))
    raw = data.get("examples") or []
    if not isinstance(raw, list):
        return [], [*problems, Problem(where, "'examples' must be a list of {q, article, words} entries")]
    examples: list[Example] = []
    lines = list_item_lines(path, "examples")  # once: looking each entry up in the file took 15 s for 10,000
    first: dict[str, Example] = {}  # normalised question -> the example that has it
    for number, item in enumerate(raw, start=1):
        line = lines[number - 1] if number <= len(lines) else None
        words = item.get("words", []) if isinstance(item, dict) else None
        if isinstance(words, (str, int, float)) and not isinstance(words, bool):
            words = [words]
        article = item.get("article") if isinstance(item, dict) else None
        if isinstance(article, (int, float)) and not isinstance(article, bool):
            article = str(article)  # `id: 2012` loads as an article with the id "2012"
        if not isinstance(item, dict) or not isinstance(item.get("q"), str) or not item["q"].strip() \
                or not isinstance(article, str) or not article.strip() or not isinstance(words, list) \
                or not all(isinstance(w, (str, int, float)) and not isinstance(w, bool) and str(w).strip()
                           for w in words):
            # One bad entry is skipped and the rest are used, on a reload as at a start (an error would keep the
            # last good list on a reload only, and the running bot and a restart would disagree).
            problems.append(Problem(where, f"example {number} is {shown(item)}; expected q: <question>, article: <id>, "
                                           "words: [<text of the passage>, ...]: ignored", line, severity="warning"))
            continue
        if len(examples) >= MAX_EXAMPLES:
            problems.append(Problem(where, f"more than {MAX_EXAMPLES} examples: the rest are ignored", line,
                                    severity="warning"))
            break
        example = Example(item["q"].strip(), article.strip(), tuple(str(w) for w in words), where, number, line)
        unusable = _unusable(example.question)
        if unusable:
            problems.append(Problem(where, f"example {number} ({shown(example.question)}) {unusable}: ignored", line,
                                    severity="warning"))
            continue
        same = first.get(normalise(example.question))
        if same is not None:
            other = "the same passage" if (same.article, same.words) == (example.article, example.words) else \
                "another passage"
            problems.append(Problem(where, f"example {number} is the same question as example {same.number}, with "
                                           f"{other}: example {same.number} is used", line, severity="warning"))
            continue
        first[normalise(example.question)] = example
        examples.append(example)
    return examples, problems


MAX_QUESTION_CHARS = 300  # a chat question; each example is embedded when the signal attaches (3,500 characters: 0.3 s)


def _unusable(question: str) -> str | None:
    """Why an example question could never be matched, or None."""
    if len(question) > MAX_QUESTION_CHARS:
        return f"is {len(question):,} characters; an example is a question as people type it (at most " \
               f"{MAX_QUESTION_CHARS})"
    if not normalise(question):
        return "has no letter or digit, so no message is ever the same"
    kind = smalltalk(question)
    if kind is not None:
        return f"is small talk ({kind}), which the bot answers before it looks at examples"
    return None


def holds(words: Sequence[str], text: str) -> bool:
    """Every snippet is in the text, ignoring case and spacing (as the judgment lists match passages)."""
    flat = " ".join(text.split()).casefold()
    return all(" ".join(w.split()).casefold() in flat for w in words)


_NOT_WORD = re.compile(r"[^\w]+")


def normalise(question: str) -> str:
    """The form two questions that are the same message share: case, accents, punctuation and spacing dropped."""
    decomposed = unicodedata.normalize("NFKD", question.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", plain).split())


@dataclass(frozen=True)
class Taught:
    """The examples of one engine, each resolved to a chunk, with their question vectors once the signal is on."""

    questions: tuple[str, ...] = ()
    chunks: tuple[int, ...] = ()
    exact: dict[str, int] = field(default_factory=dict)  # normalised question -> position
    vectors: np.ndarray | None = None  # (examples, dimensions), L2-normalised; None without the semantic signal

    def __len__(self) -> int:
        return len(self.questions)

    def match(self, question: str, vector: np.ndarray | None, similarity: float) -> int | None:
        """The position of the example this question is: the same message, or (with a vector) one whose cosine
        reaches `similarity`; the closest wins."""
        if not self.questions:
            return None
        same = self.exact.get(normalise(question))
        if same is not None:
            return same
        if vector is None or self.vectors is None or not len(self.vectors):
            return None
        cosines = np.einsum("ij,j->i", self.vectors, vector, optimize=False)  # no BLAS thread (SemanticIndex)
        best = int(np.argmax(cosines))
        return best if float(cosines[best]) >= similarity else None

    def embedded(self, embed: Callable[[Sequence[str]], np.ndarray]) -> Taught:
        """With the question vectors `embed` gives for all the questions at once."""
        if not self.questions:
            return self
        return Taught(self.questions, self.chunks, self.exact, embed(self.questions))


def resolve(examples: Sequence[Example],
            chunks_of: Callable[[str], Sequence[tuple[int, str]]]) -> tuple[Taught, list[Problem]]:
    """Each example's chunk: the first chunk of its article that holds every snippet. `chunks_of(article)` gives
    (chunk index, text) of an article's chunks, none for an unknown article."""
    questions: list[str] = []
    chunks: list[int] = []
    exact: dict[str, int] = {}
    problems: list[Problem] = []
    for number, example in enumerate(examples, start=1):
        found = chunks_of(example.article)
        if not found:
            problems.append(Problem(example.source, f"example {example.number or number} ({shown(example.question)}): "
                                                    f"no article {shown(example.article)} in the corpus; ignored",
                                    example.line, severity="warning"))
            continue
        chunk = next((index for index, text in found if holds(example.words, text)), None)
        if chunk is None:
            problems.append(Problem(example.source, f"example {example.number or number} ({shown(example.question)}): "
                                                    f"no passage of {shown(example.article)} holds "
                                                    f"{shown(list(example.words))}; ignored", example.line,
                                    severity="warning"))
            continue
        if normalise(example.question):  # "???" would otherwise be the same message as "!!!"
            exact.setdefault(normalise(example.question), len(questions))
        questions.append(example.question)
        chunks.append(chunk)
    return Taught(tuple(questions), tuple(chunks), exact), problems
