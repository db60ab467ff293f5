"""Blind pooled judging: finding every passage that answers a judgment list's questions, not only the one its author
named.

Why: a question often has more than one fair answer. A list that names one passage per question counts a quote of
another fair passage as a wrong quote, and `fit` learns that passage as wrong. Asking an assessor "which other
passages answer?" about the passages one method proposes favours that method; so the passages several ways of
answering would quote are pooled (the TREC method), shuffled, and judged by someone who does not see which way
proposed which. Their verdicts become `also` passages of the list (README, "Evaluation").

`python -m bot pool LIST --out DIR` writes `DIR/pool.json` for the assessor (per question: the message, the named
passage as reference, the candidates with opaque ids) and `DIR/key.json` (what each id stands for, kept from the
assessor). `python -m bot pool LIST --merge DIR --verdicts FILE --out NEW` writes the list with the passages judged
right as `also` entries.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from bot.evaluation import Judgment, holds, load_engine, load_judgments, unmatched
from bot.search.confidence import answer_model
from bot.search.engine import Engine
from bot.search.records import Chunk

# Passages each way of answering contributes to a question's pool: BM25's first three, the answer model's three
# most confident, the two nearest by cosine. Deeper pools cost the assessor more for passages that rarely answer.
LEXICAL_DEPTH, MODEL_DEPTH, COSINE_DEPTH = 3, 3, 2
SNIPPET_WORDS = 6  # the shortest `words` snippet written for a passage; longer when the start is not unique
SEED = 7  # the shuffle is fixed, so the same list and corpus give the same pool file


def snippet(chunks: list[Chunk], index: int) -> str:
    """The shortest start of the passage (from SNIPPET_WORDS words) that no other passage of its article holds."""
    chunk = chunks[index]
    words = chunk.text.split()
    others = [" ".join(c.text.split()).casefold() for i, c in enumerate(chunks)
              if i != index and c.article_id == chunk.article_id]
    for size in range(min(SNIPPET_WORDS, len(words)), len(words) + 1):
        start = " ".join(words[:size])
        if not any(start.casefold() in other for other in others):
            return start
    return " ".join(words)


def _pooled(judgment: Judgment, lexical: Engine, semantic: Engine | None) -> list[int]:
    """Chunk indices the ways of answering would quote for this question, first come first, without repeats. Both
    engines chunk the same articles the same way, so an index names the same passage in either."""
    found = [r.chunk_index for r in lexical.ask(judgment.question, limit=LEXICAL_DEPTH).results]
    model = answer_model()
    if semantic is not None and semantic.semantic is not None and model is not None:
        rows, table = semantic.model_rows(judgment.question)
        if len(rows):
            confidence = model.confidence(table)
            found += [int(rows[at]) for at in np.lexsort((rows, -confidence))[:MODEL_DEPTH]]
            cosines = semantic.semantic.cosines(judgment.question)
            found += [int(i) for i in np.argsort(-cosines, kind="stable")[:COSINE_DEPTH]]
    return list(dict.fromkeys(found))


def make_pool(judgments: list[Judgment], lexical: Engine,
              semantic: Engine | None) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """(what the assessor sees, what each candidate id stands for). Messages to decline are not pooled: there is no
    reference to judge against, and a list's declines are its author's call."""
    chunks = list(lexical.chunks)
    shuffle = random.Random(SEED)
    items: list[dict[str, Any]] = []
    key: dict[str, dict[str, Any]] = {}
    for number, judgment in enumerate(judgments):
        if judgment.declines:
            continue
        accepted = [i for i, c in enumerate(chunks) if judgment.matches_chunk(c)]  # named and `also`: not again
        named = [i for i, c in enumerate(chunks) if holds(judgment.passages[0], c.article_id, c.text)]
        candidates = [i for i in _pooled(judgment, lexical, semantic) if i not in accepted]
        if not named or not candidates:
            continue
        shuffle.shuffle(candidates)
        shown = []
        for i in candidates:
            cid = f"{number}-{len(key)}"
            key[cid] = {"judgment": number, "question": judgment.question, "article": chunks[i].article_id,
                        "words": [snippet(chunks, i)]}
            shown.append({"id": cid, "section": chunks[i].section, "text": chunks[i].text})
        reference = chunks[named[0]]
        items.append({"question": judgment.question,
                      "reference": {"section": reference.section, "text": reference.text}, "candidates": shown})
    return items, key


def merge(raw: list[dict[str, Any]], key: dict[str, dict[str, Any]], verdicts: dict[str, Any]) -> int:
    """Add every candidate judged right to its judgment's `also` (in place); the number added. Every candidate needs
    a verdict, true or false: a forgotten one, or a "yes" that is not JSON's true, would otherwise be read as "does
    not answer" without a word."""
    unknown = sorted(set(verdicts) - set(key))
    if unknown:
        raise ValueError(f"verdicts for ids the key does not know: {', '.join(unknown[:5])}")
    missing = [cid for cid in key if cid not in verdicts]
    if missing:
        raise ValueError(f"{len(missing)} candidate(s) have no verdict, e.g. {', '.join(missing[:5])}: judge every id")
    odd = [cid for cid, right in verdicts.items() if not isinstance(right, bool)]
    if odd:
        raise ValueError(f"verdicts are true or false (JSON), not {verdicts[odd[0]]!r} (id {odd[0]})")
    added = 0
    for cid, right in verdicts.items():
        if right is not True:
            continue
        entry = key[cid]
        item = raw[entry["judgment"]]
        passage = {"article": entry["article"], "words": list(entry["words"])}
        also = item.setdefault("also", [])
        if passage not in also:
            also.append(passage)
            added += 1
    return added


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None


