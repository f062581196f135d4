"""Scores, first cut: answers, accuracy, today's work, the study streak, and what is due.

Every answer counts, practice (cram) answers included. A study day starts at `day_starts_at` local
time; the streak is the run of consecutive study days with at least one answer, ending today, or
yesterday while today has none yet (so a streak does not break before the day is over).
"""

from __future__ import annotations

import sqlite3

from quiz.study.clock import day_start

_MAX_STREAK_DAYS = 36_500


def compute(conn: sqlite3.Connection, now: int, day_starts_at: int = 4, deck: str | None = None) -> dict:
    """Scores over every deck, or one (by name). Times in unix ms."""
    decks = dict(conn.execute("SELECT id, name FROM decks" + (" WHERE name = ?" if deck else "") + " ORDER BY name",
                              (deck,) if deck else ()).fetchall())
    if deck and not decks:
        raise KeyError(deck)
    today = day_start(now, day_starts_at)
    tomorrow = day_start(now, day_starts_at, days=1)
    only = " AND deck = ?" if deck else ""
    params = tuple(decks) if deck else ()

    answers = {key: (n, right) for key, n, right in conn.execute(
        f"SELECT deck, count(*), sum(correct) FROM reviews WHERE 1{only} GROUP BY deck", params)}
    today_counts = dict(conn.execute(
        f"SELECT deck, count(*) FROM reviews WHERE at >= ?{only} GROUP BY deck", (today, *params)).fetchall())
    due = {key: (now_due, today_due) for key, now_due, today_due in conn.execute(
        f"SELECT deck, sum(due <= ?), sum(due < ?) FROM items WHERE status = 'active' AND state != 0{only} "
        "GROUP BY deck", (now, tomorrow, *params))}

    rows = []
    for key, name in decks.items():
        n, right = answers.get(key, (0, 0))
        now_due, today_due = due.get(key, (0, 0))
        rows.append({"deck": name, "reviews": n, "correct": right or 0, "accuracy": _ratio(right or 0, n),
                     "reviews_today": today_counts.get(key, 0), "due": now_due or 0, "due_today": today_due or 0})
    reviews = sum(r["reviews"] for r in rows)
    correct = sum(r["correct"] for r in rows)
    return {
        "reviews": reviews, "correct": correct, "accuracy": _ratio(correct, reviews),
        "reviews_today": sum(r["reviews_today"] for r in rows),
        "streak_days": streak(conn, now, day_starts_at, next(iter(decks), None) if deck else None),
        "due": sum(r["due"] for r in rows), "due_today": sum(r["due_today"] for r in rows), "decks": rows,
    }


def streak(conn: sqlite3.Connection, now: int, day_starts_at: int = 4, deck: int | None = None) -> int:
    """Consecutive study days with an answer, up to today (or yesterday). One key lookup per day."""
    only = " AND deck = ?" if deck is not None else ""
    extra = (deck,) if deck is not None else ()

    def studied(offset: int) -> bool:
        start, end = day_start(now, day_starts_at, offset), day_start(now, day_starts_at, offset + 1)
        row = conn.execute(f"SELECT 1 FROM reviews WHERE at >= ? AND at < ?{only} LIMIT 1", (start, end, *extra))
        return row.fetchone() is not None

    offset = 0 if studied(0) else -1
    days = 0
    while days < _MAX_STREAK_DAYS and studied(offset):
        days += 1
        offset -= 1
    return days


def by_day(conn: sqlite3.Connection, now: int, days: int, day_starts_at: int = 4,
           deck: int | None = None) -> list[dict]:
    """Answers on each of the last `days` study days (today last): {"day": ISO date, "reviews", "correct"}."""
    from datetime import datetime

    only = " AND deck = ?" if deck is not None else ""
    out = []
    for offset in range(1 - days, 1):
        start, end = day_start(now, day_starts_at, offset), day_start(now, day_starts_at, offset + 1)
        reviews, correct = conn.execute(f"SELECT count(*), sum(correct) FROM reviews WHERE at >= ? AND at < ?{only}",
                                        (start, end, *((deck,) if deck is not None else ()))).fetchone()
        out.append({"day": datetime.fromtimestamp(start / 1000).date().isoformat(), "reviews": reviews,
                    "correct": correct or 0})
    return out


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
