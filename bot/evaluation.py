"""`python -m bot eval FILE`: score the engine on a judgment list before a corpus or synonym change is deployed.

A judgment is a question and either the passage that should answer it (article id and words the passage text must
contain) or `abstain: true`. Metrics: hit@1 and MRR@5 over the answerable questions, and precision/recall of
abstention (of the questions the engine declined, how many should have been declined; of those that should, how many
it declined).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.search.engine import Engine
from bot.search.records import Answer, Result


@dataclass(frozen=True)
class Judgment:
    question: str
    article: str | None = None
    words: tuple[str, ...] = ()
    abstain: bool = False
    note: str = ""

    def matches(self, result: Result) -> bool:
        text = result.text.casefold()
        return result.article == self.article and all(w.casefold() in text for w in self.words)


@dataclass(frozen=True)
class Outcome:
    judgment: Judgment
    answer: Answer
    rank: int | None  # 1-based rank of the first matching result within the top 5, None if absent


@dataclass(frozen=True)
class Scores:
    hit_at_1: float
    mrr_at_5: float
    abstain_precision: float
    abstain_recall: float
    answerable: int
    unanswerable: int
    outcomes: tuple[Outcome, ...]


def load_judgments(path: Path) -> list[Judgment]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of judgments")
    out = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("q"), str):
            raise ValueError(f"{path}: judgment {number} needs a 'q' question")
        abstain = bool(item.get("abstain", False))
        if not abstain and not item.get("article"):
            raise ValueError(f"{path}: judgment {number} ({item['q']!r}) needs 'article' or 'abstain: true'")
        words = item.get("words") or []
        out.append(Judgment(item["q"], item.get("article"), tuple(map(str, words)), abstain, str(item.get("note", ""))))
    return out


def evaluate(engine: Engine, judgments: list[Judgment]) -> Scores:
    outcomes = []
    for judgment in judgments:
        answer = engine.ask(judgment.question, limit=5)
        rank = None
        if not judgment.abstain:
            rank = next((i for i, r in enumerate(answer.results[:5], start=1) if judgment.matches(r)), None)
        outcomes.append(Outcome(judgment, answer, rank))
    answerable = [o for o in outcomes if not o.judgment.abstain]
    unanswerable = [o for o in outcomes if o.judgment.abstain]
    declined = [o for o in outcomes if not o.answer.answered]
    return Scores(
        hit_at_1=sum(o.rank == 1 for o in answerable) / len(answerable) if answerable else 1.0,
        mrr_at_5=sum(1 / o.rank for o in answerable if o.rank) / len(answerable) if answerable else 1.0,
        abstain_precision=sum(o.judgment.abstain for o in declined) / len(declined) if declined else 1.0,
        abstain_recall=sum(not o.answer.answered for o in unanswerable) / len(unanswerable) if unanswerable else 1.0,
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        outcomes=tuple(outcomes),
    )


def main_eval(args: argparse.Namespace) -> int:
    try:
        judgments = load_judgments(args.file)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        print(f"cannot read judgments: {exc}", file=sys.stderr)
        return 2
    engine = Engine.load(args.corpus, args.config)
    scores = evaluate(engine, judgments)
    for outcome in scores.outcomes:
        j = outcome.judgment
        ok = (not outcome.answer.answered) if j.abstain else outcome.rank == 1
        if args.verbose or not ok:
            top = outcome.answer.results[0] if outcome.answer.results else None
            got = f"{top.article} [{top.kind}] {top.quote[:60]!r}" if top else f"abstained ({outcome.answer.reason})"
            want = "abstain" if j.abstain else f"{j.article} {list(j.words)} (rank {outcome.rank})"
            print(f"{'ok  ' if ok else 'MISS'} {j.question!r}\n      want {want}\n      got  {got}")
    print(f"\n{len(judgments)} questions ({scores.answerable} answerable, {scores.unanswerable} to abstain)")
    print(f"hit@1              {scores.hit_at_1:.3f}")
    print(f"MRR@5              {scores.mrr_at_5:.3f}")
    print(f"abstain precision  {scores.abstain_precision:.3f}")
    print(f"abstain recall     {scores.abstain_recall:.3f}")
    return 0
