"""The stats ledger: sums over the review log, kept beside the database so `quiz stats` stays fast.

Every figure of `quiz stats` is a sum over review-log entries (answers and right answers per study
day and grade, review passes of young and mature items, answers per item and topic, calibration
groups). Sums over the closed part of the log (before yesterday's study day) are kept in a small
SQLite file beside the database (`quiz.db.stats`) and extended as days close; the open part
(yesterday and today, where an answer can still be undone) is summed afresh on every call. If the
file cannot be written the same sums are made in memory.

The file is derived data in parts, each marked with what it was made from, so a change redoes only
the part it affects:

- the log's sums (days, grades, items) and the replay: the time zone and day_starts_at, and the
  closed part of the log (an import of older history). SQLite sums the log; the replay reads each
  item's history as one row (ordered by item, then time) and runs every item through fsrs-rs in
  one call per deck.
- a deck's replay (calibration, memory, stabilities): that deck's weights. Only that deck is replayed.
- a deck's young/mature split: that deck's desired retention. The replay keeps, per deck and day,
  the stabilities review answers were given with (failed and passed, each sorted), so a new retention only moves a
  threshold (a bisection per day); nothing is replayed.
- a deck's topic and entity labels: that deck's content (source_hash). Only its labels are rewritten;
  the topic sums are then re-added in SQL.
"""

from __future__ import annotations

import json
import math
import sqlite3
from array import array
from bisect import bisect_left
from collections import defaultdict

from quiz.stats import calibration as cal
from quiz.stats.days import StudyDays, zone_key
from quiz.store.schema import PRACTICE, REVIEW

# The file's layout (PRAGMA user_version): another layout is dropped and rebuilt. 4: the store's
# schema v4 moved card answers to their card's item, which the per-item sums of v3 files predate.
VERSION = 4
MATURE_DAYS = 21

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS days (deck INT, day INT, n INT, correct INT, ms INT, PRIMARY KEY (deck, day));
CREATE TABLE IF NOT EXISTS grades (deck INT, rating INT, n INT, PRIMARY KEY (deck, rating));
CREATE TABLE IF NOT EXISTS retention (deck INT, day INT, mature INT, n INT, passed INT,
                                      PRIMARY KEY (deck, day, mature));
CREATE TABLE IF NOT EXISTS stabilities (deck INT, day INT, failed BLOB, passed BLOB, PRIMARY KEY (deck, day));
CREATE TABLE IF NOT EXISTS items (item INTEGER PRIMARY KEY, deck INT, n INT, correct INT, rn INT, rpass INT);
CREATE INDEX IF NOT EXISTS items_lapses ON items (rn - rpass);
CREATE TABLE IF NOT EXISTS item_labels (item INTEGER PRIMARY KEY, deck INT, anchor TEXT, topic TEXT);
CREATE TABLE IF NOT EXISTS topic_names (deck INT, key TEXT, name TEXT, PRIMARY KEY (deck, key));
CREATE TABLE IF NOT EXISTS entities (deck INT, anchor TEXT, key TEXT, name TEXT, PRIMARY KEY (deck, anchor, key));
CREATE VIEW IF NOT EXISTS labels (item, deck, kind, key, name) AS
    SELECT l.item, l.deck, 'topic', l.topic, t.name FROM item_labels l
    JOIN topic_names t ON t.deck = l.deck AND t.key = l.topic
    UNION ALL
    SELECT l.item, l.deck, 'entity', e.key, e.name FROM item_labels l
    JOIN entities e ON e.deck = l.deck AND e.anchor = l.anchor;
CREATE TABLE IF NOT EXISTS topics (deck INT, kind TEXT, key TEXT, name TEXT, n INT, correct INT, rn INT, rpass INT,
                                   PRIMARY KEY (deck, kind, key));
CREATE INDEX IF NOT EXISTS topics_key ON topics (kind, key);
CREATE TABLE IF NOT EXISTS calibration (deck INT, pbin INT, dg REAL, ig REAL, lg REAL, n INT, sp REAL, sy REAL,
                                        sll REAL, PRIMARY KEY (deck, pbin, dg, ig, lg));
