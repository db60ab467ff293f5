"""`python -m bot corpus import FILE|FOLDER...`: turn operators' files into corpus articles, showing what was done.

Per file: read the format (bot.ingest.formats), clean the text and choose the title by evidence (bot.ingest.cleaning),
settle author, date, address and language (the operator's options first, then what the file states, then what the
text shows; an address is never invented), and write `corpus/<id>.md`. A file that cannot become a trustworthy
article (no plausible title, language unclear, unsupported format) is refused with what to do, and nothing is written
for it. A summary at the end lists every file with its id, title, author, date, language, chunks and what needs
attention. `--dry-run` prints the article and its first passages as the bot would quote them.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.ingest.cleaning import Cleaned, clean, slugify
from bot.ingest.formats import SUPPORTED, Source, UnsupportedFormat, read_source
from bot.ingest.metadata import LANGUAGES, detect_language, parse_date
from bot.ingest.review import KnownTexts
from bot.search.articles import ID_PATTERN, URL_PATTERN, load_articles
from bot.search.chunking import chunk_article
from bot.search.records import Article
from bot.yamlfile import MAX_FILE_BYTES

log = logging.getLogger(__name__)

PASSAGES_SHOWN = 3


@dataclass
class Imported:
    """What one file became (or why it did not)."""

    path: Path
    error: str | None = None
    article: Article | None = None
    cleaned: Cleaned | None = None
    source: Source | None = None
    chunks: int = 0
    attention: list[str] = field(default_factory=list)
    written: bool = False


def render_article(article: Article) -> str:
    """Front matter (only known keys, in a fixed order) + body, as committed in corpus/."""
    meta: dict[str, str] = {"id": article.id, "title": article.title}
    if article.author:
        meta["author"] = article.author
    if article.date:
        meta["date"] = article.date
    if article.url:
        meta["url"] = article.url
    meta["language"] = article.language
    front = "".join(f"{key}: {_scalar(key, value)}\n" for key, value in meta.items())
    return f"---\n{front}---\n{article.body}"


def _scalar(key: str, value: str) -> str:
    """Plain YAML where it reads back as the same text (or, for date, as that date), else a quoted string."""
    try:
        parsed = yaml.safe_load(f"{key}: {value}")
    except (yaml.YAMLError, ValueError, RecursionError):  # ValueError: an impossible date ("2012-02-30")
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


# Files a folder of pages often holds beside them that are never articles: its README, licence, change log.
NOT_ARTICLES = re.compile(r"^(?:readme|licen[cs]e|copying|changelog|changes|notice|authors)(?:\.[\w.]+)?$",
                          re.IGNORECASE)


def input_files(paths: list[Path], skipped: list[Path] | None = None) -> list[Path]:
    """The files named, and the files directly inside a folder named (hidden files skipped, and a folder's README,
    licence or change log: `skipped` collects those), in name order. A file named on its own is always taken."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            for found in sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")):
                if NOT_ARTICLES.match(found.name):
                    if skipped is not None:
                        skipped.append(found)
                    continue
                out.append(found)
        else:
            out.append(path)
    return out


