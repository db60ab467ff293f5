"""Command line: `python -m bot [run|ask|chat|eval|fit|pool|corpus|report|bench]`.

Each sub-command lives in its own module; this file only parses arguments and dispatches, so importing it stays cheap.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT / "corpus"  # the operators' folders; tests point these at tests/fixtures
DEFAULT_CONFIG = ROOT / "config"


# Commands that read the articles and settings: a folder that is not there is a mistake (a typo, the wrong working
# directory), not an empty corpus to serve "not covered" from.
NEEDS_FOLDERS = frozenset({"run", "ask", "chat", "eval", "bench"})


def _add_paths(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    # The options work before and after the command. On a command they default to SUPPRESS: argparse lets a
    # subparser's defaults overwrite what the main parser parsed, so `--corpus X ask ...` used to ask corpus/.
    corpus = DEFAULT_CORPUS if top else argparse.SUPPRESS
    config = DEFAULT_CONFIG if top else argparse.SUPPRESS
    parser.add_argument("--corpus", type=Path, default=corpus, help="folder of articles (default: corpus/)")
    parser.add_argument("--config", type=Path, default=config, help="folder of settings (default: config/)")


def missing_folders(args: argparse.Namespace) -> list[str]:
    return [f"the {name} folder {path} does not exist" for name, path in (("corpus", args.corpus),
                                                                         ("config", args.config))
            if not path.is_dir()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    _add_paths(parser, top=True)
    sub = parser.add_subparsers(dest="command")

    run = sub.add_parser("run", help="Telegram bot when TELEGRAM_BOT_TOKEN is set, else the terminal chat (default)")
    _add_paths(run)

    ask = sub.add_parser("ask", help="answer questions once and exit")
    _add_paths(ask)
    ask.add_argument("questions", nargs="+", metavar="QUESTION")
    ask.add_argument("--json", action="store_true", help="one JSON object per question, one per line")
    ask.add_argument("-n", "--limit", type=int, default=5, help="results per question (default 5)")

    chat = sub.add_parser("chat", help="a terminal conversation with the engine")
    _add_paths(chat)

    ev = sub.add_parser("eval", help="score a judgment list: hit@1, MRR@5, abstention precision/recall")
    _add_paths(ev)
    ev.add_argument("file", type=Path)
    ev.add_argument("--verbose", "-v", action="store_true", help="show every question's outcome")
    ev.add_argument("--semantic", choices=("config", "on", "off"), default="config",
                    help="the semantic signal as search.yaml says (default), or forced on or off")
    ev.add_argument("--teach", type=Path, action="append", default=None, metavar="LIST",
                    help="instead of config/examples.yaml, teach the tune questions of these judgment lists and of "
                         "FILE as examples (a tune question is measured without itself); repeatable")
    ev.add_argument("--no-examples", action="store_true", help="ignore config/examples.yaml")

    fitp = sub.add_parser("fit", help="fit the answer model on the tune part of judgment lists")
    fitp.add_argument("manifest", type=Path, help="YAML list of {judgments, corpus, config} (see README)")
    fitp.add_argument("--out", type=Path, required=True,
                      help="where to write it (bot/search/answer_model.json replaces the shipped model)")
    fitp.add_argument("--l2", type=float, default=None, help="penalty on the weights (default 1.0)")

    pool = sub.add_parser("pool", help="passages to judge blind for a judgment list, or merge the verdicts")
    _add_paths(pool)
    pool.add_argument("file", type=Path, help="the judgment list")
    pool.add_argument("--out", type=Path, required=True,
                      help="folder for pool.json and key.json; with --merge, the new list's file (never overwritten)")
    pool.add_argument("--merge", type=Path, metavar="DIR", help="the folder a pool was written to")
    pool.add_argument("--verdicts", type=Path, metavar="FILE", help="JSON object: candidate id -> true/false")

    corpus = sub.add_parser("corpus", help="import raw scrapes, check articles and settings")
    csub = corpus.add_subparsers(dest="corpus_command", required=True)
    imp = csub.add_parser("import", help="turn pages and documents (HTML, PDF, DOCX, Markdown, text) into articles")
    _add_paths(imp)
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE|FOLDER")
    imp.add_argument("--force", action="store_true", help="overwrite an existing article file")
    imp.add_argument("--dry-run", action="store_true",
                     help="show the article and its first passages as the bot would quote them, write nothing")
    imp.add_argument("--id", help="article id (default: derived from the title; one file only)")
    imp.add_argument("--title", help="the title, when the page's is missing or wrong (one file only)")
    imp.add_argument("--author", help="author, when the page names none")
    imp.add_argument("--date", help="publication date (2025-06-03, 3-6-2025, 3 juni 2025, Jun 3, 2025)")
    imp.add_argument("--language", choices=["nl", "en"], help="the article's language, when detection is unsure")
    imp.add_argument("--url", help="the article's public address (never guessed)")
    chk = csub.add_parser("check", help="validate every article and config file")
    _add_paths(chk)

    report = sub.add_parser("report", help="unanswered questions, disliked passages, answer rate")
    _add_paths(report)
    report.add_argument("--html", type=Path, metavar="FILE", help="also write a self-contained HTML page")
    report.add_argument("--days", type=int, default=30)

    bench = sub.add_parser("bench", help="speed and memory figures, compared with the alternatives")
    _add_paths(bench)
    bench.add_argument("--quick", action="store_true", help="real corpus and 10k chunks only (under a minute)")
    bench.add_argument("--json", action="store_true", help="print every figure as one JSON object")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    pooling = command == "pool" and args.merge is None  # merging verdicts reads no articles
    missing = missing_folders(args) if command in NEEDS_FOLDERS or pooling else []
    if missing:
        print(f"error: {'; '.join(missing)} (give --corpus / --config, or run from the repository)", file=sys.stderr)
        return 2
    if command in ("run", "ask", "chat", "eval", "fit", "pool"):
        from bot.run import data_dir

        # Where the semantic signal's vectors are kept: the bot's cache folder, so `ask`, `chat` and `eval` reuse
        # what the bot (or an earlier run) embedded.
        args.embeddings = data_dir(args.config) / "cache"
    if command == "run":
        from bot.run import main_run

        return main_run(args)
    if command in ("ask", "chat"):
        from bot import terminal

        return terminal.main_ask(args) if command == "ask" else terminal.main_chat(args)
    if command == "eval":
        from bot.evaluation import main_eval

        return main_eval(args)
    if command == "fit":
        from bot.evaluation import L2, main_fit

        args.l2 = L2 if args.l2 is None else args.l2
        return main_fit(args)
    if command == "pool":
        from bot.judging import main_pool

        return main_pool(args)
    if command == "corpus":
        if args.corpus_command == "import":
            from bot.ingest.importer import main_import

            return main_import(args)
        from bot.checks import main_check

        return main_check(args)
    if command == "report":
        from bot.usage.report import main_report

        return main_report(args)
    if command == "bench":
        from bot.bench.runner import main_bench

        return main_bench(args)
    print(f"unknown command {command}", file=sys.stderr)
    return 2