CREATE TABLE IF NOT EXISTS memory (item INTEGER PRIMARY KEY, deck INT, s REAL, d REAL, day INT, number INT,
                                   lapses INT);
"""
_LOG_TABLES = ("days", "grades", "retention", "stabilities", "items", "topics", "calibration", "memory")
_REPLAY_TABLES = ("retention", "stabilities", "calibration", "memory")


class Ledger:
    """Sums over one span of the log, continuing each item's replay from `memory`."""

    def __init__(self):
        self.days: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])  # (deck, day): n, correct, ms
        self.grades: dict[tuple, list[int]] = defaultdict(lambda: [0])  # (deck, rating): n
        self.items: dict[int, list[int]] = {}  # item: n, correct, review answers, review passes
        self.item_deck: dict[int, int] = {}
        self.calibration: dict[tuple, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0.0])
        self.memory: dict[int, tuple] = {}
        # (deck, day): the stabilities review answers were given with (0.0: none yet), failed and passed
        self.stabilities: dict[tuple, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))

    def split(self, models: dict[int, tuple]) -> dict[tuple, list[int]]:
        """(deck, day, mature): [answers, passed], by each deck's desired retention."""
        out: dict[tuple, list[int]] = {}
        for (deck, day), lists in self.stabilities.items():
            young, mature = [0, 0], [0, 0]
            threshold = _threshold(models[deck])
            for passed, found in enumerate(lists):
                for s in found:
                    cell = mature if threshold(s) else young
                    cell[0] += 1
                    cell[1] += passed
            for flag, cell in ((0, young), (1, mature)):
                if cell[0]:
                    out[deck, day, flag] = cell
        return out

    def scan(self, conn, since: int, until: int | None, days: StudyDays, memory_of, models: dict[int, tuple],
             decks: list[int] | None = None, sums: bool = True) -> None:
        """Fold the log's entries in [since, until) (of `decks`, or all); `sums` False: the replay only.

        memory_of(items) gives the replay's state of those items at `since` (item: s, d, day, number, lapses).
        """
        last = until if until is not None else (conn.execute("SELECT max(at) FROM reviews").fetchone()[0] or 0) + 1
        spans = days.spans(since, last)
        if not spans:
            return
        only = f" AND deck IN ({','.join(map(str, decks))})" if decks is not None else ""
        if sums:
            # One range of the log's key per study day; grouping a day's entries by deck sorts a few rows only.
            query = ("SELECT deck, count(*), sum(correct), sum(ms), sum(rating = 1), sum(rating = 2), "
                     f"sum(rating = 3), sum(rating = 4) FROM reviews WHERE at >= ? AND at < ?{only} GROUP BY deck")
            for day, start, end in spans:
                for deck, n, right, ms, *graded in conn.execute(query, (start, end)):
                    cell = self.days[deck, day]
                    cell[0] += n
                    cell[1] += right
                    cell[2] += ms
                    for rating, count in enumerate(graded, 1):
                        if count:
                            self.grades[deck, rating][0] += count
        # Each item's history as one row: times, study days (SQLite finds each entry's day, one range of
        # the log's key per day: CROSS JOIN keeps the days outside, and `+deck` stops SQLite from building
        # an index on deck to search once per day) and (type, rating) pairs. Rows reach the grouping in time order, but
        # SQLite does not promise the order within a group, so _replay checks it.
        table = "WITH d(o, s, e) AS (VALUES " + ",".join(f"({o},{s},{e})" for o, s, e in spans) + ")"
        where = f" WHERE +r.deck IN ({','.join(map(str, decks))})" if decks is not None else ""
        rows = conn.execute(
            f"{table} SELECT item, deck, count(*), sum(correct), sum(type = {REVIEW}), "
            f"sum(type = {REVIEW} AND rating > 1), group_concat(CASE WHEN type != {PRACTICE} THEN at END), "
            f"group_concat(CASE WHEN type != {PRACTICE} THEN o END), "
            f"group_concat(CASE WHEN type != {PRACTICE} THEN type || rating END, '') "
            f"FROM d CROSS JOIN reviews r ON r.at >= d.s AND r.at < d.e{where} GROUP BY item").fetchall()
        history: dict[int, list] = defaultdict(list)
        for item, deck, n, right, rn, rpass, times, day_list, codes in rows:
            self.item_deck[item] = deck
            if sums:
                self.items[item] = [n, right, rn, rpass]
            if day_list is not None:
                history[deck].append((item, times, day_list, codes))
        for deck, histories in history.items():
            self._replay(deck, histories, memory_of([h[0] for h in histories]), models[deck])

    def _replay(self, deck: int, histories: list, memory: dict, model: tuple) -> None:
        import fsrs_rs_python as rs

        fsrs, weights, _retention = model
        decay, factor = cal.decay_factor(weights)
        review_code = str(REVIEW)
        parsed = []
        fresh, going, starts = [], [], []
        make = rs.FSRSReview
        for item, times, day_list, codes in histories:
            day_numbers = list(map(int, day_list.split(",")))
            ratings = list(map(int, codes[1::2]))
            types = codes[0::2]
            times = list(map(int, times.split(",")))
            if times != sorted(times):
                ordered = sorted(zip(times, day_numbers, ratings, types, strict=True))
                day_numbers, ratings = [o[1] for o in ordered], [o[2] for o in ordered]
                types = "".join(o[3] for o in ordered)
            start = memory.get(item)
            previous = start[2] if start else day_numbers[0]
            gaps = [day - before for day, before in zip(day_numbers, [previous, *day_numbers[:-1]], strict=True)]
            fsrs_item = rs.FSRSItem(list(map(make, ratings, gaps)))
            parsed.append((item, day_numbers, ratings, types, start))
            if start is None:
                fresh.append(fsrs_item)
            else:
                going.append(fsrs_item)
                starts.append(rs.MemoryState(start[0], start[1]))
        results = iter(fsrs.historical_memory_state_batch(fresh) if fresh else ())
        continued = iter(fsrs.historical_memory_state_batch(going, starts) if going else ())
        bins = cal.DISPLAY_BINS
        low, high = 1e-6, 1 - 1e-6  # predictions kept off 0 and 1 (calibration.log_loss_term)
        log = math.log
        day_groups, number_groups, lapse_groups = _GroupCache(0), _GroupCache(1), _GroupCache(2)
        calibration = self.calibration
        stabilities: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
        for item, day_numbers, ratings, types, start in parsed:
            states = next(results) if start is None else next(continued)
            states = states[-len(ratings):]
            s, d, last, number, lapses = start if start else (None, None, None, 0, 0)
            for day, rating, kind, after in zip(day_numbers, ratings, types, states, strict=True):
                number += 1
                if kind == review_code:
                    stabilities[day][rating > 1].append(s or 0.0)
                if s is not None and day > last:
                    p = (1 + factor * (day - last) / s) ** decay
                    pbin = int(p * bins)
                    cell = calibration[deck, pbin if pbin < bins else bins - 1, day_groups[day - last],
                                       number_groups[number], lapse_groups[lapses]]
                    cell[0] += 1
                    cell[1] += p
                    if rating > 1:
                        cell[2] += 1
                        cell[3] -= log(p if low < p < high else min(max(p, low), high))
                    else:
                        cell[3] -= log(1 - (p if low < p < high else min(max(p, low), high)))
                        lapses += 1
                s, last = after.stability, day
            d = after.difficulty
            self.memory[item] = (deck, s, d, last, number, lapses)
        for day, (failed, passed) in stabilities.items():
            cell = self.stabilities[deck, day]
            cell[0].extend(failed)
            cell[1].extend(passed)


