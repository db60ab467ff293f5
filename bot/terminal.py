"""`python -m bot ask` and `python -m bot chat`: the engine in a terminal, for operators and for trying questions."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap

from bot.search.engine import Engine
from bot.search.records import Answer, Result

LABELS = {"rule": "Regel", "case": "Casus", "passage": "Passage"}


def format_result(result: Result, width: int = 88) -> str:
    source = result.title
    if result.author:
        source += f" — {result.author}"
    if result.date:
        source += f" ({result.date})"
    link = result.url or f"(volledige tekst: typ 'artikel {result.article}')"
    quote = textwrap.fill(result.quote, width=width, initial_indent="  “", subsequent_indent="   ") + "”"
    label = "Opvatting die de auteur weerlegt" if result.rebutted else result.label(LABELS[result.kind])
    return f"{label}:\n{quote}\n  — {source}\n  {link}"


MORE_IN_CHAT = "typ 'meer'"
MORE_IN_ASK = "in 'python -m bot chat' met 'meer', of alle met --json"
CHAT_HELP = "Stel een vraag; 'meer' toont de volgende passage, 'artikel <id>' het hele artikel, 'stop' sluit af."


SMALLTALK = {
    "greeting": "Hallo! Stel gerust een vraag over zakelijke relaties, bijvoorbeeld: Hoe houd ik klanten trouw?",
    "thanks": "Graag gedaan! Heeft u nog een vraag, stel hem gerust.",
    "ack": "Prima. Stel gerust een volgende vraag.",
    "bye": "Tot ziens! (typ 'stop' om af te sluiten)",
    "identity": "Ik beantwoord vragen over zakelijke relaties met letterlijke citaten uit {count} artikelen.",
    "help": CHAT_HELP,
}


def format_answer(answer: Answer, engine: Engine, show: int = 1, more: str = MORE_IN_CHAT) -> str:
    if answer.smalltalk:
        return SMALLTALK[answer.smalltalk].format(count=len(engine.articles))
    lines: list[str] = []
    if answer.truncated:
        lines.append(f"(Uw vraag was te lang en is ingekort tot {engine.settings.answer.max_question_chars} tekens.)")
    if not answer.answered and answer.nearby:
        lines.append("Ik vind geen passage die uw vraag zeker beantwoordt; ik citeer liever niets dan iets wat er "
                     "niet bij past. Het dichtst bij uw vraag komen deze artikelen:")
        lines += [f"  - {n.title} (typ 'artikel {n.article}')" for n in answer.nearby]
        return "\n".join(lines)
    if not answer.answered:
        lines.append("Daar gaan de artikelen niet over; ik citeer liever niets dan iets wat er niet bij past.")
        lines.append("Probeer het anders te vragen. Onderwerpen die wel aan bod komen:")
        lines += [f"  - {t}" for t in engine.topics()]
        return "\n".join(lines)
    for result in answer.results[:show]:
        lines.append(format_result(result))
    rest = len(answer.results) - show
    if rest > 0:
        lines.append(f"({rest} andere passage(s): {more})")
    return "\n\n".join(lines) if len(lines) > 1 else lines[0]


def _load(args: argparse.Namespace) -> Engine:
    """The engine, with the semantic signal's vectors from the bot's store; what is missing is embedded now, with
    progress on the terminal (a first run on a large corpus takes a while)."""
    from bot.serving.semantic_build import Progress

    return Engine.load(args.corpus, args.config, getattr(args, "embeddings", None),
                       Progress(background=False))


def main_ask(args: argparse.Namespace) -> int:
    # An empty argument is a slip of the shell (an unset variable, a stray pair of quotes), not a question: answering
    # it "not covered" with the topics list read as if the bot had looked and found nothing.
    blank = [number for number, question in enumerate(args.questions, start=1) if not question.strip()]
    if blank:
        print(f"ask: question {blank[0]} is empty; give the question as text, in quotes", file=sys.stderr)
        return 2
    engine = _load(args)
    _warn(engine)
    for question in args.questions:
        answer = engine.ask(question, limit=args.limit)
        if args.json:
            print(json.dumps(answer.as_json(), ensure_ascii=False), flush=True)
        else:
            print(f"? {question}\n{format_answer(answer, engine, more=MORE_IN_ASK)}\n")
    return 0


def _warn(engine: Engine) -> None:
    for problem in engine.problems:
        print(problem, file=sys.stderr)


def main_chat(args: argparse.Namespace) -> int:
    engine = _load(args)
    _warn(engine)
    print(f"Terminal chat met {len(engine.articles)} artikelen ({len(engine.chunks)} passages). {CHAT_HELP}")
    last: Answer | None = None
    shown = 0
    while True:
        try:
            line = input("> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not line:
            continue
        lowered = line.casefold()
        if lowered in {"stop", "quit", "exit", "q"}:
            return 0
        if lowered in {"help", "hulp", "?"}:  # a command, not a question about "helpen"
            print(CHAT_HELP)
            continue
        if lowered in {"meer", "more"}:
            if last is None or shown >= len(last.results):
                print("Geen andere passages voor deze vraag.")
            else:
                print(format_result(last.results[shown]))
                shown += 1
            continue
        if lowered.startswith(("artikel ", "article ")):
            article = engine.articles.get(line.split(maxsplit=1)[1].strip())
            print(f"# {article.title}\n\n{article.body}" if article else "Dat artikel ken ik niet.")
            continue
        last = engine.ask(line)
        shown = 1
        print(format_answer(last, engine))
