"""Live corpus and config: rebuild the engine when files change and swap it in atomically.

What happens to a bad file (the README repeats this):
- An article that used to load and is now broken (malformed front matter, not UTF-8, emptied...) keeps its last good
  version; the problem is reported. A new article that is broken is skipped and reported. The rest always loads.
- A removed article disappears with the next swap and is never quoted again.
- A config file with an error keeps its last good version (or the defaults, if it never loaded); reported.
- If the build itself fails, the whole reload is refused and the last good engine keeps serving.
- A reload that would go from some articles to none (the folder removed, replaced by an empty one, unreadable, a
  symlink to an empty folder) is refused: the last good corpus keeps serving until articles are back. Emptying the
  corpus on purpose takes a file named EMPTY_MARKER in the folder.
- An empty settings file (an editor's save caught midway) keeps the last good settings, like a broken one.

The build runs off the event loop; questions in flight finish on the engine they started with, because handlers
take `holder.get()` once per question and engines are immutable. A small corpus is rebuilt in a worker thread; from
PROCESS_BUILD_FROM_CHUNKS on, in a child process (`bot.serving.build_process`), because a build in a thread holds the
interpreter lock in long stretches that stall the event loop (hundreds of ms at 100k chunks, against 23-37 ms
through the process). If the child cannot be started, the thread builds instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from bot.problems import Problem
from bot.search.articles import ARTICLE_SUFFIXES, one_per_id, parse_article
from bot.search.engine import Engine
from bot.search.examples import EXAMPLES_FILE, Example, load_examples
from bot.search.records import Article
from bot.search.scheduling import questions_first
from bot.search.settings import SearchSettings, Synonyms, load_search_settings, load_synonyms
from bot.serving.build_process import build_in_process
from bot.serving.cache import cache_key, read_cache, remove_stale_temporaries, write_cache
from bot.serving.holder import EngineHolder
from bot.serving.semantic_build import SemanticBuilder
from bot.yamlfile import blank_settings, read_text

log = logging.getLogger(__name__)
T = TypeVar("T")

DEBOUNCE_MS = 800  # editors write a file in several steps; wait for them to settle before rebuilding
# Below this many chunks (in the engine being replaced) a reload builds in a thread: a child process costs ~0.5 s to
# start, which a small corpus does not repay. Longest event-loop stall measured (`python -m bot bench` reload worker):
# thread 26-39 ms at 10k chunks, 60 ms at 20k, 280-660 ms at 100k; child process 8-12, 16 and 23-37 ms.
PROCESS_BUILD_FROM_CHUNKS = 5_000
# A file of this name in the corpus folder says "no articles" is meant: without it, a reload to an empty corpus is
# refused, because a vanished or emptied folder is far more often an accident (rm -rf, a failed sync, a symlink
# switched to an empty checkout) than a decision, and an empty engine answers every question with "not covered".
EMPTY_MARKER = ".empty-on-purpose"
FOLDER_CHECK_S = 1.0  # how often the watcher checks whether the corpus or config folder was removed or replaced


class CorpusVanished(Exception):
    """A reload found no articles where the last good corpus had some, and no EMPTY_MARKER."""


@dataclass(frozen=True)
class FileRead:
    """One article file as last read: its stat signature, what parsing it gave, and its text's digest."""

    signature: tuple[int, int, int]  # (mtime in ns, size, inode)
    article: Article | None
    problems: tuple[Problem, ...]
    digest: str
    # False when the file had been modified within RACY_NS of reading it: a second write in the same clock tick
    # (file systems keep mtimes in ticks of a few ms) can leave size and mtime as they were, so such a file is read
    # again next time (git's "racily clean" rule).
    settled: bool


@dataclass
class LastGood:
    """Per-file last good parse, so a half-saved edit never makes an article or a setting vanish."""

    articles: dict[str, tuple[str, Article]] = field(default_factory=dict)  # path -> (digest, article)
    settings: SearchSettings | None = None
    synonyms: Synonyms | None = None
    examples: list[Example] | None = None
    # path -> the last read of that file: a reload re-reads only files whose signature changed (a 10k-article corpus
    # took ~4 s of parsing per reload, holding the interpreter lock in the thread that serves no questions).
    reads: dict[str, FileRead] = field(default_factory=dict)


