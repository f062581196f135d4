"""Scores: what the learner did, how well, what comes next, and how honest the schedule is.

`compute()` returns every figure of `quiz stats --json` and the stats screen, over every deck or
one. Answers count practice (cram) answers too; true retention and calibration count only
scheduled answers (see below). A study day starts at `day_starts_at` local time in the learner's
time zone (quiz.stats.days); the streak is the run of consecutive study days with at least one
answer, ending today, or yesterday while today has none yet.

- true retention, as Anki defines it: the pass rate (any grade but Again) of answers given to items
  in review (log type 2; not learning or relearning steps, not practice), split into young and
  mature by the interval the item had (under 21 days: young), for today, yesterday, the last 7, 30
  and 365 days and all time. The interval is FSRS's for the replayed stability and the deck's
  desired retention (quiz/stats/calibration.py).
- counts: new, learning (learning and relearning), young and mature (in review; interval, due minus
  last review, under 21 days or not), suspended, retired.
- calibration: quiz/stats/calibration.py.

The sums over the log come from the ledger (quiz/stats/ledger.py); the rest are queries on the
items' schedule index.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

from quiz.stats import calibration as cal
from quiz.stats.days import iso
from quiz.study.clock import day_start

_MAX_STREAK_DAYS = 36_500
DAY_MS = 86_400_000
FORECAST_DAYS = 30
CALENDAR_DAYS = 365
PERIODS = (("today", 1), ("yesterday", -1), ("week", 7), ("month", 30), ("year", 365), ("all", None))
HARDEST = 10
TOPICS = 100
MATURE_DAYS = 21


def report(library, deck: str | None = None, days: int = CALENDAR_DAYS) -> dict:
    """Every figure for a Library (quiz.study.engine), over every deck or one; raises UnknownDeck."""
    if deck is not None:
        library._stored(deck)
    config = library.config
    return compute(library.db.conn, library.clock(), config.day_starts_at, deck, days=days,
                   desired_retention=config.desired_retention)


def report_today(library) -> dict:
    """Today's figures for a Library, from a few key lookups (no ledger): what the stats screen shows first."""
    config = library.config
    return today(library.db.conn, library.clock(), config.day_starts_at)


def today(conn: sqlite3.Connection, now: int, day_starts_at: int = 4) -> dict:
    """Today's answers, streak and what is due, over every deck: a range of the log's key and the schedule index.

    The keys are those of compute() (and per deck `reviews_today`, `due`, `due_today`); the same values."""
    start, tomorrow = day_start(now, day_starts_at), day_start(now, day_starts_at, 1)
    decks = dict(conn.execute("SELECT id, name FROM decks ORDER BY name").fetchall())
    answered = {key: (n, right or 0, ms or 0) for key, n, right, ms in conn.execute(
        "SELECT deck, count(*), sum(correct), sum(ms) FROM reviews WHERE at >= ? AND at < ? GROUP BY deck",
        (start, tomorrow))}
    due = {key: (now_due or 0, today_due or 0) for key, now_due, today_due in conn.execute(
        "SELECT deck, sum(due <= ?), sum(due < ?) FROM items WHERE status = 'active' AND state != 0 GROUP BY deck",
        (now, tomorrow))}
    rows = [{"deck": name, "reviews_today": answered.get(key, (0,))[0], "due": due.get(key, (0, 0))[0],
             "due_today": due.get(key, (0, 0))[1]} for key, name in decks.items()]
    cells = list(answered.values())
    return {
        "reviews_today": sum(c[0] for c in cells), "correct_today": sum(c[1] for c in cells),
        "time_today_s": round(sum(c[2] for c in cells) / 1000), "streak_days": streak(conn, now, day_starts_at),
        "due": sum(r["due"] for r in rows), "due_today": sum(r["due_today"] for r in rows), "decks": rows,
    }


def ledger_is_warm(library) -> bool:
    """Will report() be quick (the ledger current), or replay the log first (seconds on a long history)?"""
    from quiz.stats.ledger import is_warm

    config = library.config
    return is_warm(library.db.conn, library.clock(), config.day_starts_at, config.desired_retention)


