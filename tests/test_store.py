"""The SQLite store: opening safely, the schema and its migrations, the append-only log, deck sync."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from quiz.store import schema
from quiz.store.database import StoreError, open_database, transaction
from quiz.store.decks import counts, load_model, register, stored_deck

NOW = 1_750_000_000_000


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "quiz.db")
    yield database
    database.conn.close()


def test_a_new_database_is_created_with_the_schema_and_pragmas(tmp_path):
    database = open_database(tmp_path / "quiz.db")
    conn = database.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    assert {"decks", "items", "reviews"} <= set(database.table_names())
    database.conn.close()
    # Opening again changes nothing and needs no backup.
    open_database(tmp_path / "quiz.db").conn.close()
    assert not list(tmp_path.glob("*.backup*"))


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"my precious notes\n" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a quiz database"):
        open_database(path)
    assert path.read_bytes() == before
    assert not (tmp_path / "notes.db-wal").exists()


def test_another_programs_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE bookmarks (url TEXT)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not quiz's"):
        open_database(path)
    assert path.read_bytes() == before


def test_a_corrupt_database_gets_a_one_line_error(tmp_path):
    path = tmp_path / "quiz.db"
    open_database(path).conn.close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # page 1 after the header: the schema
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(StoreError) as error:
        open_database(path)
    assert "\n" not in str(error.value)
    assert "damaged" in str(error.value)
    assert path.read_bytes() == before


def test_a_database_from_a_newer_quiz_is_refused(tmp_path):
    path = tmp_path / "quiz.db"
    open_database(path).conn.close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer quiz"):
        open_database(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_read_only_file_and_folder_are_refused(tmp_path):
    path = tmp_path / "quiz.db"
    open_database(path).conn.close()
    path.chmod(stat.S_IRUSR)
    try:
        with pytest.raises(StoreError, match="read-only"):
            open_database(path)
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(StoreError, match="read-only"):
            open_database(folder / "quiz.db")
    finally:
        folder.chmod(stat.S_IRWXU)


def test_a_missing_folder_is_an_error_unless_it_is_the_default(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        open_database(tmp_path / "typo" / "quiz.db")
    assert not (tmp_path / "typo").exists()
    open_database(tmp_path / "data" / "quiz.db", create_folder=True).conn.close()
    assert (tmp_path / "data" / "quiz.db").exists()


def test_migrating_backs_the_file_up_first(tmp_path, monkeypatch):
    path = tmp_path / "quiz.db"
    database = open_database(path)
    database.conn.execute("INSERT INTO decks (name, title, languages, origin, format, source, source_hash, "
                          "added_at, updated_at) VALUES ('d', '\"D\"', '[]', 'file', 'yaml', '', 'h', 0, 0)")
    database.conn.close()
    from quiz.store import database as database_module

    migrations = [*schema.MIGRATIONS, ["ALTER TABLE decks ADD COLUMN colour TEXT"]]
    monkeypatch.setattr(database_module, "MIGRATIONS", migrations)
    monkeypatch.setattr(database_module, "SCHEMA_VERSION", len(migrations))
    database = open_database(path)
    assert database.conn.execute("PRAGMA user_version").fetchone()[0] == len(migrations)
    assert "colour" in database["decks"].columns_dict
    database.conn.close()
    (backup,) = tmp_path.glob(f"quiz.db.v{schema.SCHEMA_VERSION}.backup")
    old = sqlite3.connect(backup)
    assert old.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert old.execute("SELECT name FROM decks").fetchall() == [("d",)]
    assert "colour" not in [row[1] for row in old.execute("PRAGMA table_info(decks)")]
    old.close()


def test_a_failed_migration_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "quiz.db"
    open_database(path).conn.close()
    from quiz.store import database as database_module

    migrations = [*schema.MIGRATIONS, ["ALTER TABLE decks ADD COLUMN colour TEXT", "THIS IS NOT SQL"]]
    monkeypatch.setattr(database_module, "MIGRATIONS", migrations)
    monkeypatch.setattr(database_module, "SCHEMA_VERSION", len(migrations))
    with pytest.raises(StoreError):
        open_database(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert "colour" not in [row[1] for row in conn.execute("PRAGMA table_info(decks)")]
    conn.close()


# -- the review log ---------------------------------------------------------------------------
def _one_item(db, mini_path) -> tuple[int, int]:
    register(db, mini_path.read_text(), origin="file", path=str(mini_path), now_ms=NOW)
    return db.conn.execute("SELECT id, deck FROM items ORDER BY id LIMIT 1").fetchone()


def test_the_review_log_is_append_only(db, mini_path):
    from quiz.store.reviews import Review, append, next_time, remove_newest

    item, deck = _one_item(db, mini_path)
    with transaction(db) as conn:
        for _ in range(2):
            append(conn, Review(next_time(conn, NOW), item, deck, "mcq", "en", 0, 3, True, "A", 1000))
    (first,), (second,) = db.conn.execute("SELECT at FROM reviews ORDER BY at").fetchall()
    assert second == first + 1  # a clash moves 1 ms later
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.conn.execute("UPDATE reviews SET rating = 4")
    assert not remove_newest(db.conn, first, item)  # not the newest answer to that question
    assert remove_newest(db.conn, second, item)
    assert db.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1


def test_the_log_refuses_answers_to_unknown_items(db, mini_path):
    from quiz.store.reviews import Review, append

    _, deck = _one_item(db, mini_path)
    with pytest.raises(sqlite3.IntegrityError), transaction(db) as conn:
        append(conn, Review(NOW, 999_999, deck, "mcq", "en", 0, 3, True, "A", 1000))


# -- decks and items --------------------------------------------------------------------------
def test_registering_a_deck_stores_its_items_and_its_text(db, mini_path, mini_deck):
    from quiz.questions.generator import generate

    report = register(db, mini_path.read_text(), origin="file", path=str(mini_path), now_ms=NOW)
    # Every fact question; of a card, one item (its flashcard): how it is asked is chosen when shown.
    expected = {q.id for lang in ("en", "id") for q in generate(mini_deck, lang=lang)
                if not q.template.startswith("card.") or q.template == "card.flashcard"}
    assert len(expected) < len({q.id for q in generate(mini_deck)})  # the card's multiple choice is not an item
    stored = {row[0] for row in db.conn.execute("SELECT qid FROM items")}
    assert report.added == len(expected) and stored == expected
    # The deck is rebuilt from the database alone.
    deck = load_model(db.conn, "mini")
    assert deck.id == "mini" and len(deck.facts) == len(mini_deck.facts)
    assert stored_deck(db.conn, "mini").languages == ("en", "id")
    again = register(db, mini_path.read_text(), origin="file", path=str(mini_path), now_ms=NOW)
    assert again.skipped


def test_a_changed_deck_keeps_progress_adds_new_and_retires_vanished_questions(db, mini_path):
    text = mini_path.read_text()
    register(db, text, origin="file", path="mini.yaml", now_ms=NOW)
    conn = db.conn
    founded = {qid for (qid,) in conn.execute("SELECT qid FROM items WHERE facts LIKE '%csto_2002%'")}
    assert founded
    conn.execute("UPDATE items SET state = 2, stability = 5.0, answers = 3 WHERE facts = '[\"armenia_csto\"]'")
    kept = dict(conn.execute("SELECT qid, answers FROM items WHERE answers = 3").fetchall())

    # Drop the founding-year fact, add a new card.
    lines = [line for line in text.splitlines(keepends=True) if "csto_2002" not in line and "dates from" not in line]
    changed = "".join(lines) + '  - {front: "New question?", back: "New answer"}\n'
    report = register(db, changed, origin="file", path="mini.yaml", now_ms=NOW + 1)
    assert report.retired == len(founded)
    assert report.added >= 1
    status = dict(conn.execute("SELECT qid, status FROM items").fetchall())
    assert all(status[qid] == "retired" for qid in founded)
    assert dict(conn.execute("SELECT qid, answers FROM items WHERE answers = 3").fetchall()) == kept

    # The fact comes back: its questions are active again, none duplicated.
    restored = register(db, text, origin="file", path="mini.yaml", now_ms=NOW + 2)
    assert restored.restored == len(founded)
    status = dict(conn.execute("SELECT qid, status FROM items").fetchall())
    assert {status[qid] for qid in founded} == {"active"}


def test_counts_per_deck(db, mini_path):
    register(db, mini_path.read_text(), origin="file", path="mini.yaml", now_ms=NOW)
    conn = db.conn
    ids = [row[0] for row in conn.execute("SELECT id FROM items ORDER BY id")]
    conn.execute("UPDATE items SET state = 1, due = ?, last_review = ? WHERE id = ?", (NOW - 1, NOW - 60_000, ids[0]))
    conn.execute("UPDATE items SET state = 2, due = ?, last_review = ? WHERE id = ?", (NOW + 10**9, NOW - 1, ids[1]))
    conn.execute("UPDATE items SET state = 2, due = ?, last_review = ? WHERE id = ?", (NOW - 5, NOW - 9, ids[2]))
    conn.execute("UPDATE items SET status = 'suspended' WHERE id = ?", (ids[3],))
    conn.execute("UPDATE items SET status = 'retired' WHERE id = ?", (ids[4],))
    (numbers,) = counts(conn, NOW).values()
    assert numbers == {"new": len(ids) - 5, "learning": 1, "due": 2, "review": 2, "suspended": 1, "retired": 1,
                       "total": len(ids) - 1, "last_review": NOW - 1}


def test_a_read_only_location_is_refused_even_for_root(tmp_path, monkeypatch):
    # Root ignores permission bits; pretend the folder is on a read-only mount.
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    with pytest.raises(StoreError, match="read-only"):
        open_database(tmp_path / "quiz.db")
    assert not (tmp_path / "quiz.db").exists()


def test_checkpoints_run_off_the_answer_path_and_empty_the_wal(tmp_path):
    import time

    from quiz.store.checkpoints import Checkpointer

    path = tmp_path / "quiz.db"
    database = open_database(path)
    conn = database.conn
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE t (x BLOB)")
    checkpoints = Checkpointer(path, every=10)
    for _ in range(9):
        with transaction(database):
            conn.execute("INSERT INTO t VALUES (randomblob(8000))")
        checkpoints.committed()
    assert checkpoints._thread is None  # not yet: nothing runs before `every` commits
    assert path.stat().st_size < 8000  # everything is still in the WAL
    with transaction(database):
        conn.execute("INSERT INTO t VALUES (randomblob(8000))")
    checkpoints.committed()
    # The checkpoint copies the pages from the WAL into the database file, which grows.
    deadline = time.monotonic() + 10
    while path.stat().st_size < 10 * 8000 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert path.stat().st_size >= 10 * 8000
    checkpoints.close()
    assert checkpoints._thread is None
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] >= 10
    conn.close()
