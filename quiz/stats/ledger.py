"""The stats ledger: sums over the review log, kept beside the database so `quiz stats` stays fast.

Every figure of `quiz stats` is a sum over review-log entries (answers and right answers per study
day and grade, review passes of young and mature items, answers per item and topic, calibration
groups). Sums over the closed part of the log (before yesterday's study day) are kept in a small
SQLite file beside the database (`quiz.db.stats`) and extended as days close; the open part
(yesterday and today, where an answer can still be undone) is summed afresh on every call. The file
is derived data: it is rebuilt from the log whenever anything it depends on changed (the time zone
or day_starts_at, a deck's content, weights or retention, or the closed part of the log itself,
e.g. an import of older history), and if it cannot be written the same sums are made in memory.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

from quiz.stats import calibration as cal
from quiz.stats.days import StudyDays, zone_key
from quiz.store.schema import PRACTICE, REVIEW

VERSION = 2  # the file's layout (PRAGMA user_version): another layout is dropped and rebuilt
MATURE_DAYS = 21

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS days (deck INT, day INT, n INT, correct INT, ms INT, PRIMARY KEY (deck, day));
CREATE TABLE IF NOT EXISTS grades (deck INT, rating INT, n INT, PRIMARY KEY (deck, rating));
CREATE TABLE IF NOT EXISTS retention (deck INT, day INT, mature INT, n INT, passed INT,
                                      PRIMARY KEY (deck, day, mature));
CREATE TABLE IF NOT EXISTS items (item INTEGER PRIMARY KEY, deck INT, n INT, correct INT, rn INT, rpass INT);
CREATE INDEX IF NOT EXISTS items_lapses ON items (rn - rpass);
CREATE TABLE IF NOT EXISTS labels (item INT, kind TEXT, key TEXT, name TEXT, PRIMARY KEY (item, kind, key));
CREATE TABLE IF NOT EXISTS topics (deck INT, kind TEXT, key TEXT, name TEXT, n INT, correct INT, rn INT, rpass INT,
                                   PRIMARY KEY (deck, kind, key));
CREATE INDEX IF NOT EXISTS topics_key ON topics (kind, key);
CREATE TABLE IF NOT EXISTS calibration (deck INT, pbin INT, dg REAL, ig REAL, lg REAL, n INT, sp REAL, sy REAL,
                                        sll REAL, PRIMARY KEY (deck, pbin, dg, ig, lg));
CREATE TABLE IF NOT EXISTS memory (item INTEGER PRIMARY KEY, s REAL, d REAL, day INT, number INT, lapses INT);
"""


