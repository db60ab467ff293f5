"""On-disk cache of a built engine, so a restart does not rebuild an unchanged corpus.

The cache key is a digest of every input that shapes the index: each article file's bytes, the search settings and
synonyms files, this module's format version and the versions of the lemmatizer and stemmer. A file whose header
does not carry the expected key (stale) or whose payload digest does not match (corrupt, truncated) is ignored,
deleted and rebuilt. The payload is a pickle the bot wrote itself into its own data folder; never point
`cache_dir` at a folder others can write to.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import tempfile
from importlib import metadata
from pathlib import Path
from typing import BinaryIO

from bot.search.articles import ARTICLE_SUFFIXES
from bot.search.engine import Engine
from bot.search.gc_policy import gc_paused
from bot.search.settings import SEARCH_FILE, SYNONYMS_FILE

log = logging.getLogger(__name__)

# Bump whenever the engine's layout changes (a pickle of an older layout loads as an Engine that then fails on its
# first question) or the analysis gives other terms for the same text (the cached index would not match the
# questions). 2: chunk store, lexicon, compact index. 3: generic verbs and adjectives are stop words; a kind
# marker right above its paragraph is no longer part of the text.
FORMAT = b"relatiebot-engine-cache/3\n"
_MAGIC_LEN = len(FORMAT)


def _package_versions() -> str:
    parts = []
    for name in ("simplemma", "PyStemmer", "numpy"):
        try:
            parts.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name}=?")
    return ";".join(parts)


def cache_key(corpus_dir: Path, config_dir: Path) -> str:
    """Digest of everything an engine build reads. Unreadable files still change the key (by name and error)."""
    digest = hashlib.sha256()
    digest.update(FORMAT + _package_versions().encode())
    files: list[Path] = []
    if corpus_dir.is_dir():
        # Sorted by their text: sorting Path objects compares them part by part in Python (a third of a restart
        # at 10k files).
        files = sorted((p for p in corpus_dir.rglob("*") if p.suffix.lower() in ARTICLE_SUFFIXES), key=str)
    files += [config_dir / SEARCH_FILE, config_dir / SYNONYMS_FILE]
    for path in files:
        digest.update(f"{path.parent.name}{os.sep}{path.name}".encode() + b"\0")  # the last two parts of the path
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError as exc:
            digest.update(f"unreadable:{type(exc).__name__}".encode())
    return digest.hexdigest()


def cache_path(cache_dir: Path) -> Path:
    return cache_dir / "engine.pickle"


def read_cache(cache_dir: Path, key: str) -> Engine | None:
    path = cache_path(cache_dir)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("engine cache %s unreadable (%s); rebuilding", path, exc)
        return None
    header_end = _MAGIC_LEN + 64 + 64
    if len(data) < header_end or data[:_MAGIC_LEN] != FORMAT:
        log.warning("engine cache %s has an unknown format; rebuilding", path)
        _discard(path)
        return None
    stored_key = data[_MAGIC_LEN : _MAGIC_LEN + 64].decode("ascii", "replace")
    stored_digest = data[_MAGIC_LEN + 64 : header_end].decode("ascii", "replace")
    payload = memoryview(data)[header_end:]  # a view: slicing bytes would copy the whole engine once more
    if stored_key != key:
        log.info("engine cache is stale (corpus or settings changed); rebuilding")
        return None
    if hashlib.sha256(payload).hexdigest() != stored_digest:
        log.warning("engine cache %s is corrupt (digest mismatch); rebuilding", path)
        _discard(path)
        return None
    # Unpickling creates a few hundred thousand objects and no garbage: without collections in between it takes
    # half the time (and see engine.gc_paused).
    try:
        with gc_paused():
            engine = pickle.loads(payload)
    except Exception as exc:  # a pickle from an older code version can fail in many ways
        log.warning("engine cache %s could not be loaded (%s); rebuilding", path, exc)
        _discard(path)
        return None
    if not isinstance(engine, Engine):
        _discard(path)
        return None
    return engine


class _HashingWriter:
    """A file wrapper that digests what goes through it: the pickler streams into it frame by frame."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.handle.write(data)


def write_cache(cache_dir: Path, key: str, engine: Engine) -> None:
    """Write atomically (temp file + rename): a crash mid-write leaves the old cache or none, never half of one.

    The engine is pickled straight into the file (`pickle.dump`, not `dumps`): the pickler writes ~64 KB frames and
    lets go of the interpreter lock at each write, where `dumps` of a 150 MB engine held it for ~0.3 s, a stall of
    every question when a reload writes the cache from a worker thread. The digest goes into the header afterwards.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".engine-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(FORMAT + key.encode("ascii") + b"0" * 64)
            writer = _HashingWriter(handle)
            pickle.dump(engine, writer, protocol=pickle.HIGHEST_PROTOCOL)
            handle.seek(_MAGIC_LEN + 64)
            handle.write(writer.digest.hexdigest().encode("ascii"))
        os.replace(tmp, cache_path(cache_dir))
    except OSError as exc:
        log.warning("could not write engine cache in %s: %s", cache_dir, exc)
        Path(tmp).unlink(missing_ok=True)


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def load_or_build(corpus_dir: Path, config_dir: Path, cache_dir: Path) -> Engine:
    """The engine for these folders: from the cache when it matches, else built and cached."""
    key = cache_key(corpus_dir, config_dir)
    engine = read_cache(cache_dir, key)
    if engine is not None:
        log.info("engine %s loaded from cache (%d chunks)", engine.version, len(engine.chunks))
        return engine
    engine = Engine.load(corpus_dir, config_dir)
    write_cache(cache_dir, key, engine)
    return engine
