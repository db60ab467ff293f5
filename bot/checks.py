"""`python -m bot corpus check`: validate every article and config file; one bad file never hides the others."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.ingest.review import review_articles
from bot.problems import Problem
from bot.search.articles import ARTICLE_SUFFIXES, load_articles
from bot.search.chunking import chunk_article
from bot.search.examples import load_examples, resolve
from bot.search.records import Article
from bot.search.settings import load_search_settings, load_synonyms
from bot.telegram.settings import check_telegram_config
from bot.usage.settings import load_usage_settings


def check_config_folder(config_dir: Path) -> list[Problem]:
    """Every problem in every config file but the example questions, which need the articles (`_example_problems`)."""
    problems: list[Problem] = []
    if not config_dir.is_dir():
        return [Problem(str(config_dir), "config folder does not exist")]
    problems += load_search_settings(config_dir)[1]
    problems += load_synonyms(config_dir)[1]
    problems += check_telegram_config(config_dir)
    problems += load_usage_settings(config_dir)[1]
    return problems


def check_all(corpus_dir: Path, config_dir: Path) -> tuple[int, list[Problem]]:
    """(number of articles that load, every problem found) for the corpus and config folders."""
    articles, problems = load_articles(corpus_dir)
    problems += review_articles(articles)  # warnings: what an import let through (titles, chrome, duplicates)
    if corpus_dir.is_dir():
        for path in sorted(corpus_dir.rglob("*")):
            if path.is_file() and path.suffix.lower() not in ARTICLE_SUFFIXES and not path.name.startswith("."):
                problems.append(Problem(str(path), "ignored: not a .md article", severity="warning"))
            elif path.suffix.lower() in ARTICLE_SUFFIXES or path.name.lower() in ARTICLE_SUFFIXES:
                # What an operator thinks is an article but the bot skips without a word while it runs.
                if path.name.startswith(".#"):
                    continue  # an editor's lock file (Emacs) beside the article being edited
                if path.is_symlink() and not path.exists():
                    problems.append(Problem(str(path), "ignored: a symlink to nothing (its target is gone)",
                                            severity="warning"))
                elif path.is_file() and path.name.startswith("."):
                    problems.append(Problem(str(path), "ignored: a hidden file (its name starts with a dot); rename "
                                                       "it to serve it", severity="warning"))
    if corpus_dir.is_dir() and not articles:
        # Not an error to the bot (it starts and says "not covered" to everything), but never what an operator means.
        problems.append(Problem(str(corpus_dir), "no article loads from this folder: the bot would answer nothing",
                                severity="warning"))
    problems += check_config_folder(config_dir)
    problems += _example_problems(articles, config_dir)
    return len(articles), problems


def _example_problems(articles: list[Article], config_dir: Path) -> list[Problem]:
    """What is wrong in examples.yaml, and each example whose article or passage is not in the corpus (the bot
    ignores it, and says so): the file read once."""
    if not config_dir.is_dir():
        return []
    examples, problems = load_examples(config_dir)
    if not examples:
        return problems
    by_id = {a.id: a for a in articles}
    wanted = {e.article for e in examples}
    texts = {article: [(0, chunk.text) for chunk in chunk_article(by_id[article])]
             for article in wanted if article in by_id}
    return problems + resolve(examples, lambda article: texts.get(article, []))[1]


def main_check(args: argparse.Namespace) -> int:
    count, problems = check_all(args.corpus, args.config)
    for problem in problems:
        print(problem)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    print(f"{count} article(s) OK, {errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0