class _GroupCache(dict):
    """The benchmark's group of a number (days, answer number or lapses), worked out once per value."""

    def __init__(self, which: int):
        super().__init__()
        self.which = which

    def __missing__(self, value: int) -> float:
        args = [1, 1, 0]
        args[self.which] = value
        group = cal.groups(max(args[0], 1), max(args[1], 1), args[2])[self.which]
        self[value] = group
        return group


def _threshold(model: tuple):
    """A predicate on stability: is an item with it mature (FSRS interval of 21 days or more)?"""
    _fsrs, weights, retention = model
    decay, factor = cal.decay_factor(weights)
    return lambda s: s > 0 and cal.interval(s, retention, decay, factor) >= MATURE_DAYS


# -- the file ---------------------------------------------------------------------------------
def _database_path(conn: sqlite3.Connection) -> str | None:
    for _, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return file or None
    return None


def open_ledger(conn: sqlite3.Connection, now: int, day_starts_at: int, default_retention: float):
    """The ledger file, brought up to the start of yesterday's study day; (connection, cutoff, days, models)."""
    path = _database_path(conn)
    cache = None
    if path:
        try:
            cache = sqlite3.connect(f"{path}.stats", isolation_level=None, timeout=2)
            cache.execute("PRAGMA synchronous = OFF")  # derived data: a lost write is rebuilt from the log
            if cache.execute("PRAGMA user_version").fetchone()[0] != VERSION:
                for (table,) in cache.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                    cache.execute(f"DROP TABLE {table}")
                cache.execute(f"PRAGMA user_version = {VERSION}")
            cache.executescript(_TABLES)
        except sqlite3.Error:
            cache = None
    if cache is None:
        cache = sqlite3.connect(":memory:", isolation_level=None)
        cache.executescript(_TABLES)
    try:
        return _bring_up_to_date(conn, cache, now, day_starts_at, default_retention)
    except sqlite3.Error:
        if path is None or cache.execute("PRAGMA database_list").fetchone()[2] == "":
            raise
        cache.close()  # a damaged or locked ledger file: the same sums, in memory
        cache = sqlite3.connect(":memory:", isolation_level=None)
        cache.executescript(_TABLES)
        return _bring_up_to_date(conn, cache, now, day_starts_at, default_retention)


