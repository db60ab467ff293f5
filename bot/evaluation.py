"""`python -m bot eval FILE`: score the engine on a judgment list before a corpus or synonym change is deployed.

A judgment is a chat message and what the bot should do with it: quote the passage that answers it (article id and
words the passage text must contain), decline because nothing in the articles answers it (`abstain: true`), or treat
it as small talk (`smalltalk: true`: a greeting, thanks, "wie ben jij?"; never a quote). An optional `split: tune` or
`split: heldout` marks the part a change may be tuned on and the part that is only measured; every figure is
reported per split, so a list that stops predicting users shows as a gap between the two.

Metrics: hit@1 and MRR@5 over the answerable questions; precision and recall of declining (small talk counts as a
question that must not be quoted); the wrong-quote rate, the share of all messages answered with a quote that does
not answer them (a quote where none should be, or a top passage other than the right one); and the share of
messages handled right (answerable: the right passage first; abstain and small talk: no quote).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import yaml

from bot.search.articles import load_articles
from bot.search.confidence import FEATURES, AnswerModel, fit
from bot.search.engine import Engine
from bot.search.examples import Example, load_examples, normalise
from bot.search.examples import holds as holds_words
from bot.search.records import Answer, Chunk, Result
from bot.search.settings import load_search_settings, load_synonyms
from bot.yamlfile import parse_yaml

SPLITS = ("tune", "heldout")
L2 = 1.0  # the answer model's penalty: a few hundred right passages among thousands, eleven features


@dataclass(frozen=True)
class Judgment:
    question: str
    article: str | None = None
    words: tuple[str, ...] = ()
    abstain: bool = False
    note: str = ""
    smalltalk: bool = False
    split: str = ""
    # Further passages that answer the question as well: (article, words) each. A question often has more than one
    # fair answer; with one passage per question, quoting the other counted as a wrong quote and taught the answer
    # model that a right passage is wrong.
    also: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def declines(self) -> bool:
        """The bot must not quote anything for this message."""
        return self.abstain or self.smalltalk

    @property
    def passages(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Every passage that answers: the named one first, then the `also` ones; none for a message to decline."""
        return ((self.article, self.words), *self.also) if self.article else ()

    def matches(self, result: Result) -> bool:
        return any(holds(passage, result.article, result.text) for passage in self.passages)

    def matches_chunk(self, chunk: Chunk) -> bool:
        return any(holds(passage, chunk.article_id, chunk.text) for passage in self.passages)


def holds(passage: tuple[str, tuple[str, ...]], article: str, text: str) -> bool:
    """Whether a text of `article` is the passage (article, words): every snippet in it, ignoring case and spacing."""
    wanted, words = passage
    return article == wanted and holds_words(words, text)


@dataclass(frozen=True)
class Outcome:
    judgment: Judgment
    answer: Answer
    rank: int | None  # 1-based rank of the first matching result within the top 5, None if absent
    # Whether the passage the engine ranks first answers, with every bar at its floor (`Engine.without_bars`): None
    # for a message to decline, and when the outcome was not measured that way.
    first_bar_aside: bool | None = None

    @property
    def right(self) -> bool:
        if self.judgment.declines:
            return not self.answer.answered
        return self.rank == 1

    @property
    def wrong_quote(self) -> bool:
        """Answered with a quote that does not answer the message."""
        return self.answer.answered and not self.right


@dataclass(frozen=True)
class Scores:
    hit_at_1: float
    mrr_at_5: float
    abstain_precision: float
    abstain_recall: float
    wrong_quote_rate: float
    right: float  # share of all messages handled right
    # Share of answerable questions whose right passage the engine ranks first, bar aside: what the ranking gets
    # right, whatever the bar then declines.
    first_bar_aside: float
    # Share of all messages handled right if the bar declined exactly the questions ranked wrongly: the most any
    # bar can reach with this ranking. The gap to `right` is the bar's cost; the gap to 1 is the ranking's.
    ceiling: float
    answerable: int
    unanswerable: int
    outcomes: tuple[Outcome, ...]