def _write_new(path: Path, text: str) -> None:
    with path.open("x", encoding="utf-8") as out:  # never overwrites: a list is an author's work
        out.write(text)


def main_pool(args: argparse.Namespace) -> int:
    try:
        if args.merge is not None:
            if args.verdicts is None:
                raise ValueError("--merge needs --verdicts FILE (a JSON object: candidate id -> true/false)")
            load_judgments(args.file)  # the same checks as eval and fit
            raw = yaml.safe_load(args.file.read_text(encoding="utf-8"))
            key = _read_json(args.merge / "key.json")
            verdicts = _read_json(args.verdicts)
            if not isinstance(verdicts, dict):
                raise ValueError(f"{args.verdicts}: expected a JSON object of candidate id -> true/false")
            if any(entry["judgment"] >= len(raw) or raw[entry["judgment"]].get("q") != entry["question"]
                   for entry in key.values()):
                raise ValueError(f"{args.merge}/key.json was made from another list than {args.file}")
            added = merge(raw, key, verdicts)
            _write_new(args.out, yaml.safe_dump(raw, allow_unicode=True, sort_keys=False, width=120))
            load_judgments(args.out)
            print(f"{args.out}: {added} further right passage(s) added as 'also'")
            return 0
        judgments = load_judgments(args.file)
        lexical = load_engine(args.corpus, args.config, "off")
        try:
            semantic: Engine | None = load_engine(args.corpus, args.config, "on", getattr(args, "embeddings", None))
        except SystemExit:  # the model package is not installed: pool from BM25 alone
            semantic = None
        for line in unmatched(lexical, judgments):  # such a question cannot be pooled: it has no reference
            print(f"warning: {args.file}: {line}", file=sys.stderr)
        items, key = make_pool(judgments, lexical, semantic)
        args.out.mkdir(parents=True, exist_ok=True)
        for name in ("pool.json", "key.json"):  # both or neither: a pool without its key cannot be merged
            if (args.out / name).exists():
                raise FileExistsError(0, "exists", str(args.out / name))
        _write_new(args.out / "pool.json", json.dumps(items, ensure_ascii=False, indent=1) + "\n")
        _write_new(args.out / "key.json", json.dumps(key, ensure_ascii=False, indent=1) + "\n")
    except FileExistsError as exc:
        print(f"not written: {exc.filename} exists (choose another --out)", file=sys.stderr)
        return 2
    except (OSError, ValueError, KeyError, TypeError, yaml.YAMLError) as exc:
        print(f"cannot pool: {exc}", file=sys.stderr)
        return 2
    print(f"{args.out}/pool.json: {len(key)} candidate passage(s) for {len(items)} question(s), to judge blind; "
          f"{args.out}/key.json says what each is (keep it from the assessor)")
    return 0
