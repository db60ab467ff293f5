"""Salvage a damaged usage database: every row that can still be read goes into a fresh one.

A damaged file used to be moved aside whole and a fresh, empty database started, although a probe found about 80 % of
its rows still readable. SQLite keeps reading the pages that are intact, so the rows are walked by id in blocks; a
block that fails is read row by row, and only the rows on damaged pages are lost. The damaged file itself stays beside
the fresh one (moved aside, never deleted), for an operator who wants to try harder.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

TABLES = ("questions", "feedback")
BLOCK = 500  # ids read per query while the table reads cleanly
GIVE_UP_AFTER_EMPTY_BLOCKS = 50  # without a readable max(id): stop this many empty blocks after the last row found


def is_damage(exc: sqlite3.Error) -> bool:
    """Whether an error means the file is damaged (not a lock, a full disk or a bug in a statement)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    return (name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text
            or "not a database" in text)


@dataclass(frozen=True)
class Salvaged:
    rows: dict[str, int]  # table -> rows copied
    unreadable_blocks: int  # blocks that had to be read row by row

    def summary(self) -> str:
        return ", ".join(f"{count} {table}" for table, count in self.rows.items())


def salvage(damaged: Path, fresh: sqlite3.Connection) -> Salvaged:
    """Copy every readable row of TABLES from the file `damaged` into `fresh` (same schema, ids kept so votes still
    point at their questions). Never raises for damage: what cannot be read is skipped."""
    padded = _padded_copy(damaged)
    try:
        return _salvage(padded or damaged, fresh)
    finally:
        if padded is not None:
            padded.unlink(missing_ok=True)


def _padded_copy(damaged: Path) -> Path | None:
    """A copy of a truncated database padded with zeros to the size its header gives, or None if it is not short.

    SQLite refuses every query, even on the intact first pages, when the file is shorter than its header says; padded,
    the pages that are there read normally. The damaged file itself is left exactly as it was found.
    """
    try:
        with damaged.open("rb") as file:
            header = file.read(100)
        size = damaged.stat().st_size
    except OSError:
        return None
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return None
    page = int.from_bytes(header[16:18], "big")
    page = 65536 if page == 1 else page
    expected = int.from_bytes(header[28:32], "big") * page
    if page < 512 or expected <= size:
        return None
    copy = damaged.with_name(damaged.name + ".salvage-tmp")
    try:
        copy.write_bytes(damaged.read_bytes() + bytes(expected - size))
    except OSError:
        copy.unlink(missing_ok=True)
        return None
    return copy


def _salvage(damaged: Path, fresh: sqlite3.Connection) -> Salvaged:
    rows: dict[str, int] = {}
    unreadable = 0
    try:
        source = sqlite3.connect(damaged, timeout=1.0)
    except sqlite3.Error as exc:
        log.warning("nothing can be salvaged from %s (%s)", damaged, exc)
        return Salvaged(dict.fromkeys(TABLES, 0), 0)
    try:
        for table in TABLES:
            columns = [row[1] for row in fresh.execute(f"PRAGMA table_info({table})")]
            try:  # a file an older release wrote lacks the newer columns: copy what both have
                present = {row[1] for row in source.execute(f"PRAGMA table_info({table})")}
            except sqlite3.Error:
                present = set()
            columns = [c for c in columns if c in present] or columns
            names = ", ".join(columns)
            insert = f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
            select = f"SELECT {names} FROM {table} WHERE id > ? AND id <= ? ORDER BY id"
            try:
                top: int | None = int(source.execute(f"SELECT max(id) FROM {table}").fetchone()[0] or 0)
            except sqlite3.Error:
                top = None  # the table's end cannot be read: walk until long past the last row found
            copied = 0
            start, empty_blocks = 0, 0
            while (start < top) if top is not None else (empty_blocks < GIVE_UP_AFTER_EMPTY_BLOCKS):
                try:
                    found = source.execute(select, (start, start + BLOCK)).fetchall()
                except sqlite3.Error:
                    unreadable += 1
                    found = []
                    for row_id in range(start + 1, start + BLOCK + 1):
                        try:
                            row = source.execute(select, (row_id - 1, row_id)).fetchone()
                        except sqlite3.Error:
                            continue
                        if row is not None:
                            found.append(row)
                copied += _insert(fresh, insert, found)
                empty_blocks = 0 if found else empty_blocks + 1
                start += BLOCK
            rows[table] = copied
    finally:
        source.close()
    return Salvaged(rows, unreadable)


def _insert(fresh: sqlite3.Connection, insert: str, found: list[tuple[object, ...]]) -> int:
    """Insert the rows in one transaction; if a row came back garbled (a NULL where none is allowed), each row is
    inserted on its own so only that one is skipped. `fresh` is in autocommit mode (the store's connection)."""
    if not found:
        return 0
    fresh.execute("BEGIN")
    try:
        fresh.executemany(insert, found)
    except sqlite3.Error:
        fresh.execute("ROLLBACK")
    else:
        fresh.execute("COMMIT")
        return len(found)
    copied = 0
    for row in found:
        try:
            fresh.execute(insert, row)
            copied += 1
        except sqlite3.Error:
            continue
    return copied