class Ledger:
    """Sums over one span of the log (rows oldest first), continuing each item's replay from `memory`."""

    def __init__(self):
        self.days: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])  # (deck, day): n, correct, ms
        self.grades: dict[tuple, list[int]] = defaultdict(lambda: [0])  # (deck, rating): n
        self.retention: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
        self.items: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        self.item_deck: dict[int, int] = {}
        self.calibration: dict[tuple, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0.0])
        self.memory: dict[int, tuple] = {}

    def fold(self, rows, days: StudyDays, memory: dict[int, tuple], models: dict[int, tuple]) -> None:
        """rows: (at, item, deck, type, rating, correct, ms). models: deck -> (FSRS, weights, retention)."""
        replays: dict[int, list] = defaultdict(list)
        for at, item, deck, kind, rating, correct, ms in rows:
            day = days.ordinal(at)
            cell = self.days[deck, day]
            cell[0] += 1
            cell[1] += correct
            cell[2] += ms
            self.grades[deck, rating][0] += 1
            counts = self.items[item]
            counts[0] += 1
            counts[1] += correct
            self.item_deck[item] = deck
            if kind != PRACTICE:
                replays[item].append((day, kind, rating))
        by_deck: dict[int, list[int]] = defaultdict(list)
        for item in replays:
            by_deck[self.item_deck[item]].append(item)
        for deck, items in by_deck.items():
            self._replay(deck, items, replays, memory, models[deck])

    def _replay(self, deck: int, items: list[int], replays: dict, memory: dict, model: tuple) -> None:
        import fsrs_rs_python as rs

        fsrs, weights, retention = model
        decay, factor = cal.decay_factor(weights)
        fresh = [item for item in items if item not in memory]
        going = [item for item in items if item in memory]
        states = {}
        for group, starts in ((fresh, None), (going, [rs.MemoryState(*memory[i][:2]) for i in going])):
            if not group:
                continue
            batch = []
            for item in group:
                previous = memory[item][2] if item in memory else None
                reviews = []
                for day, _kind, rating in replays[item]:
                    reviews.append(rs.FSRSReview(rating, 0 if previous is None else day - previous))
                    previous = day
                batch.append(rs.FSRSItem(reviews))
            results = fsrs.historical_memory_state_batch(batch, starts) if starts else \
                fsrs.historical_memory_state_batch(batch)
            for item, result in zip(group, results, strict=True):
                states[item] = result[-len(replays[item]):]
        for item in items:
            s, d, last, number, lapses = memory.get(item, (None, None, None, 0, 0))
            counts = self.items[item]
            for (day, kind, rating), after in zip(replays[item], states[item], strict=True):
                number += 1
                passed = int(rating > 1)
                elapsed = day - last if last is not None else 0
                if kind == REVIEW:
                    mature = int(s is not None and cal.interval(s, retention, decay, factor) >= MATURE_DAYS)
                    cell = self.retention[deck, day, mature]
                    cell[0] += 1
                    cell[1] += passed
                    counts[2] += 1
                    counts[3] += passed
                if s is not None and elapsed > 0:
                    p = cal.recall(s, elapsed, decay, factor)
                    key = (deck, min(int(p * cal.DISPLAY_BINS), cal.DISPLAY_BINS - 1), *cal.groups(elapsed, number,
                                                                                                    lapses))
                    cell = self.calibration[key]
                    cell[0] += 1
                    cell[1] += p
                    cell[2] += passed
                    cell[3] += cal.log_loss_term(p, passed)
                if elapsed > 0 and not passed and s is not None:
                    lapses += 1
                s, d, last = after.stability, after.difficulty, day
            memory[item] = self.memory[item] = (s, d, last, number, lapses)


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


def deck_models(conn: sqlite3.Connection, default_retention: float) -> tuple[dict[int, tuple], str]:
    import fsrs_rs_python as rs

    models, marks = {}, []
    for key, parameters, retention, updated in conn.execute(
            "SELECT id, parameters, desired_retention, updated_at FROM decks ORDER BY id"):
        weights = json.loads(parameters) if parameters else list(rs.DEFAULT_PARAMETERS)
        models[key] = (rs.FSRS(weights), weights, retention or default_retention)
        marks.append(f"{key}:{updated}:{parameters}:{retention or default_retention}")
    return models, ";".join(marks)


def _bring_up_to_date(conn, cache, now: int, day_starts_at: int, default_retention: float):
    first = conn.execute("SELECT min(at) FROM reviews").fetchone()[0]
    days = StudyDays(first if first is not None else now, now, day_starts_at)
    cutoff = days.start(days.today - 1)
    models, marks = deck_models(conn, default_retention)
    meta = dict(cache.execute("SELECT key, value FROM meta"))
    stamp = f"{VERSION}|{zone_key(day_starts_at)}|{marks}"
    closed = int(meta.get("closed", -1))
    since = int(meta.get("cutoff", 0))
    stale = meta.get("stamp") != stamp or closed != _count_before(conn, since)
    # A clock set back (a test, a bench at a fixed time) uses the file as it is: only the open part
    # after it is summed afresh.
    cutoff = max(cutoff, since) if not stale else cutoff
    if stale or since < cutoff:
        cache.execute("BEGIN IMMEDIATE")
        try:
            if stale:
                _wipe(cache)
                _write_labels(conn, cache)
                since = closed = 0
            rows = conn.execute("SELECT at, item, deck, type, rating, correct, ms FROM reviews WHERE at >= ? "
                                "AND at < ? ORDER BY at", (since, cutoff)).fetchall()
            ledger = Ledger()
            ledger.fold(rows, days, _memory(cache, {row[1] for row in rows if row[3] != PRACTICE}), models)
            _save(cache, ledger)
            cache.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                              [("stamp", stamp), ("cutoff", str(cutoff)), ("closed", str(closed + len(rows)))])
            cache.execute("COMMIT")
        except BaseException:
            cache.execute("ROLLBACK")
            raise
    return cache, cutoff, days, models