def build(path: Path, args: argparse.Namespace) -> Imported:
    """Read and clean one file into an Article; every refusal is a message that says what to do."""
    result = Imported(path)
    for option, value in (("--title", args.title), ("--author", args.author)):
        if value and any(unicodedata.category(c) in ("Cc", "Cf") for c in value):
            # A terminal escape or a right-to-left override in a title reaches every answer that cites it.
            result.error = f"{option} {value!r} holds control characters; type it again"
            return result
    try:
        source = read_source(path)
    except FileNotFoundError:
        result.error = "file not found"
        return result
    except UnsupportedFormat as exc:
        result.error = f"unsupported format ({exc}); the importer reads {SUPPORTED}"
        return result
    except OSError as exc:
        result.error = f"cannot read file: {exc.strerror or exc}"
        return result
    except Exception as exc:  # a reader library's own error on a damaged file (a DOCX whose XML is broken)
        result.error = f"cannot read this file, it looks damaged ({type(exc).__name__}: {_short(str(exc))})"
        return result
    result.source = source
    if not source.text.strip():
        result.error = "the file holds no text"
        return result
    cleaned = clean(source.text, known_title=source.title, title_evidence=source.title_evidence or "",
                    given_title=args.title)
    result.cleaned = cleaned
    if cleaned.refusal:
        result.error = cleaned.refusal
        return result
    if not cleaned.body.strip():
        result.error = f"no article text found (title {cleaned.title!r})"
        return result
    attention = [*source.notes, *cleaned.attention]

    date = source.date or cleaned.date
    if args.date:
        date = parse_date(args.date)
        if not date:
            result.error = f"--date {args.date!r} is not a date (write 2025-06-03, 3-6-2025 or 3 juni 2025)"
            return result
    url = args.url or source.url
    if url and not URL_PATTERN.match(url):
        result.error = f"--url {url!r} must be an http(s) address"
        return result
    detected, evidence = detect_language(cleaned.title + "\n" + cleaned.body)
    language = args.language or detected
    if args.language and detected and detected != args.language:
        attention.append(f"--language {args.language} given, but the text looks {detected} ({evidence})")
    declared = (source.language or "").lower()[:2] or None
    if not language and declared in LANGUAGES:
        language = declared
        attention.append(f"language {declared} as the file declares it; too little text to check ({evidence})")
    elif declared and detected and declared != detected and not args.language:
        attention.append(f"the file says language {declared!r}, its text is {detected} ({evidence}): {detected} used")
    if language not in LANGUAGES:
        result.error = f"cannot tell whether the text is Dutch or English ({evidence}): give --language nl or en"
        return result

    article_id = args.id or slugify(cleaned.title)
    if not ID_PATTERN.match(article_id):
        result.error = f"--id {article_id!r} must be 1-48 characters of A-Z, a-z, 0-9, '_' or '-'"
        return result
    article = Article(id=article_id, title=cleaned.title, body=cleaned.body,
                      author=args.author or source.author or cleaned.author, date=date, url=url,
                      language=str(language))
    size = len(render_article(article).encode("utf-8"))
    if size > MAX_FILE_BYTES:
        # The bot refuses a corpus file this large (bot/yamlfile.py): written, it would never be served.
        result.error = (f"the article would be {size / 1048576:.1f} MB, over the {MAX_FILE_BYTES // 1048576} MB a "
                        "corpus file may hold: split the page (by chapter) and import the parts")
        return result
    result.article = article
    result.chunks = len(chunk_article(article))
    if not url:
        attention.append("no address in the file: the bot links to the article inside itself (give --url to link "
                         "the page)")
    result.attention = attention
    return result


def _describe(result: Imported) -> list[str]:
    assert result.article is not None and result.cleaned is not None and result.source is not None
    article, cleaned, source = result.article, result.cleaned, result.source
    fmt = source.format + (f", {source.encoding}" if source.encoding and source.encoding != "UTF-8" else "")
    lines = [f"  format: {fmt}",
             f"  title: {article.title}  ({cleaned.title_evidence})",
             f"  author: {article.author or '-'}; date: {article.date or '-'}; language: {article.language}; "
             f"url: {article.url or '-'}; chunks: {result.chunks}",
             report(cleaned)]
    if result.attention:
        lines.append(f"  needs attention ({len(result.attention)}):")
        lines += [f"    - {note}" for note in result.attention]
    return lines


def _preview(article: Article) -> list[str]:
    """The article as written, then its first passages as the bot would quote them (the engine's own chunking)."""
    lines = ["  --- article as it would be written ---", *render_article(article).rstrip("\n").split("\n"),
             f"  --- first passages as the bot would quote them ({PASSAGES_SHOWN} shown) ---"]
    for chunk in chunk_article(article)[:PASSAGES_SHOWN]:
        lines.append(f"  [{chunk.position + 1}] {chunk.kind}, section {chunk.section!r}:")
        lines += [f"      {line}" for line in chunk.text.split("\n")]
    return lines


