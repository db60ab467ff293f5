"""`python -m bot corpus import FILE...`: turn raw scraped text files into corpus articles, showing what was removed."""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import yaml

from bot.ingest.cleaning import Cleaned, clean, slugify
from bot.search.articles import ID_PATTERN, URL_PATTERN
from bot.yamlfile import read_text


def render_article(cleaned: Cleaned, article_id: str, url: str | None) -> str:
    """Front matter (only known keys, in a fixed order) + body, as committed in corpus/."""
    meta: dict[str, str] = {"id": article_id, "title": cleaned.title}
    if cleaned.author:
        meta["author"] = cleaned.author
    if cleaned.date:
        meta["date"] = cleaned.date
    if url:
        meta["url"] = url
    meta["language"] = "nl"
    front = "".join(f"{key}: {_scalar(key, value)}\n" for key, value in meta.items())
    return f"---\n{front}---\n{cleaned.body}"


def _scalar(key: str, value: str) -> str:
    """Plain YAML where it reads back as the same text (or, for date, as that date), else a quoted string."""
    try:
        parsed = yaml.safe_load(f"{key}: {value}")
    except (yaml.YAMLError, ValueError):  # ValueError: an impossible date ("2012-02-30") is kept as quoted text
        parsed = None
    if isinstance(parsed, dict) and (parsed.get(key) == value or (key == "date" and str(parsed.get(key)) == value)):
        return value
    return json.dumps(value, ensure_ascii=False)


def _short(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def report(cleaned: Cleaned) -> str:
    lines: list[str] = []
    by_reason: dict[str, list[str]] = defaultdict(list)
    for removal in cleaned.removed:
        by_reason[removal.reason].append(removal.line)
    lines.append(f"  removed {len(cleaned.removed)} line(s):")
    for reason, removed in by_reason.items():
        lines.append(f"    {reason}:")
        lines += [f"      - {_short(line)}" for line in removed]
    if cleaned.repairs:
        lines.append(f"  repaired {len(cleaned.repairs)} thing(s):")
        lines += [f"    - {_short(r, 100)}" for r in cleaned.repairs]
    return "\n".join(lines)


def main_import(args: argparse.Namespace) -> int:
    failed = 0
    corpus: Path = args.corpus
    for path in args.files:
        text, problems = read_text(path)
        if text is None:
            for problem in problems:
                print(problem, file=sys.stderr)  # "path:line: error: ..." already
            failed += 1
            continue
        cleaned = clean(text)
        if args.title:
            cleaned.title = args.title
        if args.author:
            cleaned.author = args.author
        if not cleaned.title or not cleaned.body.strip():
            print(f"error: {path}: no article text found (title {cleaned.title!r})", file=sys.stderr)
            failed += 1
            continue
        article_id = args.id or slugify(cleaned.title)
        if not ID_PATTERN.match(article_id):
            print(f"error: --id {article_id!r} must be 1-48 characters of A-Z, a-z, 0-9, '_' or '-'", file=sys.stderr)
            failed += 1
            continue
        if args.url and not URL_PATTERN.match(args.url):
            print(f"error: --url {args.url!r} must be an http(s) address", file=sys.stderr)
            failed += 1
            continue
        target = corpus / f"{article_id}.md"
        print(f"{path} -> {target}")
        print(f"  title: {cleaned.title}; author: {cleaned.author or '-'}; date: {cleaned.date or '-'}")
        print(report(cleaned))
        if args.dry_run:
            print("  (dry run: nothing written)")
            continue
        if target.exists() and not args.force:
            print(f"error: {target} exists; use --force to overwrite it", file=sys.stderr)
            failed += 1
            continue
        corpus.mkdir(parents=True, exist_ok=True)
        target.write_text(render_article(cleaned, article_id, args.url), encoding="utf-8")
        print("  written.")
    return 1 if failed else 0
