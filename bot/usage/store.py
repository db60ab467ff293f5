"""Usage and feedback store (SQLite): what was asked, whether it was answered, which passages got 👍/👎.

Why SQLite: one file, no server, safe across threads with a lock, and every write is a single small insert (well
under a millisecond in WAL mode), so the bot can call it straight from the event loop.

Privacy: Telegram user and chat ids are never written in clear. They are stored as a keyed hash (HMAC-SHA256,
truncated), with a key that lives outside the database (env `RELATIEBOT_HASH_KEY`, or a 0600 `usage.key` file beside
it). The same person hashes the same way across restarts, so "one vote per user" works, but someone who only has the
database cannot recover ids by hashing every possible number. Rows older than `retention_days` are purged.

A damaged database never stops the bot: it is moved aside (`<name>.corrupt-<UTC timestamp>`, never deleted) and a
fresh one is created with every row that could still be read from it (bot/usage/repair.py). At start that is found by
an integrity check; while running, by the write that fails: each write first lets SQLite drop its cached pages
(`PRAGMA shrink_memory`, microseconds), so a file damaged under the bot shows at the next write instead of taking
writes into a cache until the next start.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from bot.search.records import Answer
from bot.usage.aside import move_aside
from bot.usage.grouping import UnansweredGroup, group_questions
from bot.usage.keys import hash_id, load_hash_key
from bot.usage.repair import is_damage, salvage
from bot.usage.settings import UsageSettings

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2  # 2: questions.nearby
MIGRATION_WAIT = 10  # seconds a schema migration waits for the write lock
T = TypeVar("T")
MAX_UNANSWERED_SCAN = 5000  # grouping looks at this many most recent unanswered questions at most


class UsageSchemaError(RuntimeError):
    """The database was written by a newer version of the bot: refuse it rather than move a good file aside."""


@dataclass(frozen=True, slots=True)
class PassageVotes:
    article: str
    quote: str
    down: int
    up: int


@dataclass(frozen=True, slots=True)
class DayStat:
    day: dt.date
    asked: int
    answered: int
    rate: float  # answered / asked, 0.0 on a day without questions


# ---------------------------------------------------------------------------------------------------------------
# Time helpers: everything is stored as fixed-width UTC text, so text order is time order and a day is a prefix.


def _utc(at: dt.datetime | None) -> dt.datetime:
    """Aware UTC datetime; a naive datetime is taken to be UTC already."""
    if at is None:
        return dt.datetime.now(dt.UTC)
    return at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)


def _stamp(at: dt.datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.%f")


def _parse(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp).replace(tzinfo=dt.UTC)


def _window(days: int, now: dt.datetime | None) -> tuple[dt.date, str, str]:
    """First day of a `days`-day window ending today (UTC) and the stamps bounding it: `days=1` is today only.

    The upper bound is the start of tomorrow, so figures for a past `now` (tests, re-run reports) are exact.
    """
    if days < 1:
        raise ValueError(f"days must be at least 1, not {days}")
    today = _utc(now).date()
    first = today - dt.timedelta(days=days - 1)
    return first, first.isoformat(), (today + dt.timedelta(days=1)).isoformat()


# ---------------------------------------------------------------------------------------------------------------
# The store

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,              -- UTC, YYYY-MM-DDTHH:MM:SS.ffffff
    question TEXT NOT NULL,        -- empty when store_question_text is false
    answered INTEGER NOT NULL,
    reason TEXT NOT NULL,          -- the engine's abstention reason, empty when answered
    article TEXT,                  -- top result shown
    section TEXT,
    quote TEXT,
    chat_type TEXT NOT NULL,
    user_hash TEXT,
    chat_hash TEXT,
    nearby TEXT                    -- declined: the article that came closest (its id), when the engine named one
);
CREATE INDEX IF NOT EXISTS questions_at ON questions (at);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    question_id INTEGER,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
    question TEXT NOT NULL,
    article TEXT NOT NULL,
    quote TEXT NOT NULL,
    chat_type TEXT NOT NULL,
    user_hash TEXT,
    chat_hash TEXT
);
CREATE INDEX IF NOT EXISTS feedback_at ON feedback (at);
CREATE INDEX IF NOT EXISTS feedback_voter ON feedback (user_hash, question_id, article);
"""