def main_import(args: argparse.Namespace) -> int:
    corpus: Path = args.corpus
    skipped: list[Path] = []
    files = input_files(args.files, skipped)
    for path in skipped:
        print(f"{path}: skipped: a folder's {path.stem.upper()} file, not an article (name the file itself to import "
              "it anyway)")
    if len(files) > 1 and (args.id or args.title):
        print("error: --id and --title name one article: give them with one file at a time", file=sys.stderr)
        return 2
    if args.language and args.language not in LANGUAGES:
        print(f"error: --language must be one of {', '.join(LANGUAGES)}", file=sys.stderr)
        return 2
    results: list[Imported] = []
    ids: dict[str, Path] = {}  # id -> the file of this run that has it
    # Read once per run, not per file: the corpus's articles, to catch a page imported before under another title.
    known = KnownTexts(load_articles(corpus)[0] if corpus.is_dir() else [])
    for path in files:
        try:
            result = build(path, args)
        except Exception as exc:  # a fault of the importer on one file never costs the others of a folder
            log.exception("import of %s failed", path)
            result = Imported(path)
            result.error = (f"the importer failed on this file ({type(exc).__name__}: {_short(str(exc))}); nothing "
                            "was written for it")
        results.append(result)
        if result.article is not None:
            result.attention += [f"nearly the same text as '{other.id}' ({_where(other)}), {share:.0%} shared: the "
                                 "same page twice? Keep one of them"
                                 for other, share in known.same_text(result.article)]
            known.add(result.article)
        if result.article is not None and result.article.id in ids:
            # Two files of one run with one id are the same article twice (a page and its PDF): --force must not
            # let the second silently replace the first.
            result.error = (f"same id '{result.article.id}' as {ids[result.article.id].name} in this run (the same "
                            "article twice?); import it alone with --id to keep both")
        if result.error or result.article is None:
            print(f"{path}: error: {result.error}", file=sys.stderr)
            continue
        ids[result.article.id] = path
        target = corpus / f"{result.article.id}.md"
        print(f"{path} -> {target}")
        print("\n".join(_describe(result)))
        if args.dry_run:
            print("\n".join(_preview(result.article)))
            if target.exists() and not args.force:
                print(f"  (dry run: nothing written; the import itself would be refused: {target} exists, use "
                      "--force to overwrite it)")
            else:
                print("  (dry run: nothing written)")
            continue
        if target.exists() and not args.force:
            result.error = f"{target} exists; use --force to overwrite it"
            print(f"{path}: error: {result.error}", file=sys.stderr)
            continue
        corpus.mkdir(parents=True, exist_ok=True)
        target.write_text(render_article(result.article), encoding="utf-8")
        result.written = True
        print("  written.")
    print(summary(results, dry_run=args.dry_run))
    return 1 if any(r.error for r in results) else 0


def _where(article: Article) -> str:
    return Path(article.path).name if article.path else "a file of this run"


def summary(results: list[Imported], *, dry_run: bool = False) -> str:
    """One line per file: what it became, or why not."""
    lines = [f"summary: {len(results)} file(s)"]
    for result in results:
        if result.error or result.article is None:
            lines.append(f"  REFUSED  {result.path.name}: {_short(result.error or 'not imported', 110)}")
            continue
        article = result.article
        removed = len(result.cleaned.removed) if result.cleaned else 0
        state = "dry run " if dry_run else "written "
        lines.append(f"  {state} {result.path.name} -> {article.id}: {_short(article.title, 50)!r}; "
                     f"author {article.author or '-'}; date {article.date or '-'}; {article.language}; "
                     f"{result.chunks} chunk(s); {removed} line(s) removed; {len(result.attention)} to check")
    return "\n".join(lines)