def compute(conn: sqlite3.Connection, now: int, day_starts_at: int = 4, deck: str | None = None, *,
            days: int = CALENDAR_DAYS, desired_retention: float = 0.9) -> dict:
    """Every figure, over every deck or one (by name; KeyError if there is none). Times in unix ms."""
    from quiz.stats.ledger import Ledger, memory_for, open_ledger, topic_sums

    decks = dict(conn.execute("SELECT id, name FROM decks" + (" WHERE name = ?" if deck else "") + " ORDER BY name",
                              (deck,) if deck else ()).fetchall())
    if deck and not decks:
        raise KeyError(deck)
    cache, cutoff, study_days, models = open_ledger(conn, now, day_starts_at, desired_retention)
    only = f" WHERE deck IN ({','.join(map(str, decks))})"
    try:
        recent = Ledger()
        recent.scan(conn, cutoff, None, study_days, lambda items: memory_for(cache, items), models)
        recent_retention = recent.split(models)
        # Summed in SQL where the ledger file can (a few hundred rows back), the open part added in Python.
        daily = _add(cache.execute(f"SELECT day, sum(n), sum(correct), sum(ms) FROM days{only} GROUP BY day"),
                     ((day, *v) for (key, day), v in recent.days.items() if key in decks))
        by_deck = _add(cache.execute(f"SELECT deck, sum(n), sum(correct), sum(ms) FROM days{only} GROUP BY deck"),
                       ((key, *v) for (key, _day), v in recent.days.items() if key in decks))
        grades = _add(cache.execute(f"SELECT rating, sum(n) FROM grades{only} GROUP BY rating"),
                      ((rating, *v) for (key, rating), v in recent.grades.items() if key in decks))
        retention = _add(cache.execute(f"SELECT day, mature, sum(n), sum(passed) FROM retention{only} GROUP BY 1, 2"),
                         ((day, mature, *v) for (key, day, mature), v in recent_retention.items() if key in decks),
                         keys=2)
        recent_topics = {key: v for key, v in topic_sums(cache, recent).items() if key[0] in decks}
        topics = {kind: _topics(cache, only, kind, recent_topics, decks) for kind in ("topic", "entity")}
        calibration = _add(cache.execute(f"SELECT pbin, dg, ig, lg, sum(n), sum(sp), sum(sy), sum(sll) FROM calibration"
                                         f"{only} GROUP BY 1, 2, 3, 4"),
                           ((*key[1:], *v) for key, v in recent.calibration.items() if key[0] in decks), keys=4)
        # Lapses are reviews answered Again (rn - rpass): the closed part's worst, and every item answered since.
        lapses = _add(cache.execute(f"SELECT item, rn - rpass FROM items WHERE rn - rpass > 0 AND deck IN "
                                    f"({','.join(map(str, decks))}) ORDER BY rn - rpass DESC LIMIT {HARDEST}"),
                      ())
        for item, closed in _add(_closed_items(cache, list(recent.items)), ()).items():
            lapses[item] = closed
        for item, v in recent.items.items():
            if recent.item_deck[item] in decks and v[2] > v[3]:
                lapses[item] = [lapses.get(item, [0])[0] + v[2] - v[3]]
    finally:
        cache.close()

    worst = sorted((i for i in lapses if lapses[i][0] > 0), key=lambda i: (-lapses[i][0], i))[:HARDEST]
    today = study_days.today
    tomorrow = day_start(now, day_starts_at, 1)
    today_cell = daily.get(today, [0, 0, 0])
    due = {key: (now_due or 0, today_due or 0) for key, now_due, today_due in conn.execute(
        "SELECT deck, sum(due <= ?), sum(due < ?) FROM items WHERE status = 'active' AND state != 0 GROUP BY deck",
        (now, tomorrow))}
    today_by_deck = defaultdict(int)
    for (key, day), (n, _right, _ms) in recent.days.items():
        if day == today:
            today_by_deck[key] += n
    deck_rows = []
    for key, name in decks.items():
        n, right, ms = by_deck.get(key, (0, 0, 0))
        now_due, today_due = due.get(key, (0, 0))
        deck_rows.append({"deck": name, "reviews": n, "correct": right, "accuracy": _ratio(right, n),
                          "reviews_today": today_by_deck[key], "due": now_due, "due_today": today_due,
                          "time_spent_s": round(ms / 1000)})
    reviews = sum(r["reviews"] for r in deck_rows)
    correct = sum(r["correct"] for r in deck_rows)
    span = max(1, days)
    by_day_rows = []
    for day in range(today - span + 1, today + 1):
        n, right, _ms = daily.get(day, (0, 0, 0))
        by_day_rows.append({"date": iso(day), "reviews": n, "correct": right, "accuracy": _ratio(right, n)})
    return {
        "reviews": reviews, "correct": correct, "accuracy": _ratio(correct, reviews),
        "time_spent_s": round(sum(cell[2] for cell in daily.values()) / 1000),
        "reviews_today": today_cell[0], "correct_today": today_cell[1], "time_today_s": round(today_cell[2] / 1000),
        "streak_days": _streak(daily, today),
        "due": sum(r["due"] for r in deck_rows), "due_today": sum(r["due_today"] for r in deck_rows),
        "by_day": by_day_rows,
        "by_week": _weeks(by_day_rows),
        "grades": {str(rating): grades.get(rating, [0])[0] for rating in range(1, 5)},
        "forecast": _forecast(conn, now, day_starts_at, decks),
        "counts": _counts(conn, decks),
        "true_retention": _true_retention(retention, today),
        "topics": topics["topic"],
        "entities": topics["entity"],
        "leeches": _hardest(conn, decks, _leeches(conn, decks)),
        "most_lapses": _hardest(conn, decks, worst, {item: cell[0] for item, cell in lapses.items()}),
        "calibration": cal.summary((*key, *values) for key, values in calibration.items()),
        "decks": deck_rows,
    }


