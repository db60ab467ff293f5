"""The on-disk engine cache: plain data and arrays that rebuild the same engine, and nothing that can run code."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest
import yaml
from engine_support import CONFIG, CORPUS, FIXTURES, JUDGMENTS

from bot.search.engine import Engine
from bot.serving import engine_file
from bot.serving.cache import FORMAT, cache_key, cache_path, read_cache, write_cache
from bot.serving.live import start_live


def questions() -> list[str]:
    return [j["q"] for name in ("seeds.yaml", "seeds-chat.yaml", "multi.yaml")
            for j in yaml.safe_load((JUDGMENTS / name).read_text(encoding="utf-8"))]


@pytest.mark.parametrize("corpus", [CORPUS, FIXTURES / "multi_corpus"], ids=["seeds", "multi"])
def test_an_engine_from_the_cache_answers_exactly_as_the_one_that_was_built(corpus: Path, tmp_path: Path) -> None:
    built = Engine.load(corpus, CONFIG)
    key = cache_key(corpus, CONFIG)
    assert write_cache(tmp_path, key, built)
    loaded = read_cache(tmp_path, key)
    assert loaded is not None and loaded is not built
    assert loaded.version == built.version and len(loaded.chunks) == len(built.chunks)
    for question in questions():
        assert loaded.ask(question).as_json() == built.ask(question).as_json(), question
    # The word table is one object shared by the lexicon, the compound splitter and the typo fixer, as after a build.
    assert loaded.lexicon.whole is loaded.splitter.vocabulary


def test_a_large_corpus_round_trips_through_the_bulk_paths(tmp_path: Path) -> None:
    """Many articles take the column-wise and long-string paths of the format (a fixture corpus is too small)."""
    from bot.bench import corpus as generated

    folder = tmp_path / "corpus"
    folder.mkdir()
    generated.write_corpus(folder, 600)
    built = Engine.load(folder, CONFIG)
    assert len(built.articles) >= 32 and any(len(a.body) > 256 for a in built.articles.values())
    key = cache_key(folder, CONFIG)
    assert write_cache(tmp_path / "cache", key, built)
    loaded = read_cache(tmp_path / "cache", key)
    assert loaded is not None
    for question in generated.questions(40):
        assert loaded.ask(question).as_json() == built.ask(question).as_json(), question
    assert [a.body for a in loaded.articles.values()] == [a.body for a in built.articles.values()]
    # Each article is one object, shared by the article table and the chunk store, as after a build.
    first = next(iter(loaded.articles.values()))
    assert any(first is a for a in loaded.chunks._articles)


def _file_with_header(tmp_path: Path, key: str, header: dict[str, object]) -> Path:
    """A cache file in the right layout, with a valid digest, around a header of our choosing."""
    import hashlib

    body = json.dumps(header).encode()
    payload = f"{len(body):016x}".encode() + body
    path = cache_path(tmp_path)
    path.write_bytes(FORMAT + key.encode() + hashlib.sha256(payload).hexdigest().encode() + payload)
    return path


@pytest.mark.parametrize("root", [
    {"O": "system", "id": 0, "v": {}},  # a class outside the engine's own
    {"O": "Engine", "id": 0, "v": {"index": {"a": 0}}},  # an array section that is not there
    {"L": [{"unknown-tag": 1}], "id": 0},
], ids=["foreign class", "missing array", "unknown tag"])
def test_a_cache_that_describes_anything_else_is_refused_with_one_line_and_deleted(
        root: dict[str, object], tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    key = "k" * 64
    path = _file_with_header(tmp_path, key, {"root": root, "sections": []})
    caplog.set_level(logging.INFO, logger="bot.serving.cache")
    assert read_cache(tmp_path, key) is None
    assert not path.exists()
    assert len([r for r in caplog.records if "could not be loaded" in r.getMessage()]) == 1


def test_a_pickle_in_the_cache_is_never_unpickled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file written by someone else with a pickle that runs code when loaded: refused, and the code never runs."""
    import pickle

    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    key = "k" * 64
    import hashlib

    payload = pickle.dumps(Payload())
    for prefix in (b"", f"{len(payload):016x}".encode()):
        body = prefix + payload
        cache_path(tmp_path).write_bytes(FORMAT + key.encode() + hashlib.sha256(body).hexdigest().encode() + body)
        assert read_cache(tmp_path, key) is None
    assert not marker.exists()


def test_a_cache_from_another_version_or_damaged_is_rebuilt_with_one_log_line(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    key = cache_key(CORPUS, CONFIG)
    engine = Engine.load(CORPUS, CONFIG)
    caplog.set_level(logging.INFO, logger="bot.serving.cache")
    # Another version: the same layout with the format line of the pickle era.
    assert write_cache(tmp_path, key, engine)
    data = cache_path(tmp_path).read_bytes()
    cache_path(tmp_path).write_bytes(b"relatiebot-engine-cache/3\n" + data[len(FORMAT):])
    assert read_cache(tmp_path, key) is None
    # Truncated, as a full disk leaves it.
    assert write_cache(tmp_path, key, engine)
    cache_path(tmp_path).write_bytes(cache_path(tmp_path).read_bytes()[:-100])
    assert read_cache(tmp_path, key) is None
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2 and "another version" in lines[0] and "damaged" in lines[1]


def test_start_removes_unfinished_cache_files_and_the_old_pickle(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / ".engine-abc123.tmp").write_bytes(b"\0" * 1000)  # a write killed half way
    (cache / "engine.pickle").write_bytes(b"old format")
    (cache / "notes.txt").write_text("an operator's file", encoding="utf-8")
    start_live(CORPUS, CONFIG, cache)
    assert sorted(p.name for p in cache.iterdir()) == ["engine.cache", "notes.txt"]


def test_start_says_cache_written_only_when_it_was(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    caplog.set_level(logging.INFO, logger="bot.serving.live")
    start_live(CORPUS, CONFIG, blocked)
    start = [r.getMessage() for r in caplog.records if r.getMessage().startswith("start (")]
    assert len(start) == 1 and "cache NOT written" in start[0]


def test_an_engine_attribute_of_a_type_the_format_does_not_know_is_refused_not_guessed(tmp_path: Path) -> None:
    engine = Engine.load(CORPUS, CONFIG)
    engine.extra = lambda: None  # type: ignore[attr-defined]
    with pytest.raises(engine_file.EngineFileError, match="function"):
        engine_file.dump(engine)
    assert not write_cache(tmp_path, "k" * 64, engine)
    assert not cache_path(tmp_path).exists()


def test_a_change_to_the_engine_code_is_a_new_cache_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunking or analysis that changed makes a cached engine wrong: the engine's source is part of the key."""
    from bot.serving import cache

    before = cache_key(CORPUS, CONFIG)
    monkeypatch.setattr(cache, "_engine_code", lambda: "changed-code")
    assert cache_key(CORPUS, CONFIG) != before
