"""A durable journal of the updates taken from Telegram: a question taken is a question answered, even after kill -9.

Why: PTB's updater confirms a batch of updates to Telegram (the `offset` of the next getUpdates) as soon as it has put
them into the application's queue, long before they are answered. A crash, an OOM kill or a container restart in
between lost them: Telegram does not send a confirmed update again.

How:
- `JournalQueue.put` writes every update (fsynced, SQLite `synchronous=FULL`) before it enters the queue. The updater
  only confirms an update after `put` returned, and in webhook mode PTB only answers Telegram's POST after `put`
  returned, so no update is acknowledged before it is on disk.
- `JournalProcessor` marks an update done once its handler has finished: the answer sent, or the error handler ran
  for a failure that trying again would not fix (a bug, a blocked bot, a timed-out send that may have arrived). An
  answer that could not be delivered because Telegram was unreachable (`not_delivered`) stays pending and is tried
  again every RETRY_UNDELIVERED_S, up to MAX_DELIVERY_TRIES times; after that it waits for the next start.
- At start, `recover` puts the messages taken and not done within `RECOVER_WINDOW_S` back into the queue. Older ones
  are logged, not answered: an answer an hour late, out of the conversation's context, confuses more than it helps.
  Callback and inline queries are not recovered: Telegram lets a bot answer them only within seconds.
- A done update keeps its id (its text is dropped) for `KEEP_DONE_S`, so the copy Telegram delivers again after a crash
  before the offset was confirmed is recognised and not answered twice.

The trade (README): an update answered but not yet marked done when the process dies is answered again after the
restart. That window is a few milliseconds per answer; losing a question silently is worse than a rare second copy.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import SimpleUpdateProcessor

log = logging.getLogger(__name__)

RECOVER_WINDOW_S = 15 * 60  # taken and not answered for longer than this: logged, not answered
KEEP_DONE_S = 24 * 3600  # done update ids are remembered this long, to recognise one Telegram delivers again
RETRY_UNDELIVERED_S = 30.0  # an answer Telegram could not take (unreachable) is tried again after this long
MAX_DELIVERY_TRIES = 10  # ... this many times (5 minutes); then it is left for the next start
PRUNE_EVERY = 5000  # updates handled between two prunes of done ids older than KEEP_DONE_S (also at every start)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS updates (
    update_id INTEGER PRIMARY KEY,
    taken REAL NOT NULL,     -- unix time the update was taken from Telegram
    payload TEXT,            -- the update as JSON; NULL once done (the journal keeps no question longer than needed)
    done REAL                -- unix time its handler finished; NULL while pending
);
"""


class UpdateJournal:
    """Thread-safe; every method is one short transaction. Called from worker threads (an fsync takes milliseconds)."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self.path = path

    @classmethod
    def open(cls, path: Path) -> UpdateJournal:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=5.0)
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)  # it holds unanswered questions and user ids in clear, like the usage key
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            # FULL: every commit is fsynced, so a power cut cannot lose an update Telegram was told we have.
            conn.execute("PRAGMA synchronous=FULL")
            conn.executescript(_SCHEMA)
        except BaseException:
            conn.close()
            raise
        return cls(conn, path)

    def take(self, update_id: int, payload: str, now: float | None = None) -> bool:
        """Record a new update; False when this id is already in the journal (Telegram delivered it again)."""
        with self._lock:
            cursor = self._conn.execute("INSERT OR IGNORE INTO updates (update_id, taken, payload) VALUES (?, ?, ?)",
                                        (update_id, time.time() if now is None else now, payload))
        return cursor.rowcount == 1

    def done(self, update_id: int, now: float | None = None) -> None:
        with self._lock:
            self._conn.execute("UPDATE updates SET done = ?, payload = NULL WHERE update_id = ?",
                               (time.time() if now is None else now, update_id))

    def pending(self) -> list[tuple[int, float, str]]:
        """(update id, taken at, payload) of every update taken and not done, oldest first."""
        with self._lock:
            rows = self._conn.execute("SELECT update_id, taken, payload FROM updates WHERE done IS NULL "
                                      "ORDER BY update_id").fetchall()
        return [(int(i), float(t), str(p)) for i, t, p in rows]

    def prune(self, now: float | None = None) -> int:
        cutoff = (time.time() if now is None else now) - KEEP_DONE_S
        with self._lock:
            return int(self._conn.execute("DELETE FROM updates WHERE done IS NOT NULL AND done < ?",
                                          (cutoff,)).rowcount)

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def open_journal(path: Path) -> UpdateJournal | None:
    """The journal, or None (logged as an error) when it cannot be opened: the bot then answers without the crash
    guarantee rather than not at all. A damaged file is moved aside (kept) and a fresh one started."""
    try:
        return UpdateJournal.open(path)
    except sqlite3.DatabaseError as exc:
        aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}")
        log.error("update journal %s is unreadable (%s); moved aside to %s, starting a fresh one", path, exc, aside)
        try:
            path.rename(aside)
            for suffix in ("-wal", "-shm"):
                side = path.with_name(path.name + suffix)
                if side.exists():
                    side.rename(aside.with_name(aside.name + suffix))
            return UpdateJournal.open(path)
        except (OSError, sqlite3.Error) as again:
            log.error("no update journal (%s): updates taken when the bot crashes can be lost", again)
            return None
    except OSError as exc:
        log.error("no update journal at %s (%s): updates taken when the bot crashes can be lost", path, exc)
        return None


class JournalQueue(asyncio.Queue[object]):
    """The application's update queue: an update is on disk before anyone can confirm it to Telegram."""

    def __init__(self, journal: UpdateJournal | None) -> None:
        super().__init__()
        self.journal = journal
        self.undelivered: set[int] = set()  # updates whose answer Telegram could not take; see not_delivered

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and self.journal is not None:
            payload = json.dumps(item.to_dict(), ensure_ascii=False)
            try:
                new = await asyncio.to_thread(self.journal.take, item.update_id, payload)
            except Exception:
                # A full disk must not silence the bot: answer now, only without the guarantee across a crash.
                log.exception("could not record update %s in the journal; answering it without the crash guarantee",
                              item.update_id)
                new = True
            if not new:
                log.info("update %s was taken before (delivered again after a restart); not handled twice",
                         item.update_id)
                return
        await super().put(item)

    async def put_recovered(self, update: Update) -> None:
        """An update already in the journal (taken before a crash): into the queue without recording it again."""
        await super().put(update)