@dataclass(frozen=True)
class ReloadReport:
    at: dt.datetime
    ok: bool
    version: str
    articles: int
    chunks: int
    problems: tuple[Problem, ...]
    seconds: float
    changed: bool
    reason: str
    error: str = ""
    repeated: bool = False  # refused for the same reason as the reload before: already reported

    def summary(self) -> str:
        if not self.ok:
            return f"reload refused ({self.error}); still serving corpus {self.version}"
        state = "new corpus" if self.changed else "unchanged corpus"
        return (f"{state} {self.version}: {self.articles} articles, {self.chunks} chunks, "
                f"{len(self.problems)} problem(s), {self.seconds:.2f} s")


RACY_NS = 2_000_000_000


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _read_article(path: Path, key: str, last: LastGood) -> FileRead | None:
    """The file's parse, reused from the previous reload when its signature is unchanged. None: not a file."""
    signature = _signature(path)
    if signature is None:
        return None
    previous = last.reads.get(key)
    if previous is not None and previous.settled and previous.signature == signature:
        return previous
    settled = signature[0] < time.time_ns() - RACY_NS
    text, found = read_text(path)
    article = None
    digest = ""
    if text is not None:
        article, found = parse_article(text, key)
        digest = hashlib.sha256(text.encode()).hexdigest()
    return FileRead(signature, article, tuple(found), digest, settled)


def load_articles_keeping_good(corpus_dir: Path, last: LastGood) -> tuple[list[Article], list[Problem]]:
    """Like `bot.search.articles.load_articles`, but a file that broke keeps its last good version."""
    problems: list[Problem] = []
    if not corpus_dir.is_dir():
        return [], [Problem(str(corpus_dir), "corpus folder does not exist")]
    try:
        paths = []
        for path in corpus_dir.rglob("*"):
            questions_first.checkpoint()  # a reload runs this in a worker thread: questions go first
            if path.suffix.lower() in ARTICLE_SUFFIXES:
                paths.append(path)
        # Path order, compared as tuples in C: sorting Path objects calls a Python method per comparison, tens of ms
        # at 10k files, during which a question cannot make the build wait.
        paths.sort(key=lambda path: path.parts)
    except OSError as exc:
        return [a for _, a in last.articles.values()], [Problem(str(corpus_dir), f"cannot list folder: {exc}")]
    good: dict[str, tuple[str, Article]] = {}
    reads: dict[str, FileRead] = {}
    for path in paths:
        questions_first.checkpoint()
        key = str(path)
        if path.name.startswith(".") or not path.is_file():
            continue
        read = _read_article(path, key, last)
        if read is None:  # removed while we listed the folder
            continue
        reads[key] = read
        problems.extend(read.problems)
        article, digest = read.article, read.digest
        if article is None:
            previous = last.articles.get(key)
            if previous is not None:
                problems.append(Problem(key, "kept the last good version of this article until the file is fixed",
                                        severity="warning"))
                digest, article = previous
            else:
                continue
        good[key] = (digest, article)
    # The file that served an id until now keeps it; a new file with that id waits (never the other way round).
    dropped, more = one_per_id([(key, article) for key, (_, article) in good.items()],
                               lambda key, article_id: key in last.articles and last.articles[key][1].id == article_id)
    problems.extend(more)
    good = {key: value for key, value in good.items() if key not in dropped}
    last.articles = good
    last.reads = reads
    return [a for _, a in good.values()], problems


def _empty_file(path: Path, what: str) -> Problem:
    return Problem(str(path), f"the file is empty (an editor still saving it?): kept the last good {what}; write {{}} "
                              "in it to go back to the defaults", severity="warning")


def _keep_good(path: Path, what: str, loaded: T, problems: list[Problem], last: T | None) -> tuple[T, T | None]:
    """(the value to use, the new last good value) for one settings file just loaded with `problems`.

    Only when there is a last good version is it kept; at the first load the per-key defaults named in each problem
    are what is used, and saying "kept the last good" then would contradict them."""
    if last is not None and blank_settings(path):
        problems.append(_empty_file(path, what))
        return last, last
    if any(p.severity == "error" for p in problems):
        if last is not None:
            problems.append(Problem(str(path), f"kept the last good {what}", severity="warning"))
            return last, last
        return loaded, last
    return loaded, loaded


def load_config_keeping_good(config_dir: Path, last: LastGood) -> tuple[SearchSettings, Synonyms, list[Problem]]:
    settings, problems = load_search_settings(config_dir)
    settings, last.settings = _keep_good(config_dir / "search.yaml", "search settings", settings, problems,
                                         last.settings)
    synonyms, more = load_synonyms(config_dir)
    synonyms, last.synonyms = _keep_good(config_dir / "synonyms.yaml", "synonyms", synonyms, more, last.synonyms)
    return settings, synonyms, problems + more


