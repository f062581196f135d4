"""The review log: one row per answer, appended in the same transaction as the item's new state.

Append-only (triggers in schema.py refuse updates): the only removal is undo, and only of the
newest answer to a question. Each row is keyed by its time in unix ms, made unique by moving a
clash 1 ms later, and kept increasing even if the clock steps back, so the log is in time order
and "today's answers" is a range scan of the primary key. The review's time is also the time FSRS
was given, so replaying the log reproduces the stored state exactly.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, dataclass

_COLUMNS = ("at", "item", "deck", "kind", "lang", "type", "rating", "correct", "answer", "ms")
MAX_MS = 3_600_000  # an answer's time as logged is at most an hour (a learner who walked away)


@dataclass(frozen=True, slots=True)
class Review:
    """One entry of the review log: an answer to one item."""

    at: int  # unix ms, UTC
    item: int
    deck: int
    kind: str
    lang: str
    type: int  # the item's state before the answer (0 new ... 3 relearning), or 4 for practice
    rating: int  # 1 Again, 2 Hard, 3 Good, 4 Easy
    correct: bool
    answer: str | None  # the option(s) chosen (one per line), the text typed, None for a flashcard
    ms: int  # response time

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Review:
        return cls(**{key: data[key] for key in cls.__dataclass_fields__})


def next_time(conn: sqlite3.Connection, now_ms: int) -> int:
    """The key for an answer given at `now_ms`: later than every entry so far. Call in a transaction."""
    newest = conn.execute("SELECT max(at) FROM reviews").fetchone()[0]
    return now_ms if newest is None or now_ms > newest else newest + 1


def append(conn: sqlite3.Connection, review: Review) -> None:
    values = (review.at, review.item, review.deck, review.kind, review.lang, review.type, review.rating,
              int(review.correct), review.answer, review.ms)
    conn.execute(f"INSERT INTO reviews ({', '.join(_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)


def append_many(conn: sqlite3.Connection, rows: list[tuple]) -> None:
    """Append entries given as tuples of _COLUMNS' values (an import's thousands, in one statement)."""
    conn.executemany(f"INSERT INTO reviews ({', '.join(_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def remove_newest(conn: sqlite3.Connection, at: int, item: int) -> bool:
    """Remove the entry at `at` for `item` (undo). False if it is gone or is not that item's newest."""
    try:
        cursor = conn.execute("DELETE FROM reviews WHERE at = ? AND item = ?", (at, item))
    except sqlite3.IntegrityError:
        return False
    return cursor.rowcount == 1


def entries(conn: sqlite3.Connection, item: int | None = None, since: int | None = None) -> Iterator[Review]:
    """The log in time order, for one item or all, from `since` (unix ms) on."""
    where, params = [], []
    if item is not None:
        where.append("item = ?")
        params.append(item)
    if since is not None:
        where.append("at >= ?")
        params.append(since)
    sql = f"SELECT {', '.join(_COLUMNS)} FROM reviews"
    if where:
        sql += " WHERE " + " AND ".join(where)
    for row in conn.execute(sql + " ORDER BY at", params):
        yield Review(*row[:7], bool(row[7]), *row[8:])


def item_logs(conn: sqlite3.Connection, where: str, params: tuple = (), only=None) -> dict[int, list[Review]]:
    """Each item's log in time order, from one pass over the entries matching `where` (SQL on the
    reviews table): the log has no index on items, so asking item by item would scan it once per
    item. `only`: keep just these items' entries."""
    logs: dict[int, list[Review]] = {}
    for row in conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM reviews WHERE {where} ORDER BY at", params):
        if only is None or row[1] in only:
            logs.setdefault(row[1], []).append(Review(*row[:7], bool(row[7]), *row[8:]))
    return logs