def load_judgments(path: Path) -> list[Judgment]:
    data, problems = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    if problems:  # nested too deeply, aliases that expand without end, a syntax error: the file and line, no trace
        raise ValueError(str(problems[0]))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of judgments")
    out = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("q"), str):
            raise ValueError(f"{path}: judgment {number} needs a 'q' question")
        for flag in ("abstain", "smalltalk"):
            if not isinstance(item.get(flag, False), bool):  # "no" and "false" in quotes are true to bool()
                raise ValueError(f"{path}: judgment {number} ({item['q']!r}): '{flag}' is true or false, not "
                                 f"{item[flag]!r}")
        abstain = bool(item.get("abstain", False))
        smalltalk = bool(item.get("smalltalk", False))
        if not abstain and not smalltalk and not item.get("article"):
            raise ValueError(f"{path}: judgment {number} ({item['q']!r}) needs 'article', 'abstain: true' or "
                             "'smalltalk: true'")
        split = str(item.get("split", ""))
        if split and split not in SPLITS:
            raise ValueError(f"{path}: judgment {number} ({item['q']!r}): split is 'tune' or 'heldout', not {split!r}")
        words = item.get("words") or []
        if words != [] and not _snippets(words):  # no words: any passage of the article
            raise ValueError(f"{path}: judgment {number} ({item['q']!r}): 'words' is a list of non-empty texts")
        out.append(Judgment(item["q"], item.get("article"), tuple(words), abstain,
                            str(item.get("note", "")), smalltalk, split, _also(path, number, item)))
    return out


def _snippets(words: object) -> bool:
    """A list of texts a passage must contain; an empty or blank one would be found in every passage of the article,
    and the judgment would call every one of them right."""
    return isinstance(words, list) and bool(words) and all(isinstance(w, str) and w.strip() for w in words)