def _add(closed, recent, keys: int = 1, carry: int = 0) -> dict:
    """Rows of sums (`keys` key columns, `carry` columns kept as they are, then sums): closed plus recent."""
    out: dict = {}
    for source in (closed, recent):
        for row in source:
            key = row[0] if keys == 1 else tuple(row[:keys])
            values = list(row[keys + carry:])
            cell = out.get(key)
            if cell is None:
                out[key] = [*row[keys:keys + carry], *values]
            else:
                for i, value in enumerate(values, carry):
                    cell[i] = (cell[i] or 0) + (value or 0)
    return out


def _streak(daily: dict, today: int) -> int:
    day = today if today in daily else today - 1
    days = 0
    while day in daily and days < _MAX_STREAK_DAYS:
        days += 1
        day -= 1
    return days


def _weeks(by_day_rows: list[dict]) -> list[dict]:
    """Seven-day weeks ending today (the first may be shorter)."""
    out = []
    for end in range(len(by_day_rows), 0, -7):
        chunk = by_day_rows[max(0, end - 7):end]
        n, right = sum(d["reviews"] for d in chunk), sum(d["correct"] for d in chunk)
        out.append({"from": chunk[0]["date"], "to": chunk[-1]["date"], "reviews": n, "correct": right,
                    "accuracy": _ratio(right, n)})
    return out[::-1]


def _forecast(conn, now: int, day_starts_at: int, decks: dict) -> list[dict]:
    """Items due on each of the next 30 study days (today includes everything overdue)."""
    from datetime import datetime

    starts = [day_start(now, day_starts_at, offset) for offset in range(FORECAST_DAYS + 1)]
    starts[0] = -(2**62)  # overdue items are today's
    spans = ",".join(f"({n}, {starts[n]}, {starts[n + 1]})" for n in range(FORECAST_DAYS))
    # One search of the schedule index per day, not a pass over every item.
    counts = dict(conn.execute(
        f"WITH days(n, s, e) AS (VALUES {spans}) SELECT n, count(*) FROM days JOIN items "
        f"ON items.deck IN ({','.join(map(str, decks))}) AND items.status = 'active' AND items.state IN (1, 2, 3) "
        "AND items.due >= days.s AND items.due < days.e GROUP BY n"))
    first = datetime.fromtimestamp(day_start(now, day_starts_at) / 1000).date().toordinal()
    return [{"date": iso(first + n), "due": counts.get(n, 0)} for n in range(FORECAST_DAYS)]


def _counts(conn, decks: dict) -> dict:
    only = ",".join(map(str, decks))
    out = dict.fromkeys(("new", "learning", "young", "mature", "suspended", "retired"), 0)
    for state, n in conn.execute(f"SELECT state, count(*) FROM items WHERE deck IN ({only}) AND status = 'active' "
                                 "AND state IN (0, 1, 3) GROUP BY state"):
        out["new" if state == 0 else "learning"] += n
    for status, n in conn.execute(f"SELECT status, count(*) FROM items WHERE deck IN ({only}) "
                                  "AND status IN ('suspended', 'retired') GROUP BY status"):
        out[status] = n
    mature, review = conn.execute(f"SELECT sum(due - last_review >= ?), count(*) FROM items WHERE deck IN ({only}) "
                                  "AND status = 'active' AND state = 2", (MATURE_DAYS * DAY_MS,)).fetchone()
    out["mature"] = mature or 0
    out["young"] = review - (mature or 0)
    return out


