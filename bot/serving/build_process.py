"""Build an engine in a child process and stream it back, so a live reload of a large corpus never stalls the bot.

Why a process: a build in a worker thread shares the interpreter lock with the event loop, and every long C call in
it (a sort, a hash, a big allocation) is a moment no question can be answered. At 100k chunks those were 55-85 ms
stalls. A child process builds on another core; the parent only reads the result.

Why a stream: the finished engine comes back as one pickle read straight from the pipe with `pickle.Unpickler`. The
unpickler reads the stream in frames of ~64 KB and lets go of the interpreter lock at each read, so the event loop
waits for at most one frame's worth of object construction (about a millisecond), where `pickle.loads` of the whole
engine held the lock for 0.3 s. The parent streams its input to the child the same way (the pickler writes, and
releases the lock, per frame).

The articles travel once: the child's result refers to the parent's own `Article` objects by position (pickle's
persistent ids), so their text is neither sent back nor held twice in the bot's memory.

The child writes the on-disk cache itself, which spares the parent a 150 MB `pickle.dumps` (another long hold).

Protocol, on stdin: one pickle (articles, settings, synonyms, problems, cache folder or None, corpus folder, config
folder; the child computes the cache key from the folders, which means reading every file once more); on stdout:
one pickle ("ok", engine) or ("error", message). The child's stderr is collected and logged by the parent.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from bot.problems import Problem
from bot.search.engine import Engine
from bot.search.examples import Example
from bot.search.gc_policy import gc_paused
from bot.search.records import Article
from bot.search.settings import SearchSettings, Synonyms

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 15 * 60  # a build that takes longer is stuck (100k chunks build in ~15 s); the child is killed
ARTICLE_TAG = "article"
# Environment variables the child must not inherit: it needs none of them, and a child that crashes with a traceback
# of its environment should have nothing to leak.
SECRET_MARKERS = ("TOKEN", "SECRET", "KEY", "PASSWORD")
CHILD_NICENESS = 10
CHILD_ARGS = ["-m", "bot.serving.build_process"]  # after the interpreter; tests swap in a child that fails


class BuildProcessError(RuntimeError):
    """The child could not build an engine; the message says why (its error, or how it ended)."""


def child_environment() -> dict[str, str]:
    """The environment for a child interpreter running this checkout's `bot` (the build process, the benchmark's
    workers and bot process): this one's, without secrets, with the checkout on PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if not any(m in k.upper() for m in SECRET_MARKERS)}
    # The child imports `bot` from this checkout whether or not the package is installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


class _ArticleRefs(pickle.Pickler):
    """Pickles the engine with each known article replaced by its position in the list the parent sent."""

    def __init__(self, file: IO[bytes], articles: Sequence[Article]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._positions = {id(a): i for i, a in enumerate(articles)}

    def persistent_id(self, obj: Any) -> Any:
        if type(obj) is Article:
            at = self._positions.get(id(obj))
            if at is not None:
                return (ARTICLE_TAG, at)
        return None


class _ArticleLookup(pickle.Unpickler):
    def __init__(self, file: IO[bytes], articles: Sequence[Article]) -> None:
        super().__init__(file)
        self._articles = articles

    def persistent_load(self, pid: Any) -> Any:
        if isinstance(pid, tuple) and len(pid) == 2 and pid[0] == ARTICLE_TAG and isinstance(pid[1], int) \
                and 0 <= pid[1] < len(self._articles):
            return self._articles[pid[1]]
        raise pickle.UnpicklingError(f"unknown reference in the build process's result: {pid!r}")


def build_in_process(articles: Sequence[Article], settings: SearchSettings, synonyms: Synonyms,
                     problems: Sequence[Problem], cache: tuple[Path, Path, Path] | None = None,
                     examples: Sequence[Example] = ()) -> Engine:
    """The same engine `Engine(articles, settings, synonyms, problems, examples)` builds, built by a child process.

    Blocking: call it from a worker thread. With `cache` (cache folder, corpus folder, config folder) the child also
    writes the on-disk cache.
    Raises BuildProcessError when the child fails or dies, OSError when it cannot be started.
    """
    articles = list(articles)
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen([sys.executable, *CHILD_ARGS], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=errors, env=child_environment(), cwd=ROOT)
        killer = threading.Timer(TIMEOUT_S, proc.kill)
        killer.daemon = True
        killer.start()
        result: Engine | str = ""
        try:
            result = _exchange(proc, articles, settings, synonyms, problems, cache, examples)
        finally:
            killer.cancel()
            if not isinstance(result, Engine) and proc.poll() is None:
                proc.kill()  # failed or interrupted mid-stream: do not leave a half-done child behind
            code = proc.wait()  # after a result: until the child has written the cache
            errors.seek(0)
            stderr = errors.read().decode("utf-8", "replace").strip()
        if stderr:
            log.warning("build process (exit %s) said:\n%s", code, stderr[-4000:])
    if isinstance(result, Engine):
        return result
    raise BuildProcessError(result if result else f"build process ended with exit code {code} and no result"
                            + (" (killed after the time limit)" if code == -9 else ""))


def _exchange(proc: subprocess.Popen[bytes], articles: list[Article], settings: SearchSettings,
              synonyms: Synonyms, problems: Sequence[Problem],
              cache: tuple[Path, Path, Path] | None, examples: Sequence[Example]) -> Engine | str:
    """Send the input, read the result: the engine, the child's error message, or "" when the child died."""
    assert proc.stdin is not None and proc.stdout is not None
    try:
        with proc.stdin:
            pickle.Pickler(proc.stdin, protocol=pickle.HIGHEST_PROTOCOL).dump(
                (articles, settings, synonyms, list(problems), list(examples),
                 *(map(str, cache) if cache else (None, "", ""))))
    except BrokenPipeError:
        return ""  # the child died before reading its input; its stderr says why
    with gc_paused():  # the result is a few hundred thousand objects and no garbage (see engine.gc_paused)
        try:
            status, payload = _ArticleLookup(proc.stdout, articles).load()
        except (EOFError, pickle.UnpicklingError, ValueError, TypeError):
            return ""
        finally:
            proc.stdout.close()
    if status == "ok" and isinstance(payload, Engine):
        return payload
    return str(payload) or "build process failed without a message"


def _child() -> int:
    # Background work: when the machine has fewer free cores than runnable threads, the bot's event loop goes first.
    with contextlib.suppress(OSError, AttributeError):
        os.nice(CHILD_NICENESS)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s build-process %(levelname)s %(name)s: %(message)s")
    message = pickle.Unpickler(sys.stdin.buffer).load()
    articles, settings, synonyms, problems, examples, cache_dir, corpus_dir, config_dir = message
    out = sys.stdout.buffer
    try:
        engine = Engine(articles, settings, synonyms, problems, examples)
    except Exception as exc:  # the parent reports it and keeps serving its last good engine
        log.exception("build failed")
        pickle.dump(("error", f"{type(exc).__name__}: {exc}"), out)
        out.flush()
        return 1
    _ArticleRefs(out, articles).dump(("ok", engine))
    out.flush()
    out.close()  # the parent has its engine now; the cache is written while it swaps
    if cache_dir:
        from bot.serving.cache import cache_key, write_cache

        write_cache(Path(cache_dir), cache_key(Path(corpus_dir), Path(config_dir)), engine)
    return 0


if __name__ == "__main__":
    sys.exit(_child())