def not_delivered(queue: object, update: object, error: object) -> None:
    """Called by the error handler: when the failure means Telegram could not be reached (a network fault or a long
    429 after the retries), the update stays pending and is tried again, instead of being marked done unanswered.

    Not for a timeout (Telegram may have delivered the answer: the existing rule is that a duplicate is worse there)
    nor for a refused request (BadRequest) or a bug: trying again would fail the same way.
    """
    if not isinstance(queue, JournalQueue) or queue.journal is None or not isinstance(update, Update):
        return
    unreachable = isinstance(error, RetryAfter) or (isinstance(error, NetworkError)
                                                    and not isinstance(error, BadRequest | TimedOut))
    if unreachable:
        queue.undelivered.add(update.update_id)


class JournalProcessor(SimpleUpdateProcessor):
    """Runs updates concurrently like PTB's default and marks each done in the journal once its handler finished."""

    def __init__(self, max_concurrent_updates: int, journal: UpdateJournal | None,
                 queue: JournalQueue | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self.journal = journal
        self.queue = queue
        self._handled = 0
        self._tries: dict[int, int] = {}
        self._retries: set[asyncio.Task[None]] = set()  # referenced, so a pending retry is not garbage-collected

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine  # PTB's process_update hands handler errors to the error handler; it does not raise them
        if isinstance(update, Update) and self.queue is not None and update.update_id in self.queue.undelivered:
            self.queue.undelivered.discard(update.update_id)
            self._try_again_later(update)
            return
        if isinstance(update, Update) and self.journal is not None:
            self._tries.pop(update.update_id, None)
            try:
                await asyncio.to_thread(self.journal.done, update.update_id)
                self._handled += 1
                if self._handled % PRUNE_EVERY == 0:  # a bot that runs for months must not keep every id
                    await asyncio.to_thread(self.journal.prune)
            except Exception:  # at worst the update is answered once more after a crash
                log.warning("could not mark update %s done in the journal", update.update_id, exc_info=True)

    def _try_again_later(self, update: Update) -> None:
        tries = self._tries.get(update.update_id, 0) + 1
        if tries > MAX_DELIVERY_TRIES:
            self._tries.pop(update.update_id, None)
            log.error("update %s: the answer could not be delivered in %d tries; it stays in the journal and is "
                      "answered at the next start (within %.0f min of being taken)", update.update_id,
                      MAX_DELIVERY_TRIES, RECOVER_WINDOW_S / 60)
            return
        self._tries[update.update_id] = tries
        log.warning("update %s: the answer could not be delivered (Telegram unreachable); trying again in %.0f s "
                    "(%d of %d)", update.update_id, RETRY_UNDELIVERED_S, tries, MAX_DELIVERY_TRIES)
        task = asyncio.create_task(self._put_later(update), name=f"journal-retry-{update.update_id}")
        self._retries.add(task)
        task.add_done_callback(self._retries.discard)

    async def _put_later(self, update: Update) -> None:
        await asyncio.sleep(RETRY_UNDELIVERED_S)
        if self.queue is not None:
            await self.queue.put_recovered(update)

    async def shutdown(self) -> None:
        """Pending retries end with the bot; their updates stay in the journal for the next start."""
        for task in list(self._retries):
            task.cancel()


async def recover(queue: JournalQueue, bot: Any, window_s: float = RECOVER_WINDOW_S,
                  now: float | None = None) -> tuple[int, int]:
    """Put the messages taken and not answered before the last stop back into the queue; (recovered, dropped).

    Runs before polling starts (post_init), so they are answered first, in the order they were taken.
    """
    journal = queue.journal
    if journal is None:
        return 0, 0
    now = time.time() if now is None else now
    recovered = dropped = 0
    for update_id, taken, payload in await asyncio.to_thread(journal.pending):
        age = now - taken
        try:
            data = json.loads(payload)
            update = Update.de_json(data, bot)
        except Exception:
            log.exception("update %s in the journal cannot be read back; dropped", update_id)
            update = None
        if update is not None and "message" in data and age <= window_s:
            await queue.put_recovered(update)
            recovered += 1
            continue
        if update is not None:
            why = (f"taken {age / 60:.0f} min ago, longer than the {window_s / 60:.0f} min window"
                   if age > window_s else "a button press or inline query, which Telegram lets a bot answer only "
                                          "within seconds")
            chat = update.effective_chat
            log.warning("update %s (%s chat) was taken but never answered before the bot stopped: not answered now "
                        "(%s)", update_id, chat.type if chat else "no", why)
        await asyncio.to_thread(journal.done, update_id, now)
        dropped += 1
    if recovered or dropped:
        log.warning("journal: %d question(s) taken but not answered before the last stop are answered now; "
                    "%d logged and left", recovered, dropped)
    return recovered, dropped
