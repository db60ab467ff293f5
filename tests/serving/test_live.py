"""Live reloads and the on-disk cache: changes take effect, bad files never take the bot down."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from engine_support import NEW_ARTICLE, copy_folders

from bot.search.engine import Engine
from bot.serving.cache import cache_key, cache_path, load_or_build, read_cache
from bot.serving.live import LiveCorpus, ReloadReport, start_live


class Holder:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.swaps = 0

    def get(self) -> Engine:
        return self.engine

    def swap(self, engine: Engine) -> None:
        self.engine = engine
        self.swaps += 1


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    return copy_folders(tmp_path)


def _live(folders: tuple[Path, Path], tmp_path: Path, reports: list[ReloadReport] | None = None) -> LiveCorpus:
    corpus, config = folders
    live = LiveCorpus(corpus, config, Holder(Engine([])), cache_dir=tmp_path / "cache",
                      on_report=(reports.append if reports is not None else None))
    live.holder.swap(live.initial())
    return live


async def test_reload_under_load_adds_removes_and_survives_a_broken_file(
    folders: tuple[Path, Path], tmp_path: Path
) -> None:
    corpus, _ = folders
    reports: list[ReloadReport] = []
    live = _live(folders, tmp_path, reports)
    holder = live.holder
    assert not holder.get().ask("zeepbel van frustratie").answered

    answered: list[bool] = []
    stop = asyncio.Event()

    async def ask_forever() -> None:
        while not stop.is_set():
            answered.append(holder.get().ask("Wat ging er mis bij Aventeon?").answered)
            await asyncio.sleep(0)

    asker = asyncio.create_task(ask_forever())
    (corpus / "telefoon.md").write_text(NEW_ARTICLE, encoding="utf-8")
    (corpus / "kapot.md").write_text("---\ntitle: [unclosed\n---\nTekst.\n", encoding="utf-8")
    report = await live.reload("test")
    (corpus / "belangrijkste-regel-zakelijke-relaties.md").unlink()
    second = await live.reload("test")
    stop.set()
    await asker

    assert report.ok and report.changed
    assert any("kapot.md" in p.path and "malformed YAML" in p.message for p in report.problems)
    assert second.ok and second.changed
    assert len(answered) > 2 and all(answered)  # every question during both reloads found its answer
    engine = holder.get()
    assert engine.ask("zeepbel van frustratie").results[0].article == "telefoon-tips"
    assert "belangrijkste-regel-zakelijke-relaties" not in engine.articles
    for question in ["Doe wat u belooft", "profijtelijk voor beide partijen", "klanten loyaal"]:
        assert all(r.article != "belangrijkste-regel-zakelijke-relaties" for r in engine.ask(question).results)
    assert reports[-1] is second


async def test_an_article_that_breaks_keeps_its_last_good_version(folders: tuple[Path, Path], tmp_path: Path) -> None:
    corpus, _ = folders
    live = _live(folders, tmp_path)
    path = corpus / "opportunist-mensen-kwijt.md"
    path.write_bytes(b"---\nid: opportunist-mensen-kwijt\ntitle: \xff\xfe broken\n---\nText\n")
    report = await live.reload("test")
    assert any("not UTF-8" in p.message and p.path == str(path) for p in report.problems)
    assert any("kept the last good version" in p.message for p in report.problems)
    assert live.holder.get().ask("Wat ging er mis bij Aventeon?").answered


async def test_broken_config_keeps_last_good_settings(folders: tuple[Path, Path], tmp_path: Path) -> None:
    _, config = folders
    live = _live(folders, tmp_path)
    (config / "synonyms.yaml").write_text("synonyms: [unclosed\n", encoding="utf-8")
    report = await live.reload("test")
    assert any(p.path.endswith("synonyms.yaml") and "malformed YAML" in p.message for p in report.problems)
    # English still reaches Dutch articles: the last good synonyms are still in use.
    assert live.holder.get().ask("How do I keep my customers loyal?").answered


EXAMPLE = """examples:
  - q: Hoe zorg ik dat klanten blij blijven?
    article: belangrijkste-regel-zakelijke-relaties
    words: [Doe wat u belooft]