_decks_seen: list = []  # [connection, key, models, marks] of the last deck_models() (one connection kept)


def deck_models(conn: sqlite3.Connection, default_retention: float) -> tuple[dict[int, tuple], dict[int, tuple]]:
    """deck -> (FSRS, weights, retention), and deck -> (content, weights, retention) marks.

    A deck's row holds its whole source before these columns, so reading them walks megabytes of
    overflow pages on a big deck: the answer is kept while nothing was written to the database (by
    this connection: total_changes; by another: data_version)."""
    import fsrs_rs_python as rs

    key = (conn.total_changes, conn.execute("PRAGMA data_version").fetchone()[0], default_retention)
    if _decks_seen and _decks_seen[0] is conn and _decks_seen[1] == key:
        return _decks_seen[2], _decks_seen[3]
    models, marks = {}, {}
    for deck, parameters, retention, content in conn.execute(
            "SELECT id, parameters, desired_retention, source_hash FROM decks ORDER BY id"):
        weights = json.loads(parameters) if parameters else list(rs.DEFAULT_PARAMETERS)
        models[deck] = (rs.FSRS(weights), weights, retention or default_retention)
        marks[deck] = (content, json.dumps(weights), repr(retention or default_retention))
    _decks_seen[:] = [conn, key, models, marks]
    return models, marks