def _true_retention(retention: dict, today: int) -> dict:
    out = {}
    for name, span in PERIODS:
        if span is None:
            first, last = -(10**9), today
        elif span < 0:
            first = last = today + span
        else:
            first, last = today - span + 1, today
        cells = {"young": [0, 0], "mature": [0, 0]}
        for (day, mature), (n, passed) in retention.items():
            if first <= day <= last:
                cell = cells["mature" if mature else "young"]
                cell[0] += n
                cell[1] += passed
        cells["total"] = [cells["young"][0] + cells["mature"][0], cells["young"][1] + cells["mature"][1]]
        out[name] = {group: {"reviews": n, "passed": passed, "retention": _ratio(passed, n)}
                     for group, (n, passed) in cells.items()}
    return out


def _topics(cache, only: str, kind: str, recent: dict, decks: dict) -> list[dict]:
    """Topics (or entities), weakest first (lowest accuracy, then most answers), at most TOPICS of them.

    The closed part's weakest come from SQL; a topic answered since may move, so those are added
    and the whole re-sorted. `deck` is the deck with most answers on it (where practice would start).
    """
    touched = {key for (_deck, what, key, _name) in recent if what == kind}
    merged: dict[str, list] = {}
    sums = "key, name, sum(n), sum(correct), sum(rn), sum(rpass) FROM topics"
    rows = list(cache.execute(f"SELECT {sums}{only} AND kind = ? GROUP BY key "
                              "ORDER BY CAST(sum(correct) AS REAL) / sum(n), sum(n) DESC, key LIMIT ?",
                              (kind, TOPICS + len(touched))))
    marks = ",".join("?" * len(touched))
    if touched:
        rows += cache.execute(f"SELECT {sums}{only} AND kind = ? AND key IN ({marks}) GROUP BY key",
                              (kind, *touched)).fetchall()
    for key, name, *values in rows:
        merged[key] = [name, *values]
    for (_deck, what, key, name), values in recent.items():
        if what == kind:
            cell = merged.setdefault(key, [name, 0, 0, 0, 0])
            for i, value in enumerate(values, 1):
                cell[i] += value
    ordered = sorted((right / n, -n, key) for key, (_name, n, right, _rn, _rp) in merged.items() if n)[:TOPICS]
    out = []
    for _accuracy, _n, key in ordered:
        name, n, right, rn, rpass = merged[key]
        per_deck = dict(cache.execute(f"SELECT deck, n FROM topics{only} AND kind = ? AND key = ?", (kind, key)))
        for (deck, what, other, _name), values in recent.items():
            if what == kind and other == key:
                per_deck[deck] = per_deck.get(deck, 0) + values[0]
        home = max(per_deck, key=lambda d: (per_deck[d], -d))
        out.append({"topic": key, "name": json.loads(name), "reviews": n, "correct": right,
                    "accuracy": _ratio(right, n), "retention": _ratio(rpass, rn), "deck": decks[home]})
    return out


def _closed_items(cache, items: list[int]):
    """The closed part's lapses (rn - rpass) of these items."""
    for start in range(0, len(items), 900):
        chunk = items[start:start + 900]
        yield from cache.execute(f"SELECT item, rn - rpass FROM items WHERE item IN ({','.join('?' * len(chunk))})",
                                 chunk)


def _leeches(conn, decks: dict) -> list[int]:
    """Leeches still suspended (a leech is suspended when it becomes one), most lapses first."""
    rows = conn.execute(f"SELECT id, lapses FROM items WHERE deck IN ({','.join(map(str, decks))}) "
                        "AND status = 'suspended' AND leech = 1").fetchall()
    return [item for item, _ in sorted(rows, key=lambda row: (-row[1], row[0]))[:HARDEST]]


def _hardest(conn, decks: dict, items: list[int], logged: dict[int, int] | None = None) -> list[dict]:
    """The items, in order; `lapses` from the log when given (reviews answered Again), else as stored."""
    if not items:
        return []
    marks = ",".join("?" * len(items))
    found = {row[0]: row for row in conn.execute(
        f"SELECT id, deck, qid, kind, topic, lapses, leech, status FROM items WHERE id IN ({marks})", items)}
    out = []
    for item in items:
        if item in found:
            _id, deck, qid, kind, topic, lapses, leech, status = found[item]
            out.append({"item": qid, "deck": decks.get(deck, ""), "kind": kind, "topic": json.loads(topic),
                        "lapses": logged[item] if logged else lapses, "leech": bool(leech), "status": status})
    return out


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