"""


async def test_example_questions_take_effect_on_reload_and_a_broken_file_keeps_the_last_good_ones(
    folders: tuple[Path, Path], tmp_path: Path
) -> None:
    _, config = folders
    live = _live(folders, tmp_path)
    question = "hoe zorg ik dat klanten blij blijven"

    def promise_first() -> bool:
        answer = live.holder.get().ask(question)
        return answer.answered and "Doe wat u belooft" in answer.results[0].text

    assert not promise_first()
    (config / "examples.yaml").write_text(EXAMPLE, encoding="utf-8")
    report = await live.reload("test")
    assert report.ok and report.changed and promise_first()
    (config / "examples.yaml").write_text("examples: [unclosed\n", encoding="utf-8")
    report = await live.reload("test")
    assert any(p.path.endswith("examples.yaml") and "malformed YAML" in p.message for p in report.problems)
    assert any("kept the last good example questions" in p.message for p in report.problems)
    assert promise_first()
    # A restart reads the engine from the cache, whose key includes the examples file.
    restarted = LiveCorpus(*folders, Holder(Engine([])), cache_dir=tmp_path / "cache")
    (config / "examples.yaml").unlink()
    restarted.holder.swap(restarted.initial())
    assert not restarted.holder.get().taught


async def test_failed_build_refuses_the_reload_and_keeps_serving(
    folders: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = _live(folders, tmp_path)
    before = live.holder.get()

    def explode() -> Engine:
        raise MemoryError("simulated")

    monkeypatch.setattr(live, "build", explode)
    report = await live.reload("test")
    assert not report.ok and "MemoryError" in report.error
    assert live.holder.get() is before


async def test_file_watcher_picks_up_a_new_article(folders: tuple[Path, Path], tmp_path: Path) -> None:
    corpus, _ = folders
    live = _live(folders, tmp_path)
    task = live.start_watching(force_polling=True)
    try:
        await asyncio.sleep(0.3)
        (corpus / "telefoon.md").write_text(NEW_ARTICLE, encoding="utf-8")
        for _ in range(100):
            if "telefoon-tips" in live.holder.get().articles:
                break
            await asyncio.sleep(0.1)
        assert "telefoon-tips" in live.holder.get().articles
    finally:
        await live.stop()
    assert task.done()


def test_cache_is_used_when_unchanged_and_rebuilt_when_stale_or_corrupt(
    folders: tuple[Path, Path], tmp_path: Path
) -> None:
    corpus, config = folders
    cache = tmp_path / "cache"
    first = load_or_build(corpus, config, cache)
    key = cache_key(corpus, config)
    assert read_cache(cache, key) is not None
    # Stale: an article changed, so the key changes and the cache is not used.
    (corpus / "telefoon.md").write_text(NEW_ARTICLE, encoding="utf-8")
    assert cache_key(corpus, config) != key
    assert read_cache(cache, cache_key(corpus, config)) is None
    second = load_or_build(corpus, config, cache)
    assert "telefoon-tips" in second.articles and "telefoon-tips" not in first.articles
    # Corrupt: flip bytes in the payload; the digest check catches it and the file is discarded.
    data = bytearray(cache_path(cache).read_bytes())
    data[-10] ^= 0xFF
    cache_path(cache).write_bytes(bytes(data))
    assert read_cache(cache, cache_key(corpus, config)) is None
    assert not cache_path(cache).exists()
    third = load_or_build(corpus, config, cache)
    assert third.version == second.version


def test_start_log_says_whether_the_index_came_from_the_cache(folders: tuple[Path, Path], tmp_path: Path,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    """Operators read the start line to know why a start took 15 s (a build) or 0.7 s (the cache)."""
    corpus, config = folders
    caplog.set_level(logging.INFO, logger="bot.serving.live")
    start_live(corpus, config, tmp_path / "cache")
    start_live(corpus, config, tmp_path / "cache")
    starts = [r.getMessage() for r in caplog.records if r.getMessage().startswith("start (")]
    assert [m.split(")")[0] for m in starts] == ["start (index built, cache written",
                                                 "start (index read from the cache"]


def test_a_bad_setting_at_the_first_load_uses_defaults_without_claiming_a_last_good_version(
        folders: tuple[Path, Path]) -> None:
    from bot.serving.live import LastGood, load_config_keeping_good

    _, config = folders
    (config / "search.yaml").write_text("answer:\n  min_coverage: 7\n", encoding="utf-8")
    last = LastGood()
    settings, _, problems = load_config_keeping_good(config, last)
    assert settings.answer.min_coverage == 0.5  # the key's default, as its problem says
    assert [p.message for p in problems if "last good" in p.message] == []
    (config / "search.yaml").write_text("answer:\n  min_coverage: 0.6\n", encoding="utf-8")
    load_config_keeping_good(config, last)
    (config / "search.yaml").write_text("answer:\n  min_coverage: 7\n", encoding="utf-8")
    settings, _, problems = load_config_keeping_good(config, last)
    assert settings.answer.min_coverage == 0.6  # now there is a last good version, and it is kept
    assert any("kept the last good search settings" in p.message for p in problems)


async def test_reload_logs_a_problem_once_and_says_when_it_is_fixed(folders: tuple[Path, Path],
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    corpus, config = folders
    live, _ = start_live(corpus, config, None)
    caplog.set_level(logging.INFO, logger="bot.serving.live")
    broken = corpus / "kapot.md"
    broken.write_text("---\nid: kapot\n---\nTekst zonder titel.\n", encoding="utf-8")
    await live.reload("test")
    (corpus / "nieuw.md").write_text(NEW_ARTICLE, encoding="utf-8")
    await live.reload("test")  # another change while kapot.md is still broken
    broken.unlink()
    await live.reload("test")
    problems = [(r.levelname, r.getMessage()) for r in caplog.records if "kapot.md" in r.getMessage()]
    assert [level for level, _ in problems] == ["ERROR", "INFO"]  # once when found, once when fixed
    assert "missing title" in problems[0][1] and problems[1][1].startswith("fixed: ")
    assert any("1 problem(s) logged before are still open" in r.getMessage() for r in caplog.records)


def test_reload_reason_says_what_happened_to_each_file() -> None:
    from bot.serving.live import describe_changes

    changes = [("added", "/c/nieuw.md"), ("deleted", "/c/oud.md"), ("deleted", "/c/regel.md"),
               ("added", "/c/regel.md"), ("modified", "/cfg/search.yaml")]
    assert describe_changes(changes) == ("changed: nieuw.md (added), oud.md (deleted), regel.md (modified), "
                                         "search.yaml (modified)")
    many = [("added", f"/c/{n:02}.md") for n in range(8)]
    assert describe_changes(many).endswith("04.md (added) and 3 more")