def _plan(conn, cache, now: int, day_starts_at: int, default_retention: float) -> dict:
    """What the file needs: which parts are out of date, and what they are made from now."""
    # Two queries: SQLite reads min() or max() alone off the key, but both together by a full scan.
    first = conn.execute("SELECT min(at) FROM reviews").fetchone()[0]
    newest = conn.execute("SELECT max(at) FROM reviews").fetchone()[0]
    days = StudyDays(first if first is not None else now, now, day_starts_at,
                     days_after=max(31, ((newest or now) - now) // 86_400_000 + 2))
    cutoff = days.start(days.today - 1)
    models, marks = deck_models(conn, default_retention)
    meta = dict(cache.execute("SELECT key, value FROM meta"))
    stamp = f"{VERSION}|{zone_key(day_starts_at)}"
    closed = int(meta.get("closed", -1))
    since = int(meta.get("cutoff", 0))
    stale = meta.get("stamp") != stamp or closed != _count_before(conn, since)
    # A clock set back (a test, a bench at a fixed time) uses the file as it is: only the open part
    # after it is summed afresh.
    cutoff = max(cutoff, since) if not stale else cutoff
    old = {int(key[5:]): tuple(json.loads(value)) for key, value in meta.items() if key.startswith("deck:")}
    # A deck new to the file has nothing in its closed part (its answers would have changed the count).
    replay = [] if stale else [deck for deck in marks if deck in old and old[deck][1] != marks[deck][1]]
    return {
        "days": days, "cutoff": cutoff, "models": models, "marks": marks, "stamp": stamp, "closed": closed,
        "since": since, "stale": stale, "replay": replay,
        "relabel": [deck for deck in marks if old.get(deck, (None,))[0] != marks[deck][0]],
        "resplit": [] if stale else [deck for deck in marks if deck in old and deck not in replay
                                     and old[deck][2] != marks[deck][2]],
        "gone": [deck for deck in old if deck not in marks],
    }


def is_warm(conn: sqlite3.Connection, now: int, day_starts_at: int, default_retention: float) -> bool:
    """Is the ledger file there and current, but for cheap work (days closed since, a new retention)?

    False means the next figures pay for a replay of the log (or part of it), and take seconds."""
    path = _database_path(conn)
    if not path:
        return False
    try:
        cache = sqlite3.connect(f"file:{path}.stats?mode=ro", uri=True, timeout=0.2)
    except sqlite3.Error:
        return False
    try:
        if cache.execute("PRAGMA user_version").fetchone()[0] != VERSION:
            return False
        plan = _plan(conn, cache, now, day_starts_at, default_retention)
    except sqlite3.Error:
        return False
    finally:
        cache.close()
    return not (plan["stale"] or plan["replay"] or plan["relabel"])


def _bring_up_to_date(conn, cache, now: int, day_starts_at: int, default_retention: float):
    plan = _plan(conn, cache, now, day_starts_at, default_retention)
    days, cutoff, models, marks, stamp = plan["days"], plan["cutoff"], plan["models"], plan["marks"], plan["stamp"]
    closed, since, stale = plan["closed"], plan["since"], plan["stale"]
    replay, relabel, resplit, gone = plan["replay"], plan["relabel"], plan["resplit"], plan["gone"]
    if not (stale or since < cutoff or relabel or replay or resplit or gone):
        return cache, cutoff, days, models
    cache.execute("BEGIN IMMEDIATE")
    try:
        if stale:
            for table in (*_LOG_TABLES, "meta"):
                cache.execute(f"DELETE FROM {table}")
            since = closed = 0
        for deck in (*replay, *gone):  # new weights: this deck's replay only, up to the old cut-off
            for table in _REPLAY_TABLES:
                cache.execute(f"DELETE FROM {table} WHERE deck = ?", (deck,))
        if replay and since:
            ledger = Ledger()
            ledger.scan(conn, 0, since, days, lambda items: {}, models, decks=replay, sums=False)
            _save(cache, ledger, models)
        for deck in (*resplit, *replay):
            _resplit(cache, deck, models[deck])
        if relabel or gone:
            for deck in (*relabel, *gone):
                for table in ("item_labels", "topic_names", "entities"):
                    cache.execute(f"DELETE FROM {table} WHERE deck = ?", (deck,))
            _write_labels(conn, cache, relabel)
        if since < cutoff:
            ledger = Ledger()
            ledger.scan(conn, since, cutoff, days, lambda items: _memory(cache, items), models)
            _save(cache, ledger, models, topics=not (stale or relabel or gone))
            closed += conn.execute("SELECT count(*) FROM reviews WHERE at >= ? AND at < ?",
                                   (since, cutoff)).fetchone()[0]
        if stale or relabel or gone:
            _add_topics(cache)
        cache.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                          [("stamp", stamp), ("cutoff", str(cutoff)), ("closed", str(closed)),
                           *((f"deck:{deck}", json.dumps(mark)) for deck, mark in marks.items())])
        cache.executemany("DELETE FROM meta WHERE key = ?", [(f"deck:{deck}",) for deck in gone])
        cache.execute("COMMIT")
    except BaseException:
        cache.execute("ROLLBACK")
        raise
    return cache, cutoff, days, models


def _count_before(conn, cutoff: int) -> int:
    # The whole table's count is SQLite's fastest count; the open part is a short range of the key.
    total = conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    return total - conn.execute("SELECT count(*) FROM reviews WHERE at >= ?", (cutoff,)).fetchone()[0]


def memory_for(cache, items) -> dict[int, tuple]:
    return _memory(cache, items)


def _memory(cache, items) -> dict[int, tuple]:
    """item: (s, d, day, number, lapses), the replay's state at the file's cut-off."""
    out = {}
    items = list(items)
    for start in range(0, len(items), 900):
        chunk = items[start:start + 900]
        marks = ",".join("?" * len(chunk))
        for item, *state in cache.execute(f"SELECT item, s, d, day, number, lapses FROM memory WHERE item IN ({marks})",
                                          chunk):
            out[item] = tuple(state)
    return out


def _save(cache, ledger: Ledger, models: dict, topics: bool = True) -> None:
    cache.executemany("INSERT INTO days VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n, "
                      "correct = correct + excluded.correct, ms = ms + excluded.ms",
                      [(*key, *value) for key, value in ledger.days.items()])
    cache.executemany("INSERT INTO grades VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n",
                      [(*key, *value) for key, value in ledger.grades.items()])
    cache.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n, "
                      "correct = correct + excluded.correct, rn = rn + excluded.rn, rpass = rpass + excluded.rpass",
                      [(item, ledger.item_deck[item], *value) for item, value in ledger.items.items()])
    if topics:
        for (deck, kind, key, name), value in topic_sums(cache, ledger).items():
            cache.execute("INSERT INTO topics VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
                          "n = n + excluded.n, correct = correct + excluded.correct, rn = rn + excluded.rn, "
                          "rpass = rpass + excluded.rpass",
                          (deck, kind, key, name, *value))
    cache.executemany("INSERT INTO calibration VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
                      "n = n + excluded.n, sp = sp + excluded.sp, sy = sy + excluded.sy, sll = sll + excluded.sll",
                      [(*key, *value) for key, value in ledger.calibration.items()])
    cache.executemany("INSERT OR REPLACE INTO memory VALUES (?, ?, ?, ?, ?, ?, ?)",
                      [(item, *state) for item, state in ledger.memory.items()])
    # Each day's stabilities, sorted, with the passes counted up to each: the young/mature split of a
    # retention is then one bisection per day. A span never splits a day, so (deck, day) is new here.
    blobs, split = [], []
    thresholds = {deck: _threshold(model) for deck, model in models.items()}
    for (deck, day), (failed, passed) in ledger.stabilities.items():
        failed, passed = array("d", sorted(failed)), array("d", sorted(passed))
        blobs.append((deck, day, failed.tobytes(), passed.tobytes()))
        split += _split(deck, day, failed, passed, thresholds[deck])
    cache.executemany("INSERT OR REPLACE INTO stabilities VALUES (?, ?, ?, ?)", blobs)
    cache.executemany("INSERT OR REPLACE INTO retention VALUES (?, ?, ?, ?, ?)", split)