def _connect(path: Path) -> sqlite3.Connection:
    """Open, check and migrate; any sign of a damaged file surfaces here as sqlite3.DatabaseError."""
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=1.0)
    try:
        # quick_check reads every page once: run at startup only, it is what catches a truncated file.
        result = conn.execute("PRAGMA quick_check").fetchone()
        if result is None or result[0] != "ok":
            raise sqlite3.DatabaseError(f"integrity check failed: {result[0] if result else 'no result'}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # in WAL mode: durable except the last commits on power loss
        conn.executescript(_SCHEMA)
        rows = conn.execute("SELECT version FROM schema_version").fetchall()
        if not rows:
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
        elif max(r[0] for r in rows) > SCHEMA_VERSION:
            raise UsageSchemaError(f"{path} has schema version {max(r[0] for r in rows)}; this bot knows up to "
                                   f"{SCHEMA_VERSION} (a newer release wrote it)")
        elif max(r[0] for r in rows) < SCHEMA_VERSION:
            _migrate(conn, path, max(r[0] for r in rows))
    except BaseException:
        conn.close()
        raise
    return conn


def _migrate(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """Bring a database an older release wrote up to SCHEMA_VERSION, in one transaction: its rows stay as they are
    (a question recorded before 2 has no `nearby`). It waits up to MIGRATION_WAIT for a writer that holds the file
    (the bot, an operator's sqlite3 shell) instead of the usual second."""
    conn.execute(f"PRAGMA busy_timeout = {MIGRATION_WAIT * 1000}")
    conn.execute("BEGIN IMMEDIATE")
    try:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(questions)")}
        if "nearby" not in columns:
            conn.execute("ALTER TABLE questions ADD COLUMN nearby TEXT")
        conn.execute("DELETE FROM schema_version")
        conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    conn.execute("PRAGMA busy_timeout = 1000")  # as sqlite3.connect(timeout=1.0) set it
    log.info("usage database %s: schema %d -> %d (questions.nearby added)", path, version, SCHEMA_VERSION)


def _replace_with_salvage(path: Path) -> sqlite3.Connection:
    """Move the damaged database aside (kept) and start a fresh one holding every row that can still be read."""
    moved = move_aside(path, "usage database")
    # The WAL and shared-memory files belong to the damaged database: replaying them into the fresh one would corrupt
    # it again, so they go aside with it (and the salvage reads the newest rows from its WAL).
    for suffix in ("-wal", "-shm", "-journal"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(moved.with_name(moved.name + suffix))
    conn = _connect(path)
    saved = salvage(moved, conn)
    log.warning("usage store: %s salvaged from %s into a fresh %s", saved.summary(), moved.name, path.name)
    return conn


class UsageStore:
    """Thread-safe synchronous store; every method holds one lock for one or two short statements."""

    def __init__(self, conn: sqlite3.Connection, path: Path, key: bytes, retention_days: int,
                 store_question_text: bool) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self.path = path
        self._key = key
        self.retention_days = retention_days
        self.store_question_text = store_question_text

    @classmethod
    def open(cls, path: Path, key: bytes, retention_days: int, store_question_text: bool = True) -> UsageStore:
        """Open or create the database; a damaged file is moved aside and its readable rows salvaged into a fresh
        one. Purges old rows."""
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = _connect(path)
        except UsageSchemaError:
            raise
        except sqlite3.OperationalError as exc:
            if not is_damage(exc):
                # Locked past the wait, read-only, disk full: the file is sound. Moved aside, it would keep taking
                # the writes of whoever holds it open (the bot while `report` migrates it), lost to the fresh one.
                raise
            log.warning("usage database %s cannot be used (%s)", path, exc)
            conn = _replace_with_salvage(path)
        except sqlite3.DatabaseError as exc:
            log.warning("usage database %s cannot be used (%s)", path, exc)
            conn = _replace_with_salvage(path)
        store = cls(conn, path, key, retention_days, store_question_text)
        removed = store.purge()
        if removed:
            log.info("usage store: purged %d rows older than %d days", removed, retention_days)
        return store

    @classmethod
    def from_settings(cls, settings: UsageSettings, root: Path) -> UsageStore | None:
        """The store the settings ask for; None when disabled or when it cannot be opened at all (logged), so the
        bot keeps answering without statistics rather than not starting."""
        if not settings.enabled:
            return None
        path = settings.resolved_path(root)
        try:
            key = load_hash_key(path)
            return cls.open(path, key, settings.retention_days, settings.store_question_text)
        except (OSError, sqlite3.Error, UsageSchemaError) as exc:
            log.error("usage store %s unavailable, running without it: %s", path, exc)
            return None

    def hash(self, value: int | None) -> str | None:
        return hash_id(self._key, value)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- writes ---------------------------------------------------------------------------------------------------

    def _write(self, statements: Callable[[sqlite3.Connection], T]) -> T:
        """Run a write; if it fails because the file is damaged, repair the store at once and write again.

        Called from worker threads, so a repair (a second or so for a large file) never stalls the event loop, and
        the bot keeps answering meanwhile: the store is bookkeeping.
        """
        with self._lock:
            try:
                # Drop the cached pages: a write then reads its path through the file from disk (the OS cache), so a
                # file damaged under the bot fails this write instead of taking writes until the next start.
                self._conn.execute("PRAGMA shrink_memory")
                return statements(self._conn)
            except sqlite3.DatabaseError as exc:
                if not (is_damage(exc) or self._check_fails()):
                    raise
                log.error("usage database %s is damaged (%s): salvaging its readable rows into a fresh one now",
                          self.path, exc)
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
                self._conn = _replace_with_salvage(self.path)
                return statements(self._conn)  # the row that found the damage goes into the repaired store

    def _check_fails(self) -> bool:
        """After an error that does not name damage (e.g. "no such table" when the schema page was overwritten):
        does an integrity check on a fresh connection fail? A lock or a full disk is no damage and not repaired."""
        try:
            probe = sqlite3.connect(self.path, timeout=1.0)
        except sqlite3.Error:
            return True
        try:
            row = probe.execute("PRAGMA quick_check").fetchone()
            return row is None or row[0] != "ok"
        except sqlite3.OperationalError as exc:
            return not ("locked" in str(exc) or "busy" in str(exc))
        except sqlite3.DatabaseError:
            return True
        finally:
            probe.close()

    def record_question(self, *, question: str, answer: Answer, chat_type: str, user_id: int | None,
                        chat_id: int | None, at: dt.datetime | None = None) -> int:
        """Store one question and the passage shown first; returns the row id (for feedback to refer to)."""
        top = answer.results[0] if answer.results else None
        row = (
            _stamp(_utc(at)),
            question if self.store_question_text else "",
            int(answer.answered),
            answer.reason,
            top.article if top else None,
            top.section if top else None,
            top.quote if top else None,
            chat_type,
            self.hash(user_id),
            self.hash(chat_id),
            answer.nearby[0].article if answer.nearby and not answer.results else None,
        )
        cursor = self._write(lambda conn: conn.execute(
            "INSERT INTO questions (at, question, answered, reason, article, section, quote, chat_type, "
            "user_hash, chat_hash, nearby) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            row,
        ))
        return int(cursor.lastrowid or 0)

    def record_feedback(self, *, question_id: int | None, vote: int, question: str, article: str, quote: str,
                        chat_type: str, user_id: int | None, chat_id: int | None,
                        at: dt.datetime | None = None) -> None:
        """Store a 👍 (+1) or 👎 (-1); a user's later vote on the same passage of the same question replaces it."""
        if vote not in (1, -1) or isinstance(vote, bool):
            raise ValueError(f"vote must be +1 or -1, not {vote!r}")
        user_hash = self.hash(user_id)
        row = (_stamp(_utc(at)), question_id, vote, question if self.store_question_text else "", article, quote,
               chat_type, user_hash, self.hash(chat_id))
        def vote_once(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                # `IS` rather than `=` so an unknown question id or user (NULL) still matches its earlier vote.
                conn.execute(
                    "DELETE FROM feedback WHERE user_hash IS ? AND question_id IS ? AND article = ? AND quote = ?",
                    (user_hash, question_id, article, quote),
                )
                conn.execute(
                    "INSERT INTO feedback (at, question_id, vote, question, article, quote, chat_type, user_hash, "
                    "chat_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    row,
                )
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

        self._write(vote_once)

    def purge(self, now: dt.datetime | None = None) -> int:
        """Delete rows older than retention_days from both tables; returns how many went."""
        cutoff = _stamp(_utc(now) - dt.timedelta(days=self.retention_days))

        def delete_old(conn: sqlite3.Connection) -> int:
            conn.execute("BEGIN IMMEDIATE")
            try:
                removed = int(conn.execute("DELETE FROM questions WHERE at < ?", (cutoff,)).rowcount)
                removed += int(conn.execute("DELETE FROM feedback WHERE at < ?", (cutoff,)).rowcount)
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return removed

        return self._write(delete_old)

    # -- reads ----------------------------------------------------------------------------------------------------

    def _fetch(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def today(self, now: dt.datetime | None = None) -> tuple[int, float]:
        """Questions asked today (UTC) and the share answered (0.0 when none)."""
        day = _utc(now).date().isoformat()
        asked, answered = self._fetch(
            "SELECT COUNT(*), COALESCE(SUM(answered), 0) FROM questions WHERE at >= ? AND at < ?",
            (day, day + "U"),  # "U" sorts after "T", so this is every stamp that starts with the day
        )[0]
        return int(asked), (answered / asked if asked else 0.0)

    def per_day(self, days: int = 30, now: dt.datetime | None = None) -> list[DayStat]:
        """One entry per UTC day of the window, oldest first, days without questions included."""
        first, since, until = _window(days, now)
        counts = {
            day: (int(asked), int(answered))
            for day, asked, answered in self._fetch(
                "SELECT substr(at, 1, 10), COUNT(*), SUM(answered) FROM questions WHERE at >= ? AND at < ? GROUP BY 1",
                (since, until),
            )
        }
        out: list[DayStat] = []
        for offset in range(days):
            day = first + dt.timedelta(days=offset)
            asked, answered = counts.get(day.isoformat(), (0, 0))
            out.append(DayStat(day, asked, answered, answered / asked if asked else 0.0))
        return out

    def unanswered(self, days: int = 30, limit: int = 15, now: dt.datetime | None = None) -> list[UnansweredGroup]:
        """Unanswered questions of the window grouped by similarity, most recently asked group first.

        Questions stored without text (store_question_text: false) cannot be grouped or shown and are left out.
        """
        _, since, until = _window(days, now)
        rows = self._fetch(
            "SELECT question, at, nearby FROM questions WHERE answered = 0 AND at >= ? AND at < ? AND question != '' "
            "ORDER BY at DESC, id DESC LIMIT ?",
            (since, until, MAX_UNANSWERED_SCAN),
        )
        return group_questions(((text, _parse(at), nearby) for text, at, nearby in rows), limit)

    def disliked(self, days: int = 30, limit: int = 10, now: dt.datetime | None = None) -> list[PassageVotes]:
        """Passages with at least one 👎 in the window, most 👎 first (then fewest 👍, then most recent)."""
        _, since, until = _window(days, now)
        rows = self._fetch(
            "SELECT article, quote, SUM(vote < 0) AS down, SUM(vote > 0) AS up FROM feedback "
            "WHERE at >= ? AND at < ? GROUP BY article, quote HAVING down > 0 "
            "ORDER BY down DESC, up ASC, MAX(at) DESC LIMIT ?",
            (since, until, limit),
        )
        return [PassageVotes(article, quote, int(down), int(up)) for article, quote, down, up in rows]

    def top_articles(self, days: int = 30, limit: int = 10, now: dt.datetime | None = None) -> list[tuple[str, int]]:
        """Articles most often quoted first in an answer, with their counts."""
        _, since, until = _window(days, now)
        rows = self._fetch(
            "SELECT article, COUNT(*) FROM questions WHERE at >= ? AND at < ? AND article IS NOT NULL "
            "GROUP BY article ORDER BY 2 DESC, article ASC LIMIT ?",
            (since, until, limit),
        )
        return [(article, int(count)) for article, count in rows]

    def feedback_totals(self, days: int = 30, now: dt.datetime | None = None) -> tuple[int, int]:
        """(👍, 👎) votes in the window, for the report's summary line."""
        _, since, until = _window(days, now)
        up, down = self._fetch(
            "SELECT COALESCE(SUM(vote > 0), 0), COALESCE(SUM(vote < 0), 0) FROM feedback WHERE at >= ? AND at < ?",
            (since, until),
        )[0]
        return int(up), int(down)
