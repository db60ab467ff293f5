"""Usage store: rows round-trip, ids are never stored in clear, retention, corrupt files, and the report figures."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
import threading
from pathlib import Path

import pytest
from engine_support import CONFIG

from bot.search.records import Answer, Nearby, Result
from bot.usage import store as store_module
from bot.usage.keys import KEY_ENV, KEY_FILE, hash_id, load_hash_key
from bot.usage.settings import UsageSettings, load_usage_settings
from bot.usage.store import DayStat, PassageVotes, UsageStore

UTC = dt.UTC
NOW = dt.datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
KEY = b"test-key-0123456789"
USER_A, USER_B, USER_C, USER_D = 111111111, 444444444, 555555555, 666666666
CHAT_A = 222222222
SCRIPT_QUESTION = "Wat kost een abonnement? <script>alert(1)</script>"
BOZE_QUOTE = ("Luister eerst & laat de klant uitpraten, ook als hij boos is; wie onderbreekt maakt de klacht groter "
              "en de relatie kleiner.")
OPPORTUNIST_QUOTE = "De opportunist weet precies wat hij verkoopt maar heeft geen idee hoe hij gaat leveren."


def result(article: str, quote: str, section: str = "Kop") -> Result:
    return Result(article=article, title=article.title(), author=None, date=None, url=None, kind="passage",
                  quote=quote, text=quote + " Meer tekst.", section=section, score=7.5, chunk_index=3)


def answered(question: str, article: str, quote: str, section: str = "Kop") -> Answer:
    return Answer(question=question, results=(result(article, quote, section), result("ander", "Tweede.")))


def unanswered(question: str, reason: str = "no-match") -> Answer:
    return Answer(question=question, results=(), reason=reason)


def declined_near(article: str) -> Answer:
    return Answer(question="", results=(), reason="below-threshold",
                  nearby=(Nearby(article, article.title(), 0.8), Nearby("ander", "Ander", 0.6)))


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2024, month, day, hour, minute, tzinfo=UTC)


# (time, question, answer): the known data set every figure below is computed from by hand.
KNOWN_QUESTIONS: list[tuple[dt.datetime, str, Answer]] = [
    (at(5, 10, 9), "Hoe ga ik om met een boze klant?", answered("", "boze-klant", BOZE_QUOTE, "Klachten")),
    (at(5, 10, 10), SCRIPT_QUESTION, unanswered(SCRIPT_QUESTION)),
    (at(5, 10, 11), "Wanneer laat ik een klant gaan?", answered("", "opportunist", OPPORTUNIST_QUOTE)),
    (at(5, 9, 15), "Mag ik klanten weigeren?", unanswered("", "below-threshold")),
    (at(5, 8, 8), "Wat kost een abonnement?", unanswered("")),
    (at(5, 8, 9), "Boze klant, wat nu?", answered("", "boze-klant", BOZE_QUOTE)),
    (at(5, 7, 12), "wat kost een abonnement?", unanswered("")),
    (at(5, 6, 12), "klant weigeren, mag dat?", unanswered("")),
    (at(5, 3, 12), "Wat is het weer morgen?", unanswered("")),
    (at(5, 2, 12), "Klachten van een boze klant", answered("", "boze-klant", BOZE_QUOTE)),
    (at(4, 1, 12), "Oude vraag over belasting", unanswered("")),  # outside a 30-day window, inside retention
]


def fill_known(store: UsageStore) -> list[int]:
    ids = [
        store.record_question(question=q, answer=a, chat_type="private", user_id=USER_A, chat_id=CHAT_A, at=when)
        for when, q, a in KNOWN_QUESTIONS
    ]
    first, third, sixth = ids[0], ids[2], ids[5]

    def vote(question_id: int, value: int, article: str, quote: str, user: int, when: dt.datetime) -> None:
        store.record_feedback(question_id=question_id, vote=value, question="q", article=article, quote=quote,
                              chat_type="private", user_id=user, chat_id=CHAT_A, at=when)

    vote(first, 1, "boze-klant", BOZE_QUOTE, USER_A, at(5, 10, 9, 1))
    vote(first, -1, "boze-klant", BOZE_QUOTE, USER_A, at(5, 10, 9, 2))  # changes their mind: replaces the 👍
    vote(sixth, -1, "boze-klant", BOZE_QUOTE, USER_B, at(5, 8, 9, 5))
    vote(third, -1, "opportunist", OPPORTUNIST_QUOTE, USER_C, at(5, 10, 11, 5))
    vote(third, 1, "opportunist", OPPORTUNIST_QUOTE, USER_D, at(5, 10, 11, 6))
    return ids


@pytest.fixture
def store(tmp_path: Path):
    opened = UsageStore.open(tmp_path / "data" / "usage.sqlite3", KEY, retention_days=180)
    yield opened
    opened.close()


@pytest.fixture
def known(tmp_path: Path):
    # Retention is applied relative to the real clock on open, so keep it long enough for the 2024 data.
    opened = UsageStore.open(tmp_path / "known.sqlite3", KEY, retention_days=3650)
    fill_known(opened)
    yield opened
    opened.close()


def raw_rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------------------------
# Writing and reading back


def test_question_row_round_trips(store: UsageStore) -> None:
    answer = answered("Hoe ga ik om met een boze klant?", "boze-klant", BOZE_QUOTE, "Klachten")
    row_id = store.record_question(question="Hoe ga ik om met een boze klant?", answer=answer, chat_type="group",
                                   user_id=USER_A, chat_id=-100123, at=at(5, 10, 9, 30))
    missed = store.record_question(question="Wat is het weer?", answer=unanswered("", "no-match"),
                                   chat_type="private", user_id=None, chat_id=None, at=at(5, 10, 9, 31))
    assert missed == row_id + 1
    rows = raw_rows(store.path, "SELECT id, at, question, answered, reason, article, section, quote, chat_type, "
                                "user_hash, chat_hash FROM questions ORDER BY id")
    assert rows[0] == (row_id, "2024-05-10T09:30:00.000000", "Hoe ga ik om met een boze klant?", 1, "",
                       "boze-klant", "Klachten", BOZE_QUOTE, "group", hash_id(KEY, USER_A), hash_id(KEY, -100123))
    assert rows[1] == (missed, "2024-05-10T09:31:00.000000", "Wat is het weer?", 0, "no-match", None, None, None,
                       "private", None, None)


def test_times_are_stored_in_utc(store: UsageStore) -> None:
    amsterdam = dt.timezone(dt.timedelta(hours=2))
    store.record_question(question="q", answer=unanswered("q"), chat_type="private", user_id=1, chat_id=1,
                          at=dt.datetime(2024, 5, 11, 1, 30, tzinfo=amsterdam))
    assert raw_rows(store.path, "SELECT at FROM questions") == [("2024-05-10T23:30:00.000000",)]
    # ... so it counts for the UTC day 10 May, not 11 May.
    assert store.today(now=at(5, 10, 23, 59)) == (1, 0.0)
    assert store.today(now=at(5, 11, 0, 1)) == (0, 0.0)


def test_question_text_can_be_left_out(tmp_path: Path) -> None:
    quiet = UsageStore.open(tmp_path / "u.sqlite3", KEY, retention_days=3650, store_question_text=False)
    quiet.record_question(question="Geheime vraag over Jansen BV", answer=unanswered(""), chat_type="private",
                          user_id=1, chat_id=1, at=NOW)
    quiet.record_feedback(question_id=1, vote=-1, question="Geheime vraag over Jansen BV", article="a", quote="q",
                          chat_type="private", user_id=1, chat_id=1, at=NOW)
    assert quiet.today(now=NOW) == (1, 0.0)
    assert quiet.unanswered(now=NOW) == []  # nothing to show without the text
    quiet.close()
    assert b"Jansen" not in b"".join(p.read_bytes() for p in tmp_path.iterdir())


def test_feedback_is_stored_and_a_later_vote_replaces_the_earlier(store: UsageStore) -> None:
    common = {"question": "Boze klant?", "article": "boze-klant", "quote": BOZE_QUOTE, "chat_type": "private",
              "chat_id": CHAT_A}
    store.record_feedback(question_id=7, vote=1, user_id=USER_A, at=at(5, 10, 9), **common)
    store.record_feedback(question_id=7, vote=1, user_id=USER_B, at=at(5, 10, 9), **common)
    store.record_feedback(question_id=7, vote=-1, user_id=USER_A, at=at(5, 10, 10), **common)
    # The same user on another question's answer is a separate vote.
    store.record_feedback(question_id=8, vote=-1, user_id=USER_A, at=at(5, 10, 11), **common)
    rows = raw_rows(store.path, "SELECT question_id, vote, user_hash, at, article, quote, question FROM feedback "
                                "ORDER BY id")
    assert rows == [
        (7, 1, hash_id(KEY, USER_B), "2024-05-10T09:00:00.000000", "boze-klant", BOZE_QUOTE, "Boze klant?"),
        (7, -1, hash_id(KEY, USER_A), "2024-05-10T10:00:00.000000", "boze-klant", BOZE_QUOTE, "Boze klant?"),
        (8, -1, hash_id(KEY, USER_A), "2024-05-10T11:00:00.000000", "boze-klant", BOZE_QUOTE, "Boze klant?"),
    ]


def test_vote_replacement_works_without_a_question_id(store: UsageStore) -> None:
    for vote in (1, -1, -1):
        store.record_feedback(question_id=None, vote=vote, question="q", article="a", quote="x", chat_type="private",
                              user_id=USER_A, chat_id=CHAT_A, at=NOW)
    assert raw_rows(store.path, "SELECT question_id, vote FROM feedback") == [(None, -1)]


@pytest.mark.parametrize("vote", [0, 2, -2, True])
def test_vote_must_be_plus_or_minus_one(store: UsageStore, vote: int) -> None:
    with pytest.raises(ValueError, match="vote must be"):
        store.record_feedback(question_id=1, vote=vote, question="q", article="a", quote="x", chat_type="private",
                              user_id=1, chat_id=1)
    assert raw_rows(store.path, "SELECT COUNT(*) FROM feedback") == [(0,)]


def test_concurrent_writers_lose_nothing(store: UsageStore) -> None:
    def work(n: int) -> None:
        for i in range(50):
            store.record_question(question=f"vraag {n}-{i}", answer=unanswered(""), chat_type="private",
                                  user_id=n, chat_id=n, at=NOW)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.today(now=NOW) == (400, 0.0)


def test_database_is_in_wal_mode_with_a_schema_version(store: UsageStore) -> None:
    assert raw_rows(store.path, "PRAGMA journal_mode") == [("wal",)]
    assert raw_rows(store.path, "SELECT version FROM schema_version") == [(2,)]


# The questions table as release 1 of the schema wrote it (no `nearby`), for the migration tests.
SCHEMA_1 = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version (version) VALUES (1);
CREATE TABLE questions (id INTEGER PRIMARY KEY, at TEXT NOT NULL, question TEXT NOT NULL, answered INTEGER NOT NULL,
    reason TEXT NOT NULL, article TEXT, section TEXT, quote TEXT, chat_type TEXT NOT NULL, user_hash TEXT,
    chat_hash TEXT);
CREATE INDEX questions_at ON questions (at);
CREATE TABLE feedback (id INTEGER PRIMARY KEY, at TEXT NOT NULL, question_id INTEGER,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)), question TEXT NOT NULL, article TEXT NOT NULL, quote TEXT NOT NULL,
    chat_type TEXT NOT NULL, user_hash TEXT, chat_hash TEXT);
CREATE INDEX feedback_at ON feedback (at);
CREATE INDEX feedback_voter ON feedback (user_hash, question_id, article);
"""