def _split(deck: int, day: int, failed: array, passed: array, threshold) -> list[tuple]:
    """Retention rows (deck, day, mature, answers, passed) of one day's sorted stabilities, failed and passed."""
    young_failed = bisect_left(failed, True, key=threshold)  # threshold(s) is False, then True
    young_passed = bisect_left(passed, True, key=threshold)
    rows = [(deck, day, 0, young_failed + young_passed, young_passed),
            (deck, day, 1, len(failed) + len(passed) - young_failed - young_passed, len(passed) - young_passed)]
    return [row for row in rows if row[3]]


def _resplit(cache, deck: int, model: tuple) -> None:
    """The young/mature split of a deck's review answers for its (new) desired retention."""
    threshold = _threshold(model)
    rows = []
    for day, failed_blob, passed_blob in cache.execute("SELECT day, failed, passed FROM stabilities WHERE deck = ?",
                                                       (deck,)):
        failed, passed = array("d"), array("d")
        failed.frombytes(failed_blob)
        passed.frombytes(passed_blob)
        rows += _split(deck, day, failed, passed, threshold)
    cache.execute("DELETE FROM retention WHERE deck = ?", (deck,))
    cache.executemany("INSERT INTO retention VALUES (?, ?, ?, ?, ?)", rows)


def _add_topics(cache) -> None:
    """Topic and entity sums: each item's sums, added up over its labels."""
    cache.execute("DELETE FROM topics")
    sums = "sum(i.n), sum(i.correct), sum(i.rn), sum(i.rpass) FROM items i JOIN item_labels l ON l.item = i.item"
    cache.execute(f"INSERT INTO topics SELECT i.deck, 'topic', l.topic, min(t.name), {sums} JOIN topic_names t "
                  "ON t.deck = l.deck AND t.key = l.topic GROUP BY i.deck, l.topic")
    cache.execute(f"INSERT INTO topics SELECT i.deck, 'entity', e.key, min(e.name), {sums} JOIN entities e "
                  "ON e.deck = l.deck AND e.anchor = l.anchor GROUP BY i.deck, e.key")


