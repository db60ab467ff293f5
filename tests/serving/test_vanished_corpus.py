"""The corpus folder is never emptied by accident, and half-written settings are not settings.

A probe found that `rm -rf corpus` (or a symlink switched to an empty folder) swapped in an engine with 0 articles,
that the watcher was gone for good afterwards, and that a settings file emptied to 0 bytes (an editor's
truncate-then-write save) silently gave every default.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from engine_support import NEW_ARTICLE, copy_folders

import bot.serving.live as live_module
from bot.search.engine import Engine
from bot.serving.holder import EngineHolder
from bot.serving.live import EMPTY_MARKER, LiveCorpus, ReloadReport

QUESTION = "Wat is de belangrijkste regel?"


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    return copy_folders(tmp_path)


def _live(folders: tuple[Path, Path], tmp_path: Path, reports: list[ReloadReport]) -> LiveCorpus:
    corpus, config = folders
    live = LiveCorpus(corpus, config, EngineHolder(Engine([])), cache_dir=tmp_path / "cache", on_report=reports.append)
    live.holder.swap(live.initial())
    return live


@pytest.mark.parametrize("how", ["removed", "emptied", "symlink to an empty folder", "replaced by a file"])
async def test_a_reload_from_some_articles_to_none_keeps_the_last_good_corpus(
        folders: tuple[Path, Path], tmp_path: Path, how: str) -> None:
    corpus, _ = folders
    reports: list[ReloadReport] = []
    live = _live(folders, tmp_path, reports)
    before = live.holder.get()
    assert before.articles
    if how == "removed":
        shutil.rmtree(corpus)
    elif how == "emptied":
        for path in corpus.iterdir():
            path.unlink()
    elif how == "replaced by a file":
        shutil.rmtree(corpus)
        corpus.write_text("oops", encoding="utf-8")
    else:
        shutil.rmtree(corpus)
        (tmp_path / "empty").mkdir()
        corpus.symlink_to(tmp_path / "empty")
    report = await live.reload("test")
    assert not report.ok
    assert f"keeping the last good corpus ({len(before.articles)} articles)" in report.error
    assert EMPTY_MARKER in report.error  # says how to empty it on purpose
    assert live.holder.get() is before and live.holder.get().ask(QUESTION).answered
    assert reports == [report] and not report.repeated  # the admin chat hears of it (on_report)
    again = await live.reload("again")
    assert again.repeated, "a folder still missing is told once, not at every event"


async def test_the_corpus_comes_back_by_itself_when_the_folder_is_re_created(
        folders: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The watcher survives the folder's removal and re-creation: no edit under config/ is needed."""
    monkeypatch.setattr(live_module, "FOLDER_CHECK_S", 0.1)
    corpus, _ = folders
    reports: list[ReloadReport] = []
    live = _live(folders, tmp_path, reports)
    before = live.holder.get()
    live.start_watching()
    try:
        await asyncio.sleep(0.3)
        shutil.rmtree(corpus)
        for _ in range(100):
            if reports:
                break
            await asyncio.sleep(0.1)
        assert reports and not reports[-1].ok and "is gone" in reports[-1].error
        assert live.holder.get() is before
        corpus.mkdir()
        await asyncio.sleep(0.5)
        (corpus / "telefoon.md").write_text(NEW_ARTICLE, encoding="utf-8")
        # The reload swaps the engine in, then reports: wait for both (a check right after the swap raced the report
        # and failed once on a loaded machine, with the earlier refusal still last).
        for _ in range(100):
            if "telefoon-tips" in live.holder.get().articles and reports[-1].ok:
                break
            await asyncio.sleep(0.1)
        assert list(live.holder.get().articles) == ["telefoon-tips"]
        assert reports[-1].ok and reports[-1].changed
    finally:
        await live.stop()


async def test_emptying_the_corpus_on_purpose_takes_the_marker_file(folders: tuple[Path, Path], tmp_path: Path) -> None:
    corpus, _ = folders
    reports: list[ReloadReport] = []
    live = _live(folders, tmp_path, reports)
    for path in corpus.iterdir():
        path.unlink()
    (corpus / EMPTY_MARKER).write_text("", encoding="utf-8")
    report = await live.reload("test")
    assert report.ok and report.articles == 0
    assert live.holder.get().articles == {}
    assert not live.holder.get().ask(QUESTION).answered


@pytest.mark.parametrize("name", ["search.yaml", "synonyms.yaml"])
async def test_an_emptied_settings_file_keeps_the_last_good_settings(
        folders: tuple[Path, Path], tmp_path: Path, name: str) -> None:
    _, config = folders
    reports: list[ReloadReport] = []
    live = _live(folders, tmp_path, reports)
    before = live.holder.get()
    (config / name).write_text("", encoding="utf-8")  # an editor's truncate-then-write, caught midway
    report = await live.reload("test")
    assert report.ok
    assert any(p.path.endswith(name) and "the file is empty" in p.message and "kept the last good" in p.message
               for p in report.problems)
    assert live.holder.get().version == before.version  # nothing changed: the same settings, the same engine
    assert live.holder.get().ask("How do I keep my customers loyal?").answered  # synonyms still in use
    assert reports == [report]  # with a problem, the admin chat hears of it