def _also(path: Path, number: int, item: dict[str, object]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The judgment's further right passages: `also: [{article: ..., words: [...]}, ...]`."""
    also = item.get("also") or []
    if not isinstance(also, list) or not all(
            isinstance(a, dict) and isinstance(a.get("article"), str) and a["article"].strip()
            and _snippets(a.get("words")) for a in also):
        raise ValueError(f"{path}: judgment {number} ({item['q']!r}): 'also' is a list of "
                         "{article: ..., words: [...]} passages")
    if also and (item.get("abstain") or item.get("smalltalk")):
        raise ValueError(f"{path}: judgment {number} ({item['q']!r}): a message to decline has no 'also' passages")
    return tuple((a["article"], tuple(a["words"])) for a in also)


def score(outcomes: list[Outcome]) -> Scores:
    answerable = [o for o in outcomes if not o.judgment.declines]
    unanswerable = [o for o in outcomes if o.judgment.declines]
    declined = [o for o in outcomes if not o.answer.answered]
    return Scores(
        hit_at_1=sum(o.rank == 1 for o in answerable) / len(answerable) if answerable else 1.0,
        mrr_at_5=sum(1 / o.rank for o in answerable if o.rank) / len(answerable) if answerable else 1.0,
        abstain_precision=sum(o.judgment.declines for o in declined) / len(declined) if declined else 1.0,
        abstain_recall=sum(not o.answer.answered for o in unanswerable) / len(unanswerable) if unanswerable else 1.0,
        wrong_quote_rate=sum(o.wrong_quote for o in outcomes) / len(outcomes) if outcomes else 0.0,
        right=sum(o.right for o in outcomes) / len(outcomes) if outcomes else 1.0,
        first_bar_aside=sum(bool(o.first_bar_aside) for o in answerable) / len(answerable) if answerable else 1.0,
        ceiling=(sum(bool(o.first_bar_aside) for o in answerable) + len(unanswerable)) / len(outcomes)
        if outcomes else 1.0,
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        outcomes=tuple(outcomes),
    )


def taught_by(judgments: list[Judgment]) -> list[Example]:
    """The tune questions of a list as example questions, each with the passage its judgment names."""
    return [Example(j.question, j.article, j.words) for j in judgments
            if j.split != "heldout" and not j.declines and j.article]


def evaluate(engine: Engine, judgments: list[Judgment], teach: list[Example] | None = None) -> Scores:
    """Ask every question. With `teach`, the engine is taught those example questions instead of its own; a
    tune question that is one of them (typed alike) is asked of an engine taught all the others, so no question
    answers itself; a held-out question is asked of the engine taught them all, as a user's would be."""
    outcomes = []
    taught = engine.with_examples(teach)[0] if teach is not None else engine
    for judgment in judgments:
        asked = taught
        same = normalise(judgment.question)  # "Hoe ...?" and "hoe ..." are one message to the engine too
        if teach is not None and judgment.split != "heldout" and any(normalise(e.question) == same for e in teach):
            asked = engine.with_examples([e for e in teach if normalise(e.question) != same])[0]
        answer = asked.ask(judgment.question, limit=5)
        rank = first = None
        if not judgment.declines:
            rank = next((i for i, r in enumerate(answer.results[:5], start=1) if judgment.matches(r)), None)
            # Answered right needs no second look: that bar already reaches it (with the answer model, lower bars
            # never change which passage comes first; with the fixed bars a lower veto could, and the better counts).
            first = rank == 1 or _first_answers(asked.without_bars(), judgment)
        outcomes.append(Outcome(judgment, answer, rank, first))
    return score(outcomes)


def _first_answers(engine: Engine, judgment: Judgment) -> bool:
    results = engine.ask(judgment.question, limit=1).results
    return bool(results) and judgment.matches(results[0])


def unmatched(engine: Engine, judgments: list[Judgment]) -> list[str]:
    """A line for every answerable judgment whose passage (or one of its `also` passages) is in no chunk of the
    corpus: a typo in `words` or `article` would otherwise count as a wrong quote every time, silently."""
    out = []
    for number, judgment in enumerate(judgments, start=1):
        if judgment.declines:
            continue
        for passage in judgment.passages:
            if not any(holds(passage, chunk.article_id, chunk.text) for chunk in engine.chunks):
                out.append(f"judgment {number} ({judgment.question!r}): no passage of {passage[0]!r} holds "
                           f"{list(passage[1])}")
    return out


def by_split(scores: Scores) -> dict[str, Scores]:
    """The scores of each split present in the list, and of the whole list under "all"."""
    parts = {name: score([o for o in scores.outcomes if o.judgment.split == name]) for name in SPLITS
             if any(o.judgment.split == name for o in scores.outcomes)}
    return {**parts, "all": scores}


ROWS = (("hit@1", "hit_at_1"), ("MRR@5", "mrr_at_5"), ("abstain precision", "abstain_precision"),
        ("abstain recall", "abstain_recall"), ("wrong-quote rate", "wrong_quote_rate"), ("handled right", "right"),
        ("first right, no bar", "first_bar_aside"), ("ceiling, any bar", "ceiling"))


def load_engine(corpus: Path, config: Path, semantic: str = "config", embeddings: Path | None = None) -> Engine:
    """The engine to score: as configured, or with the semantic signal forced on or off (`--semantic`), so one
    settings folder gives the figures with and without it. Vectors are kept in `embeddings` (the command line passes
    the bot's cache folder), so a second run embeds nothing."""
    articles, problems = load_articles(corpus)
    settings, more = load_search_settings(config)
    synonyms, even_more = load_synonyms(config)
    if semantic != "config":
        settings = replace(settings, semantic=replace(settings.semantic, enabled=semantic == "on"))
    examples, yet_more = load_examples(config)
    engine = Engine(articles, settings, synonyms, problems + more + even_more + yet_more, examples)
    if semantic == "on" and not engine.wants_semantic():
        raise SystemExit(f"--semantic on: the model package {settings.semantic.model!r} is not installed")
    embedded = engine.embedded(embeddings)
    if semantic == "on" and embedded.semantic is None:  # figures "with the signal" must never be BM25's
        raise SystemExit(f"--semantic on: the model {settings.semantic.model!r} could not be used (logged above)")
    return embedded


def main_eval(args: argparse.Namespace) -> int:
    try:
        judgments = load_judgments(args.file)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        print(f"cannot read judgments: {exc}", file=sys.stderr)
        return 2
    engine = load_engine(args.corpus, args.config, getattr(args, "semantic", "config"),
                         getattr(args, "embeddings", None))
    for line in unmatched(engine, judgments):
        print(f"warning: {args.file}: {line}", file=sys.stderr)
    teach: list[Example] | None = [] if getattr(args, "no_examples", False) else None
    if getattr(args, "teach", None):
        teach = taught_by(judgments)
        for path in args.teach:
            try:
                teach += [e for e in taught_by(load_judgments(path)) if e not in teach]
            except (OSError, ValueError) as exc:
                print(f"cannot read judgments: {exc}", file=sys.stderr)
                return 2
    for problem in engine.with_examples(teach)[1] if teach else ():
        print(f"warning: {problem.message}", file=sys.stderr)
    scores = evaluate(engine, judgments, teach)
    for outcome in scores.outcomes:
        j = outcome.judgment
        if args.verbose or not outcome.right:
            top = outcome.answer.results[0] if outcome.answer.results else None
            got = f"{top.article} [{top.kind}] {top.quote[:60]!r}" if top else f"abstained ({outcome.answer.reason})"
            want = "small talk" if j.smalltalk else "abstain" if j.abstain else \
                " or ".join(f"{article} {list(words)}" for article, words in j.passages) + \
                (f" (rank {outcome.rank})" if outcome.rank else " (not in the first five)")
            split = f" [{j.split}]" if j.split else ""
            print(f"{'ok  ' if outcome.right else 'MISS'}{split} {j.question!r}\n      want {want}\n      got  {got}")
    print(f"\n{len(judgments)} questions ({scores.answerable} answerable, {scores.unanswerable} to decline)")
    parts = by_split(scores)
    print(f"{'':20}" + "".join(f"{name:>9}" for name in parts))
    print(f"{'questions':20}" + "".join(f"{len(s.outcomes):>9}" for s in parts.values()))
    for label, field in ROWS:
        print(f"{label:20}" + "".join(f"{getattr(s, field):>9.3f}" if _measured(s, field) else f"{'-':>9}"
                                      for s in parts.values()))
    return 0


def _measured(scores: Scores, field: str) -> bool:
    """Whether a figure has anything to count: with no answerable question hit@1 is no 1.000, it is nothing."""
    if field in ("hit_at_1", "mrr_at_5", "first_bar_aside"):
        return scores.answerable > 0
    if field == "abstain_precision":
        return any(not o.answer.answered for o in scores.outcomes)
    if field == "abstain_recall":
        return scores.unanswerable > 0
    return bool(scores.outcomes)


# --- fitting the answer model ---------------------------------------------------------------------------------------

def load_manifest(path: Path) -> list[tuple[Path, Path, Path]]:
    """(judgments, corpus, config) of each list a manifest names, paths relative to the manifest."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list) or not data:
        raise ValueError(f"{path}: expected a list of {{judgments, corpus, config}} entries")
    out = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("judgments", "corpus",
                                                                                         "config")):
            raise ValueError(f"{path}: entry {number} needs 'judgments', 'corpus' and 'config' paths")
        out.append((path.parent / item["judgments"], path.parent / item["corpus"], path.parent / item["config"]))
    return out


def training_rows(engine: Engine, judgments: list[Judgment]) -> tuple[np.ndarray, np.ndarray]:
    """Every candidate passage of every *tune* judgment (a list without splits counts as tune) with its label: 1 for
    the passages that answer an answerable question (`words` and `also`), 0 for the others and for every passage of a
    message to decline. Held-out judgments are never read here."""
    tables: list[np.ndarray] = []
    labels: list[np.ndarray] = []
    for judgment in judgments:
        if judgment.split == "heldout":
            continue
        rows, table = engine.model_rows(judgment.question)
        if not len(rows):
            continue
        tables.append(table)
        labels.append(np.array([0.0 if judgment.declines else float(judgment.matches_chunk(engine.chunks[i]))
                                for i in rows.tolist()]))
    if not tables:
        return np.zeros((0, len(FEATURES))), np.zeros(0)
    return np.vstack(tables), np.concatenate(labels)


def fit_answer_model(manifest: Path, l2: float = L2, embeddings: Path | None = None) -> AnswerModel:
    """The answer model fitted on the tune part of every list in `manifest` (with the semantic signal on)."""
    tables, labels, lists = [], [], []
    for judgments_file, corpus, config in load_manifest(manifest):
        engine = load_engine(corpus, config, "on", embeddings)
        table, label = training_rows(engine, load_judgments(judgments_file))
        tables.append(table)
        labels.append(label)
        lists.append(judgments_file.name)
    rows, answers = np.vstack(tables), np.concatenate(labels)
    if not answers.sum() or answers.sum() == len(answers):
        raise ValueError(f"the tune parts give {len(answers)} candidate passages, {int(answers.sum())} of them right: "
                         "a fit needs both right and wrong ones (are all judgments held out?)")
    about = {"lists": lists, "split": "tune", "rows": len(rows), "right_passages": int(answers.sum()), "l2": l2}
    return fit(rows, answers, l2, about)


def _write_atomically(path: Path, text: str) -> None:
    """A temporary file beside `path`, renamed over it: a running bot that starts meanwhile reads the old model or the
    new one, never half of one (half would be refused and the bot would fall back to the fixed bars)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def main_fit(args: argparse.Namespace) -> int:
    if not args.l2 > 0:
        print(f"cannot fit: --l2 must be above 0 (got {args.l2}); without a penalty a list the features separate "
              "gives unbounded weights", file=sys.stderr)
        return 2
    try:
        model = fit_answer_model(args.manifest, args.l2, getattr(args, "embeddings", None))
        _write_atomically(args.out, model.to_json())
    except (OSError, ValueError, yaml.YAMLError, np.linalg.LinAlgError) as exc:
        print(f"cannot fit: {exc}", file=sys.stderr)
        return 2
    print(f"answer model written to {args.out}: {model.about['rows']} passages, "
          f"{model.about['right_passages']} right, from {', '.join(model.about['lists'])}")
    for name, weight in zip(FEATURES, model.weights, strict=True):
        print(f"  {name:14} {weight:+.3f}")
    return 0
