"""Attach the semantic signal to the live engine: from the embedding store, or by embedding in the background.

Embedding costs ~50 ms a chunk on 2 cores (about 8 minutes for 10k chunks), against seconds for the BM25 build. So:
- a chunk already in the store (`bot.search.semantic.EmbeddingStore`, in the cache folder beside the engine cache) is
  never embedded again: a restart of an unchanged corpus attaches the signal at once;
- a reload that leaves at most INLINE_MAX chunks to embed embeds them before its swap (the engine being replaced
  keeps answering meanwhile, with its own signal);
- more than that (the first start on a large corpus, a large import) swaps the lexical engine in first, so the bot
  answers with BM25 at once, and embeds in a worker thread with progress in the log (counts, rate, time left) and,
  on a terminal, a progress bar; the engine with the signal is swapped in when it is done, unless a newer reload
  has replaced the engine meanwhile (that reload's own job then takes over, reusing every vector saved so far).

The embedding loop yields to questions between batches (`questions_first`) and the model's C code releases the
interpreter lock, so the event loop keeps running; both cores are busy, though, and questions are slower meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
import time
from pathlib import Path
from typing import IO

from bot.search.engine import Engine
from bot.search.scheduling import questions_first
from bot.search.semantic import EmbeddingStore, SemanticIndex, Stopped, embed_passages, embedder, passage_key
from bot.serving.holder import EngineHolder

log = logging.getLogger(__name__)

INLINE_MAX = 64  # chunks to embed (~3 s) that a reload or a start embeds before answering with the new engine
LOG_EVERY_S = 10.0


class Progress:
    """Counts for the log every LOG_EVERY_S, and a bar redrawn in place when `stream` is a terminal."""

    def __init__(self, stream: IO[str] | None = None, every_s: float = LOG_EVERY_S, background: bool = True) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.background = background
        self.bar = bool(getattr(self.stream, "isatty", lambda: False)())
        self.every_s = every_s
        self.started = time.monotonic()
        self.logged = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        elapsed = max(now - self.started, 1e-9)
        rate = done / elapsed
        left = (total - done) / rate if rate > 0 else float("nan")
        if total == 0:
            return
        if done == 0:
            log.info("semantic signal: embedding %d chunks%s", total,
                     " in the background; answering with BM25 meanwhile" if self.background else "")
        elif done == total or now - self.logged >= self.every_s:
            log.info("semantic signal: embedded %d of %d chunks (%.1f chunks/s, ~%.0f s left)", done, total, rate,
                     left if done < total else 0.0)
            self.logged = now
        if self.bar and total:
            width = 30
            filled = int(width * done / total)
            self.stream.write(f"\rembedding [{'#' * filled}{'.' * (width - filled)}] {done}/{total} chunks "
                              f"{rate:5.1f}/s")
            if done == total:
                self.stream.write("\n")
            self.stream.flush()


def store_for(engine: Engine, cache_dir: Path | None) -> EmbeddingStore | None:
    model = embedder(engine.settings.semantic.model)
    if cache_dir is None or model is None:
        return None
    return EmbeddingStore(cache_dir, model.model_id)


def missing(engine: Engine, cache_dir: Path | None) -> int:
    """How many of the engine's chunks the store lacks (all of them without a store)."""
    model = embedder(engine.settings.semantic.model)
    if model is None:
        return 0
    texts = engine.passage_texts()
    store = store_for(engine, cache_dir)
    if store is None:
        return len(texts)
    known, _ = store.load()
    return sum(passage_key(model.model_id, t) not in known for t in set(texts))


def embed(engine: Engine, cache_dir: Path | None, progress: Progress | None = None,
          stop: threading.Event | None = None) -> Engine:
    """The engine with the signal (blocking); raises `Stopped` when `stop` is set first."""
    model = embedder(engine.settings.semantic.model)
    assert model is not None
    vectors, count = embed_passages(engine.passage_texts(), model, store_for(engine, cache_dir),
                                    progress=progress, checkpoint=questions_first.checkpoint,
                                    should_stop=stop.is_set if stop is not None else None)
    log.info("semantic signal on for corpus %s: %d chunks, %d embedded now", engine.version, len(vectors), count)
    return engine.with_semantic(SemanticIndex(model, vectors), cache_dir)


class SemanticBuilder:
    """Owns the background embedding job of one live corpus: at most one at a time, the newest engine's."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.cache_dir = cache_dir
        self._task: asyncio.Task[None] | None = None
        self._stop: threading.Event | None = None
        self.pending: Engine | None = None  # lexical engine serving until its vectors are ready
        # False: an engine with too many chunks to embed inline stays lexical (the benchmark's reload worker
        # measures the lexical reload's stalls, not a 100k-chunk embedding running beside it).
        self.background = True

    def prepare(self, engine: Engine) -> Engine:
        """Blocking (a worker thread or start-up): the engine with the signal when few chunks need embedding;
        else the engine as it is, remembered as pending for `start`."""
        if not engine.wants_semantic():
            self.pending = None
            return engine
        try:
            if missing(engine, self.cache_dir) <= INLINE_MAX:
                self.pending = None
                return embed(engine, self.cache_dir)
        except Exception:  # the signal is an extra: never let it stop the bot from answering with BM25
            log.exception("semantic signal: embedding failed; answering with BM25 alone")
            self.pending = None
            return engine
        self.pending = engine if self.background else None
        return engine

    def start(self, holder: EngineHolder) -> asyncio.Task[None] | None:
        """Embed the pending engine in the background and swap it in when done. An older job is stopped in any
        case: its engine has been replaced."""
        if self._stop is not None:
            self._stop.set()
        engine, self.pending = self.pending, None
        if engine is None:
            return None
        stop = self._stop = threading.Event()
        self._task = asyncio.create_task(self._run(engine, holder, stop), name="semantic-embed")
        return self._task

    async def _run(self, engine: Engine, holder: EngineHolder, stop: threading.Event) -> None:
        try:
            ready = await asyncio.to_thread(embed, engine, self.cache_dir, Progress(), stop)
        except Stopped:
            log.info("semantic signal: embedding for corpus %s stopped (a newer corpus replaced it)", engine.version)
            return
        except Exception:
            log.exception("semantic signal: background embedding failed; answering with BM25 alone")
            return
        if holder.get() is engine:
            holder.swap(ready)
            log.info("semantic signal: swapped in for corpus %s", engine.version)
        else:
            log.info("semantic signal: corpus %s was replaced while embedding; its vectors are kept in the store",
                     engine.version)

    async def stop(self) -> None:
        if self._stop is not None:
            self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