def _count_before(conn, cutoff: int) -> int:
    # The whole table's count is SQLite's fastest count; the open part is a short range of the key.
    total = conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    return total - conn.execute("SELECT count(*) FROM reviews WHERE at >= ?", (cutoff,)).fetchone()[0]


def _wipe(cache) -> None:
    for table in ("meta", "days", "grades", "retention", "items", "labels", "topics", "calibration", "memory"):
        cache.execute(f"DELETE FROM {table}")


def memory_for(cache, items) -> dict[int, tuple]:
    return _memory(cache, items)


def _memory(cache, items) -> dict[int, tuple]:
    out = {}
    items = list(items)
    for start in range(0, len(items), 900):
        chunk = items[start:start + 900]
        marks = ",".join("?" * len(chunk))
        for item, *state in cache.execute(f"SELECT item, s, d, day, number, lapses FROM memory WHERE item IN ({marks})",
                                          chunk):
            out[item] = tuple(state)
    return out


def _save(cache, ledger: Ledger) -> None:
    cache.executemany("INSERT INTO days VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n, "
                      "correct = correct + excluded.correct, ms = ms + excluded.ms",
                      [(*key, *value) for key, value in ledger.days.items()])
    cache.executemany("INSERT INTO grades VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n",
                      [(*key, *value) for key, value in ledger.grades.items()])
    cache.executemany("INSERT INTO retention VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n, "
                      "passed = passed + excluded.passed", [(*key, *value) for key, value in ledger.retention.items()])
    cache.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n, "
                      "correct = correct + excluded.correct, rn = rn + excluded.rn, rpass = rpass + excluded.rpass",
                      [(item, ledger.item_deck[item], *value) for item, value in ledger.items.items()])
    for (deck, kind, key, name), value in topic_sums(cache, ledger).items():
        cache.execute("INSERT INTO topics VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
                      "n = n + excluded.n, correct = correct + excluded.correct, rn = rn + excluded.rn, "
                      "rpass = rpass + excluded.rpass",
                      (deck, kind, key, name, *value))
    cache.executemany("INSERT INTO calibration VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
                      "n = n + excluded.n, sp = sp + excluded.sp, sy = sy + excluded.sy, sll = sll + excluded.sll",
                      [(*key, *value) for key, value in ledger.calibration.items()])
    cache.executemany("INSERT OR REPLACE INTO memory VALUES (?, ?, ?, ?, ?, ?)",
                      [(item, *state) for item, state in ledger.memory.items()])


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


def _write_labels(conn, cache) -> None:
    """What each item is about: its topic, and the entities (or a card's tags) it asks about."""
    from quiz.store.decks import load_model

    rows = []
    for key, name in conn.execute("SELECT id, name FROM decks").fetchall():
        entities: dict[str, list[tuple[str, str]]] = {}
        try:
            model = load_model(conn, name)
        except Exception:  # a deck that no longer parses still has its topics counted
            model = None
        if model is not None:
            for fact in model.facts:
                found = [_named(model, fact.subject)]
                if isinstance(fact.value, str):
                    found.append(_named(model, fact.value))
                entities[f"fact:{fact.id}"] = [e for e in found if e]
            for card in model.cards:
                entities[f"card:{card.id}"] = [(tag, json.dumps({"en": tag})) for tag in card.tags]
        for item, anchor, topic in conn.execute("SELECT id, anchor, topic FROM items WHERE deck = ?", (key,)):
            texts = json.loads(topic) or {}
            label = texts.get("en") or next((text for text in texts.values() if text), "")
            if label:
                rows.append((item, "topic", label, topic))
            for entity_id, label in entities.get(anchor, ()):
                rows.append((item, "entity", entity_id, label))
    cache.executemany("INSERT OR IGNORE INTO labels VALUES (?, ?, ?, ?)", rows)


def _named(model, entity_id: str):
    entity = model.entities.get(entity_id)
    return (entity_id, json.dumps(dict(entity.name.by_lang), ensure_ascii=False)) if entity else None