def load_examples_keeping_good(config_dir: Path, last: LastGood) -> tuple[list[Example], list[Problem]]:
    examples, problems = load_examples(config_dir)
    examples, last.examples = _keep_good(config_dir / EXAMPLES_FILE, "example questions", examples, problems,
                                         last.examples)
    return examples, problems


def describe_changes(changes: Iterable[tuple[str, str]], shown: int = 5) -> str:
    """"changed: a.md (added), b.md (deleted)" from watchfiles' (change name, path) pairs: an operator reading the
    log wants to know what happened to each file, not only which files. A file saved as delete + add (many editors)
    counts as modified."""
    kinds: dict[str, set[str]] = {}
    for kind, path in changes:
        kinds.setdefault(Path(path).name, set()).add(kind)
    words = []
    for name in sorted(kinds):
        found = kinds[name]
        kind = "modified" if len(found) > 1 else next(iter(found))
        words.append(f"{name} ({kind})")
    return "changed: " + ", ".join(words[:shown]) + (f" and {len(words) - shown} more" if len(words) > shown else "")


class LiveCorpus:
    """Owns reloads: one at a time, in a worker thread, swapped into its `holder` only when the build succeeded."""

    def __init__(
        self,
        corpus_dir: Path,
        config_dir: Path,
        holder: EngineHolder | None = None,  # may be bound after `initial()`, see `start_live`
        cache_dir: Path | None = None,
        on_report: Callable[[ReloadReport], Awaitable[None] | None] | None = None,
        build_in_process: bool | None = None,  # None: from PROCESS_BUILD_FROM_CHUNKS on
    ) -> None:
        self.corpus_dir = corpus_dir
        self.config_dir = config_dir
        self.cache_dir = cache_dir
        self.holder = holder
        self.on_report = on_report
        self.build_in_process = build_in_process
        self.last_good = LastGood()
        self.last_report: ReloadReport | None = None
        self._logged: dict[str, Problem] = {}  # problems already in the log, by their text
        self.started_at = dt.datetime.now(dt.UTC)
        self._lock = asyncio.Lock()
        self._watch_task: asyncio.Task[None] | None = None
        # The semantic signal's vectors live in their own store in the cache folder, never in the engine cache.
        self.semantic = SemanticBuilder(cache_dir)

    def _read_files(self) -> tuple[list[Article], SearchSettings, Synonyms, list[Problem], list[Example]]:
        """What a build needs, each file keeping its last good version. Raises CorpusVanished rather than go from
        some articles to none by accident (the per-file memory is left as it was, so nothing is forgotten)."""
        had = len(self.last_good.articles)
        before = dict(self.last_good.articles), dict(self.last_good.reads)
        articles, problems = load_articles_keeping_good(self.corpus_dir, self.last_good)
        if not articles and had and not (self.corpus_dir / EMPTY_MARKER).is_file():
            self.last_good.articles, self.last_good.reads = before
            raise CorpusVanished(self._why_empty(had))
        settings, synonyms, more = load_config_keeping_good(self.config_dir, self.last_good)
        examples, taught = load_examples_keeping_good(self.config_dir, self.last_good)
        return articles, settings, synonyms, problems + more + taught, examples

    def _why_empty(self, had: int) -> str:
        folder = self.corpus_dir
        if not folder.exists():
            what = f"the corpus folder {folder} is gone" + (" (a dangling symlink)" if folder.is_symlink() else "")
        elif not folder.is_dir():
            what = f"{folder} is no longer a folder"
        elif folder.is_symlink():
            what = f"the corpus folder {folder} is a symlink to {folder.resolve()}, which holds no articles"
        else:
            what = f"the corpus folder {folder} holds no readable articles"
        return (f"{what}; keeping the last good corpus ({had} articles) until articles are back (to empty the corpus "
                f"on purpose, put a file named {EMPTY_MARKER} in the folder)")

    def build(self) -> Engine:
        """Synchronous build in this thread (at start-up, and for reloads of a small corpus)."""
        return Engine(*self._read_files())

    def build_elsewhere(self) -> tuple[Engine, bool]:
        """(engine, whether the cache was written): files are read here, the index is built by a child process,
        which also writes the cache. Blocking; runs in a worker thread. Builds here if no child starts."""
        inputs = self._read_files()
        cache = (self.cache_dir, self.corpus_dir, self.config_dir) if self.cache_dir else None
        try:
            return build_in_process(*inputs[:4], cache, examples=inputs[4]), True
        except OSError as exc:
            log.warning("cannot start a build process (%s); building in this process instead", exc)
            return Engine(*inputs), False

    def _use_process(self, current: Engine) -> bool:
        if self.build_in_process is not None:
            return self.build_in_process
        return len(current.chunks) >= PROCESS_BUILD_FROM_CHUNKS

    def initial(self) -> Engine:
        """The first engine, from the on-disk cache when it matches the files."""
        started = time.perf_counter()
        engine = None
        from_cache = False
        key = cache_key(self.corpus_dir, self.config_dir) if self.cache_dir else ""
        written = False
        if self.cache_dir:
            remove_stale_temporaries(self.cache_dir)
            engine = read_cache(self.cache_dir, key)
            from_cache = engine is not None
            if engine is not None:
                # Fill the per-file memory so a file that breaks later keeps this version.
                load_articles_keeping_good(self.corpus_dir, self.last_good)
                load_config_keeping_good(self.config_dir, self.last_good)
                load_examples_keeping_good(self.config_dir, self.last_good)
                self._share_articles(engine)
        if engine is None:
            engine = self.build()
            if self.cache_dir:
                written = write_cache(self.cache_dir, key, engine)
        # With the signal on: attached now when the store has (nearly) every vector; else embedded in the background
        # once the event loop runs (`start_watching`), while this lexical engine answers.
        engine = self.semantic.prepare(engine)
        self.last_report = self._report(engine, started, changed=True, reason="start")
        if from_cache:
            source = "index read from the cache"
        elif self.cache_dir:
            source = "index built, cache written" if written else "index built, cache NOT written (see above)"
        else:
            source = "index built"
        log.info("start (%s): %s", source, self.last_report.summary())
        self._log_problems(engine.problems)
        return engine

    def _log_problems(self, problems: Sequence[Problem]) -> None:
        """New problems as warnings, fixed ones as such, and only a count for those already logged: a reload after
        every save would otherwise repeat the same list each time."""
        now = {str(p): p for p in problems}
        for text, problem in now.items():
            if text not in self._logged:
                (log.error if problem.severity == "error" else log.warning)("file problem: %s", text)
        for text in self._logged.keys() - now.keys():
            log.info("fixed: %s", text)
        still = len(self._logged.keys() & now.keys())
        if still:
            log.info("%d problem(s) logged before are still open (python -m bot corpus check lists all)", still)
        self._logged = now

    def _share_articles(self, engine: Engine) -> None:
        """Point the per-file memory at the cached engine's equal articles: two copies of every article text would
        be most of the bot's memory (~100 MB more at 100k chunks)."""
        for path, (digest, article) in self.last_good.articles.items():
            same = engine.articles.get(article.id)
            if same is not None and same is not article and same == article:
                self.last_good.articles[path] = (digest, same)

    async def reload(self, reason: str = "manual") -> ReloadReport:
        if self.holder is None:
            raise RuntimeError("LiveCorpus.reload needs a holder to swap into (see start_live)")
        async with self._lock:
            started = time.perf_counter()
            current = self.holder.get()
            try:
                if self._use_process(current):
                    engine, cached = await asyncio.to_thread(self.build_elsewhere)
                else:
                    engine, cached = await asyncio.to_thread(self.build), False
            except CorpusVanished as exc:
                log.error("reload (%s) refused: %s", reason, exc)
                report = ReloadReport(dt.datetime.now(dt.UTC), False, current.version, len(current.articles),
                                      len(current.chunks), (), time.perf_counter() - started, False, reason, str(exc))
            except Exception as exc:  # never let a reload take the bot down
                log.exception("reload (%s) failed; keeping corpus %s", reason, current.version)
                report = ReloadReport(dt.datetime.now(dt.UTC), False, current.version, len(current.articles),
                                      len(current.chunks), (), time.perf_counter() - started, False, reason,
                                      f"{type(exc).__name__}: {exc}")
            else:
                changed = engine.version != current.version
                if changed:
                    engine = await asyncio.to_thread(self.semantic.prepare, engine)
                    self.holder.swap(engine)
                    self.semantic.start(self.holder)
                    if self.cache_dir and not cached:
                        await asyncio.to_thread(write_cache, self.cache_dir,
                                                cache_key(self.corpus_dir, self.config_dir), engine)
                report = self._report(engine, started, changed, reason)
                log.info("reload (%s): %s", reason, report.summary())
                self._log_problems(report.problems)
            if (not report.ok and self.last_report is not None and not self.last_report.ok
                    and self.last_report.error == report.error):
                report = replace(report, repeated=True)  # a folder still missing is told once, not at every event
            self.last_report = report
        if self.on_report is not None:
            result = self.on_report(report)
            if asyncio.iscoroutine(result):
                await result
        return report

    def _report(self, engine: Engine, started: float, changed: bool, reason: str) -> ReloadReport:
        return ReloadReport(dt.datetime.now(dt.UTC), True, engine.version, len(engine.articles), len(engine.chunks),
                            tuple(engine.problems), time.perf_counter() - started, changed, reason)

    async def watch(self, debounce_ms: int = DEBOUNCE_MS, force_polling: bool | None = None) -> None:
        """Reload whenever something under the corpus or config folder changes (until cancelled).

        A file watcher watches folders, not names: once `corpus/` is removed (or a symlink to it switched) it sees
        nothing of the folder that comes back, and live reloads ended until the next restart. So the folders' identity
        is checked every FOLDER_CHECK_S; when one is removed, replaced or back, the watcher is started again on what
        exists now and a reload picks up the change.
        """
        while True:
            identity = self._folder_identity()
            folders = [str(p) for p in (self.corpus_dir, self.config_dir) if p.is_dir()]
            stop = asyncio.Event()
            watcher = asyncio.create_task(self._watch_folders(folders, stop, debounce_ms, force_polling)) \
                if folders else None
            try:
                while True:
                    await asyncio.sleep(FOLDER_CHECK_S)
                    if self._folder_identity() != identity or (watcher is not None and watcher.done()):
                        break
            finally:
                stop.set()
                if watcher is not None:
                    await asyncio.wait([watcher], timeout=5)
                    if not watcher.done():
                        watcher.cancel()
                        with contextlib.suppress(asyncio.CancelledError):
                            await watcher
            if watcher is not None and watcher.done() and not watcher.cancelled() and watcher.exception():
                log.warning("file watcher stopped (%s); starting it again", watcher.exception())
            if self._folder_identity() != identity:
                await self.reload(reason="corpus or config folder removed, replaced or back")

    async def _watch_folders(self, folders: list[str], stop: asyncio.Event, debounce_ms: int,
                             force_polling: bool | None) -> None:
        from watchfiles import awatch

        async for changes in awatch(*folders, debounce=debounce_ms, step=50, force_polling=force_polling,
                                    recursive=True, ignore_permission_denied=True, stop_event=stop):
            await self.reload(reason=describe_changes((change.name, path) for change, path in changes))

    def _folder_identity(self) -> tuple[tuple[str, int, int] | None, ...]:
        """Where each watched folder really is (symlinks followed) and which inode it is; None when missing."""
        out: list[tuple[str, int, int] | None] = []
        for folder in (self.corpus_dir, self.config_dir):
            try:
                st = folder.stat()
                out.append((str(folder.resolve()), st.st_dev, st.st_ino))
            except OSError:
                out.append(None)
        return tuple(out)

    def start_watching(self, force_polling: bool | None = None) -> asyncio.Task[None]:
        if self.holder is not None:
            self.semantic.start(self.holder)  # the first engine's vectors, when the start left them to embed
        self._watch_task = asyncio.create_task(self._watch_forever(force_polling), name="corpus-watch")
        return self._watch_task

    async def _watch_forever(self, force_polling: bool | None) -> None:
        # A watcher error (folder deleted and re-created, inotify limit) must not end live reloads for good.
        while True:
            try:
                await self.watch(force_polling=force_polling)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("file watcher stopped; restarting it in 5 s")
            await asyncio.sleep(5)

    async def stop(self) -> None:
        await self.semantic.stop()
        if self._watch_task is not None:
            self._watch_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch_task
            self._watch_task = None


def start_live(corpus_dir: Path, config_dir: Path, cache_dir: Path | None) -> tuple[LiveCorpus, EngineHolder]:
    """The first engine (from the on-disk cache when it matches) in a holder that later reloads swap into.

    The holder needs that first engine and the LiveCorpus builds it, so the holder is bound here, once, for every
    caller (the bot, the end-to-end tests, the benchmark).
    """
    live = LiveCorpus(corpus_dir, config_dir, cache_dir=cache_dir)
    holder = EngineHolder(live.initial())
    live.holder = holder
    return live, holder
