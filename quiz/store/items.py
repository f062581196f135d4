"""An item's schedule as stored: its FSRS card, counters and status, read and written whole."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from quiz.model import slots_maker
from quiz.store.schema import ACTIVE, NEW

_COLUMNS = ("state", "step", "stability", "difficulty", "due", "last_review", "answers", "lapses", "status",
            "leech")


@dataclass(frozen=True, slots=True)
class Schedule:
    """Where one item stands. Times are unix milliseconds (UTC); stability is in days."""

    state: int = NEW  # 0 new, 1 learning, 2 review, 3 relearning
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: int | None = None
    last_review: int | None = None
    answers: int = 0  # log entries, practice included
    lapses: int = 0  # reviews answered Again
    status: str = ACTIVE
    leech: bool = False

    @property
    def interval_days(self) -> float | None:
        """The current interval (due minus last review), in days; None before the first review."""
        if self.due is None or self.last_review is None:
            return None
        return (self.due - self.last_review) / 86_400_000

    def card_fields(self) -> tuple:
        """What the review log determines (status and leech are decided beside it)."""
        return (self.state, self.step, self.stability, self.difficulty, self.due, self.last_review, self.answers,
                self.lapses)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Schedule:
        return cls(**{key: data[key] for key in cls.__dataclass_fields__ if key in data})


# Schedule(...) by position, without the frozen __init__ (a queue or an import makes thousands).
make_schedule = slots_maker(Schedule)


def read_schedule(conn: sqlite3.Connection, item: int) -> Schedule:
    row = conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM items WHERE id = ?", (item,)).fetchone()
    if row is None:
        raise KeyError(item)
    return Schedule(*row[:-1], leech=bool(row[-1]))


def read_schedules(conn: sqlite3.Connection, items: list[int]) -> dict[int, Schedule]:
    """read_schedule of many items, asked in batches (items not stored are left out)."""
    schedules = {}
    for start in range(0, len(items), 500):
        batch = items[start:start + 500]
        for key, *values, leech in conn.execute(
                f"SELECT id, {', '.join(_COLUMNS)} FROM items WHERE id IN ({', '.join('?' * len(batch))})", batch):
            schedules[key] = Schedule(*values, leech=bool(leech))
    return schedules


def write_schedule(conn: sqlite3.Connection, item: int, schedule: Schedule) -> None:
    write_schedules(conn, [(item, schedule)])


def write_schedules(conn: sqlite3.Connection, schedules: Iterable[tuple[int, Schedule]]) -> None:
    """write_schedule of many (item, schedule) pairs, in one statement."""
    conn.executemany(f"UPDATE items SET {', '.join(f'{c} = ?' for c in _COLUMNS)} WHERE id = ?",
                     ((*schedule.card_fields(), schedule.status, int(schedule.leech), item)
                      for item, schedule in schedules))
