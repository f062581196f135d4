"""Opening the database: checks first, then pragmas, then migrations (with a backup).

A file that is not SQLite, a SQLite file that is not quiz's, a corrupt file, a database written by
a newer quiz, or a location quiz cannot write to gets a StoreError with a one-line message, and the
file is left exactly as it was. Every write goes through `transaction()`: BEGIN IMMEDIATE takes the
write lock up front, so two processes queue on the busy timeout instead of failing with "database
is locked" when a read turns into a write.

Durability: WAL with synchronous=NORMAL. A committed answer survives the process being killed at
any moment; after a power cut the last few commits may be lost, never the file's integrity.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_S = 10.0
_SQLITE_HEADER = b"SQLite format 3\x00"


class StoreError(Exception):
    """The database cannot be used; the message is one line, fit to show the user."""


class Database:
    """The open database: `conn` is a plain sqlite3 connection in autocommit mode (write through
    `transaction()`). sqlite_utils costs ~80 ms to import (dateutil), so the hot path never uses
    it; `utils()` gives a sqlite_utils.Database on the same connection where one is really wanted."""

    __slots__ = ("_utils", "conn")

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._utils = None

    def utils(self) -> sqlite_utils.Database:
        if self._utils is None:
            import sqlite_utils

            self._utils = sqlite_utils.Database(self.conn, execute_plugins=False)
        return self._utils

    def table_names(self) -> list[str]:
        return [row[0] for row in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]

    def __getitem__(self, table: str):
        """db["table"], as sqlite_utils has it (imports sqlite_utils)."""
        return self.utils()[table]

    def close(self) -> None:
        self.conn.close()


def open_database(path: str | os.PathLike, *, create_folder: bool = False) -> Database:
    """Open (creating or migrating if needed) the quiz database at `path`.

    `create_folder` allows creating the missing parent folder (for the default location only, so
    a mistyped --db does not leave folders behind).
    """
    path = Path(path)
    _check_location(path, create_folder)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as error:
        raise StoreError(f"{path}: cannot open: {error}") from None
    try:
        _prepare(conn, path)
    except sqlite3.DatabaseError as error:
        conn.close()
        raise StoreError(f"{path}: {describe(error)}") from None
    except BaseException:
        conn.close()
        raise
    return Database(conn)


def describe(error: sqlite3.Error) -> str:
    """A one-line account of an SQLite error, in words the user can act on."""
    text = str(error)
    if "file is not a database" in text or "malformed" in text:
        return "the database file is damaged or not a quiz database; it was left untouched"
    if "readonly" in text or "read-only" in text:
        return "cannot write: the database or its folder is read-only"
    if "unable to open" in text:
        return "cannot open the database file (check the folder exists and is writable)"
    if "locked" in text or "busy" in text:
        return "the database is busy in another program; try again"
    return f"database error: {text}"


@contextmanager
def transaction(db: Database) -> Iterator[sqlite3.Connection]:
    """One write transaction, committed on leaving the block, rolled back on an exception.

    Inside another transaction it is a savepoint of that one: its work is undone on an exception
    and otherwise committed (or rolled back) with the outer transaction, so an importer can run
    several registrations as one all-or-nothing unit.
    """
    conn = db.conn
    if conn.in_transaction:
        conn.execute("SAVEPOINT quiz_nested")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK TO quiz_nested")
                conn.execute("RELEASE quiz_nested")
            raise
        conn.execute("RELEASE quiz_nested")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _check_location(path: Path, create_folder: bool) -> None:
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a database file")
    folder = path.parent
    if path.exists():
        try:
            with path.open("rb") as file:
                header = file.read(len(_SQLITE_HEADER))
        except OSError as error:
            raise StoreError(f"{path}: cannot read: {error.strerror or error}") from None
        if header and header != _SQLITE_HEADER:
            raise StoreError(f"{path}: not a quiz database (not an SQLite file); it was left untouched")
        if not os.access(path, os.W_OK):
            raise StoreError(f"{path}: the database file is read-only; quiz needs to record your answers")
    elif not folder.exists():
        if not create_folder:
            raise StoreError(f"{path}: the folder {folder} does not exist")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"{path}: cannot create the folder {folder}: {error.strerror or error}") from None
    # WAL keeps two files beside the database, so the folder must be writable as well.
    if not os.access(folder, os.W_OK):
        raise StoreError(f"{path}: the folder {folder} is read-only; quiz needs to write there")


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    # Reading the schema makes SQLite check the header: a damaged file fails here, untouched.
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: written by a newer quiz (database version {version}; this quiz reads up to "
            f"{SCHEMA_VERSION}); upgrade quiz to open it")
    if application_id != APPLICATION_ID:
        has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
        if has_tables or version:
            raise StoreError(f"{path}: an SQLite database, but not quiz's; it was left untouched")
    conn.execute("PRAGMA journal_mode = WAL").fetchone()
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    if version < SCHEMA_VERSION:
        _migrate(conn, path, version)


def _migrate(conn: sqlite3.Connection, path: Path, version: int) -> None:
    if version > 0:
        backup(conn, path, version)
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have migrated while this one waited for the lock.
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        for number in range(current + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[number - 1]:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def backup(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy the database beside itself before a migration: `quiz.db.v1.backup` (then .2, .3...)."""
    target = path.with_name(f"{path.name}.v{version}.backup")
    number = 1
    while target.exists():
        number += 1
        target = path.with_name(f"{path.name}.v{version}.backup.{number}")
    copy = sqlite3.connect(target)
    try:
        conn.backup(copy)
    finally:
        copy.close()
    return target
