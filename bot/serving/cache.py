"""On-disk cache of a built engine, so a restart does not rebuild an unchanged corpus.

The cache key is a digest of every input that shapes the index: each article file's bytes, the search settings and
synonyms files, this module's format version and the versions of the lemmatizer and stemmer. A file whose header
does not carry the expected key (stale) or whose payload digest does not match (corrupt, truncated) is ignored,
deleted and rebuilt, with one log line.

The payload is plain data and arrays (`bot.serving.engine_file`): loading it can only build the engine's own
classes from numbers, strings and arrays, never run code, so a cache file that someone else wrote or damaged is at
worst refused. File layout: FORMAT, the cache key (64 hex), the payload digest (64 hex), the header length
(16 hex), the JSON header, zero padding to a multiple of 64 bytes, then the blob of arrays and strings.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import tempfile
from importlib import metadata
from pathlib import Path

from bot import search
from bot.search.articles import ARTICLE_SUFFIXES
from bot.search.engine import Engine
from bot.search.examples import EXAMPLES_FILE
from bot.search.gc_policy import gc_paused
from bot.search.settings import SEARCH_FILE, SYNONYMS_FILE
from bot.serving.engine_file import EngineFileError, dump, load

log = logging.getLogger(__name__)

# Bump whenever the engine's layout changes (an older file then describes attributes the code no longer has) or the
# analysis gives other terms for the same text (the cached index would not match the questions). 2: chunk store,
# lexicon, compact index. 3: generic verbs and adjectives are stop words; a kind marker right above its paragraph is
# no longer part of the text. 4: plain data and arrays instead of a pickle.
FORMAT = b"relatiebot-engine-cache/4\n"
_MAGIC_LEN = len(FORMAT)


@functools.lru_cache(maxsize=1)
def _engine_code() -> str:
    """Digest of the engine's source and the answer model's weights. A cached engine is the output of this code: a
    change to chunking, analysis or a class's attributes must rebuild it, and a digest cannot be forgotten the way a
    version number can be. A refit answer model changes the engine's version (its digest is in the settings the
    version covers), so it is part of the key too."""
    digest = hashlib.sha256()
    folder = Path(search.__file__).parent
    for path in sorted([*folder.glob("*.py"), folder / "answer_model.json"]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _package_versions() -> str:
    parts = [f"engine={_engine_code()}"]
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
    files += [config_dir / SEARCH_FILE, config_dir / SYNONYMS_FILE, config_dir / EXAMPLES_FILE]
    for path in files:
        digest.update(f"{path.parent.name}{os.sep}{path.name}".encode() + b"\0")  # the last two parts of the path
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError as exc:
            digest.update(f"unreadable:{type(exc).__name__}".encode())
    return digest.hexdigest()


def cache_path(cache_dir: Path) -> Path:
    return cache_dir / "engine.cache"


TEMPORARY_GLOB = ".engine-*.tmp"


def remove_stale_temporaries(cache_dir: Path) -> int:
    """Delete half-written cache files left by a process killed mid-write (one was 31 MB). Called at start, before
    this process writes any: a temporary file that exists then belongs to no running writer."""
    removed = 0
    for path in cache_dir.glob(TEMPORARY_GLOB) if cache_dir.is_dir() else ():
        with contextlib.suppress(OSError):
            path.unlink()
            removed += 1
    if removed:
        log.info("removed %d unfinished engine cache file(s) left in %s", removed, cache_dir)
    # The pickle of cache format 3 and older is never read again: remove it rather than leave 150 MB behind.
    with contextlib.suppress(OSError):
        (cache_dir / "engine.pickle").unlink(missing_ok=True)
    return removed


def read_cache(cache_dir: Path, key: str) -> Engine | None:
    path = cache_path(cache_dir)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("engine cache %s unreadable (%s); rebuilding", path, exc)
        return None
    prefix_end = _MAGIC_LEN + 64 + 64 + 16
    if len(data) < prefix_end or data[:_MAGIC_LEN] != FORMAT:
        log.warning("engine cache %s is from another version or not a cache; rebuilding", path)
        _discard(path)
        return None
    stored_key = data[_MAGIC_LEN : _MAGIC_LEN + 64].decode("ascii", "replace")
    stored_digest = data[_MAGIC_LEN + 64 : _MAGIC_LEN + 128].decode("ascii", "replace")
    payload = memoryview(data)[_MAGIC_LEN + 128 :]  # a view: slicing bytes would copy the whole engine once more
    if stored_key != key:
        log.info("engine cache is stale (corpus or settings changed); rebuilding")
        return None
    if hashlib.sha256(payload).hexdigest() != stored_digest:
        log.warning("engine cache %s is damaged (digest mismatch); rebuilding", path)
        _discard(path)
        return None
    try:
        header_len = int(bytes(payload[:16]), 16)
        blob_start = prefix_end + header_len
        blob_start += -blob_start % 64
        # Building a few hundred thousand objects and no garbage: without collections in between it takes half the
        # time (see gc_policy.gc_paused).
        with gc_paused():
            engine = load(payload[16 : 16 + header_len], memoryview(data)[blob_start:])
    except (EngineFileError, ValueError) as exc:
        log.warning("engine cache %s could not be loaded (%s); rebuilding", path, exc)
        _discard(path)
        return None
    return engine


def write_cache(cache_dir: Path, key: str, engine: Engine) -> bool:
    """Write atomically (temp file + rename): a crash mid-write leaves the old cache or none, never half of one
    (and a leftover temporary file, removed at the next start). True when the cache was written.

    The pieces are written one by one with the digest updated as they go: each write lets go of the interpreter
    lock, so a reload writing the cache from a worker thread does not stall questions. The digest goes into the
    prefix afterwards.
    """
    try:
        header, pieces = dump(engine)
    except EngineFileError as exc:  # a bug (an attribute of a type the format does not know): say so, keep serving
        log.error("engine cache not written: %s", exc)
        return False
    tmp = ""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".engine-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            digest = hashlib.sha256()
            length = f"{len(header):016x}".encode("ascii")
            pad = b"\0" * (-(_MAGIC_LEN + 128 + 16 + len(header)) % 64)
            handle.write(FORMAT + key.encode("ascii") + b"0" * 64)
            for piece in (length, header, pad, *pieces):
                digest.update(piece)
                handle.write(piece)
            handle.seek(_MAGIC_LEN + 64)
            handle.write(digest.hexdigest().encode("ascii"))
        os.replace(tmp, cache_path(cache_dir))
    except OSError as exc:
        log.warning("could not write engine cache in %s: %s", cache_dir, exc)
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        return False
    return True


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
