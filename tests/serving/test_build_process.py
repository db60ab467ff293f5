"""Reloads that build in a child process: same engine as a build in this process, articles shared, cache written,
failures refused with a reason while the old engine keeps serving, and no secrets handed to the child."""

from __future__ import annotations

import gc
import os
import time
from pathlib import Path

import pytest
from engine_support import CONFIG, CORPUS, NEW_ARTICLE, copy_folders

from bot.search.articles import load_articles
from bot.search.engine import Engine
from bot.search.examples import Example
from bot.search.settings import load_search_settings, load_synonyms
from bot.serving import build_process
from bot.serving import live as live_module
from bot.serving.build_process import BuildProcessError, build_in_process, child_environment
from bot.serving.cache import cache_key, read_cache
from bot.serving.live import LiveCorpus, start_live

QUESTIONS = ["Hoe houd ik klanten trouw?", "hoe zorg ik dat klanten blij blijven", "Wat ging er mis bij Aventeon?",
             "Moet ik mijn beloftes nakomen?",
             "Hoe bak ik een appeltaart?"]


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    return copy_folders(tmp_path)


def _inputs() -> tuple[list, object, object, list]:  # type: ignore[type-arg]
    articles, problems = load_articles(CORPUS)
    settings, _ = load_search_settings(CONFIG)
    synonyms, _ = load_synonyms(CONFIG)
    return articles, settings, synonyms, problems


def test_the_child_builds_the_same_engine_and_shares_the_parents_articles(tmp_path: Path) -> None:
    articles, settings, synonyms, problems = _inputs()
    examples = [Example("Hoe zorg ik dat klanten blij blijven?", "belangrijkste-regel-zakelijke-relaties",
                        ("Doe wat u belooft",))]
    here = Engine(articles, settings, synonyms, problems, examples)
    there = build_in_process(articles, settings, synonyms, problems, (tmp_path / "cache", CORPUS, CONFIG), examples)
    assert there.ask(examples[0].question).results[0].example == examples[0].question
    assert there.version == here.version
    assert len(there.chunks) == len(here.chunks)
    for question in QUESTIONS:
        assert there.ask(question).as_json() == here.ask(question).as_json()
    # The article texts came back as references to this process's objects, not as copies.
    for article in articles:
        assert there.articles[article.id] is article
    # The child wrote the on-disk cache under the folders' key; it loads as the same engine.
    cached = read_cache(tmp_path / "cache", cache_key(CORPUS, CONFIG))
    assert cached is not None and cached.version == here.version


def test_a_child_that_dies_is_an_error_with_its_exit_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_process, "CHILD_ARGS", ["-c", "import sys; sys.stdin.buffer.read(); sys.exit(3)"])
    with pytest.raises(BuildProcessError, match="exit code 3"):
        build_in_process(*_inputs())


def test_the_childs_own_error_message_is_passed_on(monkeypatch: pytest.MonkeyPatch) -> None:
    child = ("import pickle, sys; sys.stdin.buffer.read(); "
             "pickle.dump(('error', 'MemoryError: no room'), sys.stdout.buffer); sys.exit(1)")
    monkeypatch.setattr(build_process, "CHILD_ARGS", ["-c", child])
    with pytest.raises(BuildProcessError, match="MemoryError: no room"):
        build_in_process(*_inputs())


def test_a_child_sending_garbage_is_an_error_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    child = "import sys; sys.stdin.buffer.read(); sys.stdout.buffer.write(b'not a pickle at all')"
    monkeypatch.setattr(build_process, "CHILD_ARGS", ["-c", child])
    with pytest.raises(BuildProcessError):
        build_in_process(*_inputs())