def topic_sums(cache, ledger: Ledger) -> dict[tuple, list[int]]:
    """The ledger's per-item sums, added up per topic and entity (the labels of each item)."""
    out: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    items = list(ledger.items)
    for start in range(0, len(items), 900):
        chunk = items[start:start + 900]
        marks = ",".join("?" * len(chunk))
        for item, kind, key, name in cache.execute(
                f"SELECT item, kind, key, name FROM labels WHERE item IN ({marks})", chunk):
            cell = out[ledger.item_deck[item], kind, key, name]
            for i, value in enumerate(ledger.items[item]):
                cell[i] += value
    return out


def _write_labels(conn, cache, decks: list[int]) -> None:
    """What each item of these decks is about: its topic, and the entities (or a card's tags) its anchor asks about."""
    from quiz.store.decks import load_model

    for key, name in conn.execute(f"SELECT id, name FROM decks WHERE id IN ({','.join(map(str, decks))})").fetchall():
        entities = []
        try:
            model = load_model(conn, name)
        except Exception:  # a deck that no longer parses still has its topics counted
            model = None
        if model is not None:
            named: dict[str, tuple | None] = {}
            for fact in model.facts:
                for entity_id in [fact.subject] + ([fact.value] if isinstance(fact.value, str) else []):
                    if entity_id not in named:
                        named[entity_id] = _named(model, entity_id)
                    if named[entity_id]:
                        entities.append((key, f"fact:{fact.id}", *named[entity_id]))
            for card in model.cards:
                entities += [(key, f"card:{card.id}", tag, json.dumps({"en": tag})) for tag in card.tags]
        cache.executemany("INSERT OR IGNORE INTO entities VALUES (?, ?, ?, ?)", entities)
        topics: dict[str, str | None] = {}  # the same few topics recur on every item: each read once
        rows = conn.execute("SELECT id, ?, anchor, topic FROM items WHERE deck = ?", (key, key)).fetchall()
        for topic in sorted({row[3] for row in rows}):
            texts = json.loads(topic) or {}
            topics[topic] = texts.get("en") or next((text for text in texts.values() if text), "") or None
        cache.executemany("INSERT OR IGNORE INTO topic_names VALUES (?, ?, ?)",
                          [(key, label, topic) for topic, label in topics.items() if label])
        cache.executemany("INSERT OR REPLACE INTO item_labels VALUES (?, ?, ?, ?)",
                          [(item, deck, anchor, topics[topic]) for item, deck, anchor, topic in rows])


def _named(model, entity_id: str):
    entity = model.entities.get(entity_id)
    return (entity_id, json.dumps(dict(entity.name.by_lang), ensure_ascii=False)) if entity else None