def _schema_1_database(path: Path, questions: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")  # as release 1 left every file it opened
    conn.executescript(SCHEMA_1)
    conn.executemany("INSERT INTO questions (at, question, answered, reason, chat_type) VALUES (?, ?, 0, 'no-match', "
                     "'private')", [(f"2024-05-10T11:{i % 60:02d}:00.000000", f"oude vraag nummer {i} " * 8)
                                    for i in range(questions)])
    conn.commit()
    conn.close()


def test_a_schema_1_database_is_migrated_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "usage.sqlite3"
    _schema_1_database(path, 3)
    store = UsageStore.open(path, KEY, retention_days=3650)
    assert raw_rows(path, "SELECT version FROM schema_version") == [(2,)]
    assert store.today(now=NOW) == (3, 0.0)
    store.record_question(question="Hoe handel ik een klacht af?", answer=declined_near("klachten"),
                          chat_type="private", user_id=1, chat_id=1, at=NOW)
    assert [g.nearby for g in store.unanswered(1, now=NOW)] == ["klachten", None]  # the old rows have none
    store.close()
    assert _aside_files(tmp_path, "usage.sqlite3") == []  # migrated in place, nothing moved aside
    UsageStore.open(path, KEY, retention_days=3650).close()  # a second open finds schema 2: nothing to do
    assert raw_rows(path, "SELECT version FROM schema_version") == [(2,)]


def test_a_migration_waits_for_a_writer_and_loses_none_of_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "usage.sqlite3"
    _schema_1_database(path, 3)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # the bot (or an operator's sqlite3 shell) in the middle of a write
    holder.execute("INSERT INTO questions (at, question, answered, reason, chat_type) VALUES "
                   "('2024-05-10T11:59:00.000000', 'geschreven tijdens de migratie', 0, 'no-match', 'private')")
    release = threading.Timer(1.5, lambda: holder.execute("COMMIT"))  # longer than the usual one-second wait
    release.start()
    try:
        store = UsageStore.open(path, KEY, retention_days=3650)
    finally:
        release.join()
        holder.close()
    assert store.today(now=NOW) == (4, 0.0)  # the writer's row is in the database the store uses
    store.close()
    assert raw_rows(path, "SELECT version FROM schema_version") == [(2,)]
    assert _aside_files(tmp_path, "usage.sqlite3") == []


def test_a_sound_file_that_cannot_be_written_is_never_moved_aside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "usage.sqlite3"
    _schema_1_database(path, 3)
    before = path.read_bytes()

    def read_only(conn: sqlite3.Connection, where: Path, version: int) -> None:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(store_module, "_migrate", read_only)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        UsageStore.open(path, KEY, retention_days=3650)
    assert _aside_files(tmp_path, "usage.sqlite3") == [] and path.read_bytes() == before
    settings = UsageSettings(path=str(path))
    assert UsageStore.from_settings(settings, tmp_path) is None  # the bot runs without statistics, and says so
    assert "unavailable, running without it: attempt to write a readonly database" in caplog.text
    assert _aside_files(tmp_path, "usage.sqlite3") == [] and path.read_bytes() == before


def test_a_damaged_schema_1_database_is_salvaged_into_schema_2(tmp_path: Path) -> None:
    path = tmp_path / "usage.sqlite3"
    _schema_1_database(path, 2000)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    reopened = UsageStore.open(path, KEY, retention_days=3650)
    assert 500 < reopened.today(now=NOW)[0] < 2000  # the columns both schemas have are copied
    reopened.close()
    assert raw_rows(path, "SELECT version FROM schema_version") == [(2,)]


def test_a_declined_question_keeps_the_article_that_came_closest(store: UsageStore) -> None:
    for minute, (text, near) in enumerate([("Mag ik een klant weigeren?", "nee-zeggen"),
                                           ("klant weigeren, mag dat?", "klachten"),
                                           ("Mag ik klanten weigeren??", "nee-zeggen"),
                                           ("Wat is het weer morgen?", None)]):
        store.record_question(question=text, answer=declined_near(near) if near else unanswered(""),
                              chat_type="private", user_id=1, chat_id=1, at=NOW - dt.timedelta(minutes=10 - minute))
    # An answered question never stores one (an answer has no nearby articles; its article is the one shown).
    store.record_question(question="Hoe ga ik om met een boze klant?",
                          answer=answered("", "boze-klant", BOZE_QUOTE), chat_type="private", user_id=1, chat_id=1,
                          at=NOW - dt.timedelta(minutes=1))
    assert raw_rows(store.path, "SELECT nearby FROM questions ORDER BY id") == [
        ("nee-zeggen",), ("klachten",), ("nee-zeggen",), (None,), (None,)]
    groups = store.unanswered(1, now=NOW)
    assert [(g.representative, g.count, g.nearby) for g in groups] == [
        ("Wat is het weer morgen?", 1, None),
        ("Mag ik klanten weigeren??", 3, "nee-zeggen"),  # the article named most often in the group
    ]


# ---------------------------------------------------------------------------------------------------------------
# Privacy


def test_ids_are_never_stored_in_clear(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    opened = UsageStore.open(folder / "usage.sqlite3", KEY, retention_days=3650)
    fill_known(opened)
    hashed = opened.hash(USER_A)
    opened.record_question(question="q", answer=unanswered(""), chat_type="group", user_id=USER_B,
                           chat_id=-1001234567890, at=NOW)
    # Read while the connection is open too: the WAL file holds recent writes before a checkpoint.
    raw_open = b"".join(p.read_bytes() for p in folder.iterdir())
    opened.close()
    raw_closed = b"".join(p.read_bytes() for p in folder.iterdir())
    for raw in (raw_open, raw_closed):
        for secret in (USER_A, USER_B, USER_C, USER_D, CHAT_A, -1001234567890, 1001234567890):
            assert str(secret).encode() not in raw
        assert hashed is not None and hashed.encode() in raw  # the hash is what is stored instead


def test_same_id_hashes_the_same_with_the_same_key_only() -> None:
    assert hash_id(KEY, USER_A) == hash_id(KEY, USER_A)
    assert len(hash_id(KEY, USER_A) or "") == 16
    assert all(c in "0123456789abcdef" for c in hash_id(KEY, USER_A) or "x")
    assert hash_id(KEY, USER_A) != hash_id(b"another key", USER_A)
    assert hash_id(KEY, USER_A) != hash_id(KEY, USER_B)
    assert hash_id(KEY, None) is None


def test_key_file_is_created_once_with_mode_0600(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    db = tmp_path / "data" / "usage.sqlite3"
    first = load_hash_key(db)
    key_file = tmp_path / "data" / KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) == 32
    assert load_hash_key(db) == first  # stable across restarts
    monkeypatch.setenv(KEY_ENV, "from the environment")
    assert load_hash_key(db) == b"from the environment"


def test_damaged_key_file_is_moved_aside_and_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    (tmp_path / KEY_FILE).write_text("not a key\n")
    key = load_hash_key(tmp_path / "usage.sqlite3")
    assert len(key) == 32
    aside = [p for p in tmp_path.iterdir() if p.name.startswith(KEY_FILE + ".corrupt-")]
    assert len(aside) == 1 and aside[0].read_text() == "not a key\n"


def test_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    assert UsageStore.from_settings(UsageSettings(enabled=False), tmp_path) is None
    opened = UsageStore.from_settings(UsageSettings(), tmp_path)
    assert opened is not None
    assert opened.path == tmp_path / "data" / "usage.sqlite3"
    user_hash = opened.hash(USER_A)
    opened.close()
    assert (tmp_path / "data" / "usage.sqlite3").is_file()
    assert stat.S_IMODE((tmp_path / "data" / KEY_FILE).stat().st_mode) == 0o600
    again = UsageStore.from_settings(UsageSettings(), tmp_path)
    assert again is not None and again.hash(USER_A) == user_hash  # the key survived the restart
    again.close()


# ---------------------------------------------------------------------------------------------------------------
# Retention and damaged files


def test_purge_removes_rows_older_than_retention(tmp_path: Path) -> None:
    path = tmp_path / "u.sqlite3"
    opened = UsageStore.open(path, KEY, retention_days=30)
    for days_ago in (40, 31, 29, 1):
        when = NOW - dt.timedelta(days=days_ago)
        qid = opened.record_question(question=f"{days_ago} dagen", answer=unanswered(""), chat_type="private",
                                     user_id=1, chat_id=1, at=when)
        opened.record_feedback(question_id=qid, vote=-1, question="q", article="a", quote="x", chat_type="private",
                               user_id=1, chat_id=1, at=when)
    assert opened.purge(now=NOW) == 4  # two questions and their two votes
    assert raw_rows(path, "SELECT question FROM questions ORDER BY at") == [("29 dagen",), ("1 dagen",)]
    assert raw_rows(path, "SELECT COUNT(*) FROM feedback") == [(2,)]
    assert opened.purge(now=NOW) == 0
    opened.close()


def test_open_applies_retention(tmp_path: Path) -> None:
    path = tmp_path / "u.sqlite3"
    opened = UsageStore.open(path, KEY, retention_days=3650)
    opened.record_question(question="oud", answer=unanswered(""), chat_type="private", user_id=1, chat_id=1,
                           at=dt.datetime.now(UTC) - dt.timedelta(days=10))
    opened.record_question(question="nieuw", answer=unanswered(""), chat_type="private", user_id=1, chat_id=1)
    opened.close()
    UsageStore.open(path, KEY, retention_days=5).close()
    assert raw_rows(path, "SELECT question FROM questions") == [("nieuw",)]


def _aside_files(folder: Path, name: str) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(name + ".corrupt-"))


def test_random_bytes_are_moved_aside_and_a_fresh_database_works(tmp_path: Path,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "usage.sqlite3"
    garbage = os.urandom(8192)
    path.write_bytes(garbage)
    opened = UsageStore.open(path, KEY, retention_days=3650)
    qid = opened.record_question(question="werkt het?", answer=unanswered(""), chat_type="private", user_id=1,
                                 chat_id=1, at=NOW)
    assert qid == 1
    assert opened.today(now=NOW) == (1, 0.0)
    opened.close()
    aside = _aside_files(tmp_path, "usage.sqlite3")
    assert len(aside) == 1
    assert aside[0].read_bytes() == garbage  # kept for the operator, never deleted
    assert aside[0].name.startswith("usage.sqlite3.corrupt-20") and aside[0].name.endswith("Z")
    assert any("moved aside" in r.message for r in caplog.records if r.levelname == "WARNING")


def test_truncated_database_is_moved_aside_and_its_first_half_salvaged(tmp_path: Path) -> None:
    path = tmp_path / "usage.sqlite3"
    opened = UsageStore.open(path, KEY, retention_days=3650)
    for i in range(2000):
        opened.record_question(question=f"vraag nummer {i} " * 8, answer=unanswered(""), chat_type="private",
                               user_id=i, chat_id=i, at=NOW)
    opened.close()
    data = path.read_bytes()
    assert len(data) > 100_000
    path.write_bytes(data[: len(data) // 2])
    reopened = UsageStore.open(path, KEY, retention_days=3650)
    salvaged = reopened.today(now=NOW)[0]
    assert 500 < salvaged < 2000  # a fresh database with the rows of the half that is still there
    reopened.record_question(question="na herstel", answer=unanswered(""), chat_type="private", user_id=1,
                             chat_id=1, at=NOW)
    assert reopened.today(now=NOW) == (salvaged + 1, 0.0)
    reopened.close()
    aside = _aside_files(tmp_path, "usage.sqlite3")
    assert [p.stat().st_size for p in aside] == [len(data) // 2]


def test_empty_file_is_a_valid_empty_database(tmp_path: Path) -> None:
    path = tmp_path / "usage.sqlite3"
    path.write_bytes(b"")
    UsageStore.open(path, KEY, retention_days=3650).close()
    assert _aside_files(tmp_path, "usage.sqlite3") == []


# ---------------------------------------------------------------------------------------------------------------
# Figures on the known data set


def test_today(known: UsageStore) -> None:
    asked, share = known.today(now=NOW)
    assert asked == 3
    assert share == pytest.approx(2 / 3)
    assert known.today(now=at(5, 9, 23)) == (1, 0.0)
    assert known.today(now=at(5, 5, 12)) == (0, 0.0)


def test_per_day_includes_empty_days_oldest_first(known: UsageStore) -> None:
    days = known.per_day(7, now=NOW)
    assert days == [
        DayStat(dt.date(2024, 5, 4), 0, 0, 0.0),
        DayStat(dt.date(2024, 5, 5), 0, 0, 0.0),
        DayStat(dt.date(2024, 5, 6), 1, 0, 0.0),
        DayStat(dt.date(2024, 5, 7), 1, 0, 0.0),
        DayStat(dt.date(2024, 5, 8), 2, 1, 0.5),
        DayStat(dt.date(2024, 5, 9), 1, 0, 0.0),
        DayStat(dt.date(2024, 5, 10), 3, 2, pytest.approx(2 / 3)),
    ]
    month = known.per_day(30, now=NOW)
    assert len(month) == 30 and month[0].day == dt.date(2024, 4, 11)
    assert sum(d.asked for d in month) == 10  # the 1 April question is outside the window
    assert sum(d.answered for d in month) == 4


def test_unanswered_groups_similar_questions(known: UsageStore) -> None:
    groups = known.unanswered(30, now=NOW)
    assert [(g.representative, g.count, g.last_asked) for g in groups] == [
        (SCRIPT_QUESTION, 3, at(5, 10, 10)),
        ("Mag ik klanten weigeren?", 2, at(5, 9, 15)),
        ("Wat is het weer morgen?", 1, at(5, 3, 12)),
    ]
    # "wat kost een abonnement?" differs from "Wat kost een abonnement?" only in case: one example, not two.
    assert groups[0].examples == (SCRIPT_QUESTION, "Wat kost een abonnement?")
    assert groups[1].examples == ("Mag ik klanten weigeren?", "klant weigeren, mag dat?")
    assert known.unanswered(30, limit=1, now=NOW) == groups[:1]
    assert "Oude vraag over belasting" in [g.representative for g in known.unanswered(60, now=NOW)]


def test_unanswered_grouping_folds_accents_and_punctuation(store: UsageStore) -> None:
    for i, text in enumerate(["Wat is een creëerde waarde?", "wat is een creeerde waarde!!", "?!", "...",
                              "Hoe?", "hoe"]):
        store.record_question(question=text, answer=unanswered(""), chat_type="private", user_id=1, chat_id=1,
                              at=NOW - dt.timedelta(minutes=10 - i))
    groups = store.unanswered(1, now=NOW)
    assert [(g.representative, g.count) for g in groups] == [
        ("hoe", 2),
        ("...", 2),  # questions without a single word end up together rather than one group each
        ("wat is een creeerde waarde!!", 2),
    ]


def test_disliked_passages(known: UsageStore) -> None:
    assert known.disliked(30, now=NOW) == [
        PassageVotes("boze-klant", BOZE_QUOTE, down=2, up=0),
        PassageVotes("opportunist", OPPORTUNIST_QUOTE, down=1, up=1),
    ]
    assert known.disliked(30, limit=1, now=NOW) == [PassageVotes("boze-klant", BOZE_QUOTE, 2, 0)]
    # On 10 May alone user B's 👎 (8 May) is outside the window.
    assert known.disliked(1, now=NOW)[0] == PassageVotes("boze-klant", BOZE_QUOTE, 1, 0)
    assert known.feedback_totals(30, now=NOW) == (1, 3)


def test_top_articles(known: UsageStore) -> None:
    assert known.top_articles(30, now=NOW) == [("boze-klant", 3), ("opportunist", 1)]
    assert known.top_articles(7, now=NOW) == [("boze-klant", 2), ("opportunist", 1)]
    assert known.top_articles(30, limit=1, now=NOW) == [("boze-klant", 3)]


def test_windows_reject_zero_days(known: UsageStore) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        known.per_day(0, now=NOW)


# ---------------------------------------------------------------------------------------------------------------
# Settings


def test_missing_settings_file_means_defaults(tmp_path: Path) -> None:
    assert load_usage_settings(tmp_path) == (UsageSettings(), [])


def test_repository_settings_file_is_valid() -> None:
    settings, problems = load_usage_settings(CONFIG)
    assert problems == []
    assert settings == UsageSettings(enabled=True, path="data/usage.sqlite3", retention_days=180,
                                     store_question_text=True)


def test_settings_are_read(tmp_path: Path) -> None:
    (tmp_path / "usage.yaml").write_text("enabled: false\npath: stats/u.db\nretention_days: 30\n"
                                         "store_question_text: false\n")
    settings, problems = load_usage_settings(tmp_path)
    assert problems == []
    assert settings == UsageSettings(enabled=False, path="stats/u.db", retention_days=30, store_question_text=False)
    assert settings.resolved_path(Path("/srv/bot")) == Path("/srv/bot/stats/u.db")
    assert UsageSettings(path="/var/lib/u.db").resolved_path(Path("/srv/bot")) == Path("/var/lib/u.db")


def test_bad_values_name_the_key_and_keep_the_default(tmp_path: Path) -> None:
    (tmp_path / "usage.yaml").write_text("# comment\nretention_days: 0\nenabled: \"yes\"\npath: ''\n"
                                         "store_question_text: 1\n")
    settings, problems = load_usage_settings(tmp_path)
    assert settings == UsageSettings()
    messages = {p.line: p.message for p in problems}
    assert all(p.severity == "error" for p in problems)
    assert "'retention_days' is 0; expected a whole number from 1 to 3650" in messages[2]
    assert "'enabled' is 'yes'; expected true or false" in messages[3]
    assert "'path'" in messages[4] and "file path" in messages[4]
    assert "'store_question_text' is 1; expected true or false" in messages[5]
    assert str(problems[0]).startswith(f"{tmp_path / 'usage.yaml'}:2: error:")


def test_unknown_key_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "usage.yaml").write_text("retention_days: 90\nretention: 30\n")
    settings, problems = load_usage_settings(tmp_path)
    assert settings.retention_days == 90
    assert len(problems) == 1
    assert problems[0].severity == "warning" and problems[0].line == 2
    assert "unknown key 'retention'" in problems[0].message and "retention_days" in problems[0].message


def test_malformed_settings_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "usage.yaml").write_text("enabled: [true\n")
    settings, problems = load_usage_settings(tmp_path)
    assert settings == UsageSettings()
    assert len(problems) == 1 and "malformed YAML" in problems[0].message


def _damage_pages(path: Path, every: int, first: int = 3) -> int:
    """Overwrite every `every`-th page from page `first` on with random bytes, as a failing disk or a stray writer
    would; returns how many pages."""
    size = path.stat().st_size
    damaged = 0
    with path.open("r+b") as file:
        for page in range(first, size // 4096, every):
            file.seek(page * 4096)
            file.write(os.urandom(4096))
            damaged += 1
    return damaged


def test_a_database_damaged_while_running_is_repaired_at_the_next_write_and_keeps_its_readable_rows(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """It used to take writes into SQLite's page cache with no error until the next start, which then moved the whole
    file aside and began empty, although most rows could still be read."""
    path = tmp_path / "usage.sqlite3"
    store = UsageStore.open(path, KEY, retention_days=3650)
    for i in range(3000):
        store.record_question(question=f"vraag nummer {i} " * 4, answer=unanswered(""), chat_type="private",
                              user_id=i, chat_id=i, at=NOW)
    store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the rows are in the file, not only in its WAL
    assert _damage_pages(path, every=10) >= 10
    qid = store.record_question(question="na de schade", answer=unanswered(""), chat_type="private", user_id=1,
                                chat_id=1, at=NOW)  # no exception: repaired, then written
    asked, _ = store.today(now=NOW)
    assert 0.7 * 3000 < asked - 1 < 3000, f"{asked - 1} of 3000 rows salvaged"
    assert qid > 3000  # ids are kept, so a vote still points at its question
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any("is damaged" in e and "salvaging" in e for e in errors), errors
    assert len(_aside_files(tmp_path, "usage.sqlite3")) == 1  # the damaged file is kept beside the fresh one
    store.close()
    reopened = UsageStore.open(path, KEY, retention_days=3650)  # the repaired file is whole
    assert reopened.today(now=NOW) == (asked, 0.0)
    reopened.close()
    print(f"salvaged {asked - 1} of 3000 rows")