def test_the_child_gets_no_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:secret")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "s" * 20)
    monkeypatch.setenv("RELATIEBOT_HASH_KEY", "k" * 32)
    env = child_environment()
    assert not {"TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "RELATIEBOT_HASH_KEY"} & set(env)
    assert env["PATH"] == os.environ["PATH"]
    assert str(build_process.ROOT) in env["PYTHONPATH"].split(os.pathsep)


async def test_reload_in_a_child_swaps_in_the_new_corpus_and_writes_the_cache(folders: tuple[Path, Path],
                                                                              tmp_path: Path) -> None:
    corpus, config = folders
    live, holder = start_live(corpus, config, tmp_path / "cache")
    live.build_in_process = True
    assert not holder.get().ask("Wanneer moet ik een ontevreden klant terugbellen?").answered
    (corpus / "telefoon-tips.md").write_text(NEW_ARTICLE, encoding="utf-8")
    report = await live.reload("test")
    assert report.ok and report.changed
    answer = holder.get().ask("Wanneer moet ik een ontevreden klant terugbellen?")
    assert answer.answered and answer.results[0].article == "telefoon-tips"
    cached = read_cache(tmp_path / "cache", cache_key(corpus, config))
    assert cached is not None and cached.version == holder.get().version


async def test_a_failed_child_build_is_refused_and_the_old_engine_keeps_serving(
        folders: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, config = folders
    live, holder = start_live(corpus, config, tmp_path / "cache")
    live.build_in_process = True
    before = holder.get()
    (corpus / "telefoon-tips.md").write_text(NEW_ARTICLE, encoding="utf-8")
    monkeypatch.setattr(build_process, "CHILD_ARGS", ["-c", "import os; os._exit(9)"])
    report = await live.reload("test")
    assert not report.ok and "exit code 9" in report.error
    assert holder.get() is before and holder.get().ask(QUESTIONS[0]).answered


async def test_no_child_process_means_a_build_in_this_process(folders: tuple[Path, Path], tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, config = folders
    live, holder = start_live(corpus, config, tmp_path / "cache")
    live.build_in_process = True
    (corpus / "telefoon-tips.md").write_text(NEW_ARTICLE, encoding="utf-8")
    monkeypatch.setattr(build_process.sys, "executable", str(tmp_path / "no-such-python"))
    report = await live.reload("test")
    assert report.ok and report.changed
    assert "telefoon-tips" in holder.get().articles


def test_large_corpora_build_in_a_child_small_ones_in_a_thread(folders: tuple[Path, Path]) -> None:
    corpus, config = folders
    live = LiveCorpus(corpus, config)
    small = live.initial()
    assert not live._use_process(small)
    assert len(small.chunks) < live_module.PROCESS_BUILD_FROM_CHUNKS
    live.build_in_process = True
    assert live._use_process(small)


def test_an_engine_makes_no_reference_cycles() -> None:
    """Built engines are frozen out of the collector (gc_policy.gc_paused); that is only safe without cycles."""
    gc.unfreeze()  # earlier builds in this process froze whatever was alive then
    gc.collect()
    engine = Engine(*_inputs())
    gc.unfreeze()  # let the collector see the engine again
    try:
        gc.collect()  # whatever else the build left
        assert engine.ask(QUESTIONS[0]).answered
        del engine
        assert gc.collect() == 0
    finally:
        gc.freeze()


def test_unchanged_files_are_not_read_again_but_fresh_edits_are(folders: tuple[Path, Path],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, _ = folders
    reads: list[str] = []
    real = live_module.read_text

    def counting(path: Path) -> tuple[str | None, list]:  # type: ignore[type-arg]
        reads.append(path.name)
        return real(path)

    monkeypatch.setattr(live_module, "read_text", counting)
    files = sorted(corpus.glob("*.md"))
    old = time.time() - 60
    for f in files:
        os.utime(f, (old, old))
    last = live_module.LastGood()
    live_module.load_articles_keeping_good(corpus, last)
    assert len(reads) == len(files)
    reads.clear()
    articles, _ = live_module.load_articles_keeping_good(corpus, last)
    assert reads == [] and len(articles) == len(files)
    # Edit one file: a new size and mtime. It is read again, and so is it next time (the edit is too fresh to trust
    # its signature: a second write in the same clock tick could keep both).
    text = files[0].read_text(encoding="utf-8")
    files[0].write_text(text.replace("klanten", "relaties", 1), encoding="utf-8")
    articles, _ = live_module.load_articles_keeping_good(corpus, last)
    assert reads == [files[0].name]
    assert "relaties" in next(a for a in articles if a.path == str(files[0])).body
    reads.clear()
    live_module.load_articles_keeping_good(corpus, last)
    assert reads == [files[0].name]
