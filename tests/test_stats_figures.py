"""Every figure of `quiz stats`, checked on review logs written by hand, whose figures are known.

The log is written straight into the store (as an import would), so each test states exactly which
answers exist, when (in the learner's time zone) and with what grade.
"""

from __future__ import annotations

import json
import math
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import fsrs_rs_python as rs
import pytest

from quiz.config import StudyConfig
from quiz.stats import compute, report
from quiz.study.engine import Library

HOUR = 3_600_000
DAY = 24 * HOUR


@pytest.fixture
def zone(monkeypatch):
    """The learner lives in Jakarta (UTC+7): study days are not UTC days."""
    def use(name: str) -> ZoneInfo:
        monkeypatch.setenv("TZ", name)
        time.tzset()
        return ZoneInfo(name)

    yield use
    monkeypatch.delenv("TZ", raising=False)
    time.tzset()


@pytest.fixture
def library(tmp_path, mini_path):
    lib = Library.open(tmp_path / "quiz.db", config=StudyConfig(), sync_bundled=False)
    lib.add_deck_file(mini_path)
    yield lib
    lib.close()


def at(zone: ZoneInfo, text: str) -> int:
    """Unix ms of a local time, e.g. '2026-03-10 03:30'."""
    return int(datetime.fromisoformat(text).replace(tzinfo=zone).timestamp() * 1000)


def log(library, when: int, item: int, rating: int, kind: int = 2, ms: int = 1000) -> None:
    conn = library.db.conn
    deck = conn.execute("SELECT deck FROM items WHERE id = ?", (item,)).fetchone()[0]
    conn.execute("INSERT INTO reviews VALUES (?, ?, ?, 'mcq', 'en', ?, ?, ?, NULL, ?)",
                 (when, item, deck, kind, rating, int(rating > 1), ms))


def figures(library, now: int, **options) -> dict:
    return compute(library.db.conn, now, library.config.day_starts_at, **options)


def test_days_follow_the_learners_zone_and_day_starts_at(library, zone):
    jakarta = zone("Asia/Jakarta")
    now = at(jakarta, "2026-03-12 20:00")
    log(library, at(jakarta, "2026-03-10 03:30"), 1, 3)  # before 4 am: still the 9th's study day
    log(library, at(jakarta, "2026-03-10 04:30"), 2, 3)
    log(library, at(jakarta, "2026-03-10 23:59"), 3, 1)
    log(library, at(jakarta, "2026-03-11 00:30"), 4, 4)  # after midnight, before 4 am: the 10th
    log(library, at(jakarta, "2026-03-12 19:00"), 5, 2, kind=4)  # practice counts as an answer
    days = {d["date"]: (d["reviews"], d["correct"]) for d in figures(library, now, days=5)["by_day"]}
    assert days == {"2026-03-08": (0, 0), "2026-03-09": (1, 1), "2026-03-10": (3, 2), "2026-03-11": (0, 0),
                    "2026-03-12": (1, 1)}
    midnight = {d["date"]: d["reviews"] for d in compute(library.db.conn, now, 0, days=5)["by_day"]}
    assert midnight == {"2026-03-08": 0, "2026-03-09": 0, "2026-03-10": 3, "2026-03-11": 1, "2026-03-12": 1}
    # In UTC the same answers fall on other days (a cached ledger must not be reused across zones).
    zone("UTC")
    utc = {d["date"]: d["reviews"] for d in compute(library.db.conn, now, 0, days=5)["by_day"]}
    assert utc == {"2026-03-08": 0, "2026-03-09": 2, "2026-03-10": 2, "2026-03-11": 0, "2026-03-12": 1}


def test_day_boundaries_across_a_daylight_saving_change(library, zone):
    new_york = zone("America/New_York")  # clocks went forward at 2 am on 8 March 2026
    now = at(new_york, "2026-03-09 12:00")
    log(library, at(new_york, "2026-03-08 03:59"), 1, 3)  # the 7th's study day
    log(library, at(new_york, "2026-03-08 04:00"), 2, 3)
    log(library, at(new_york, "2026-03-09 03:59"), 3, 3)  # the 8th's
    days = {d["date"]: d["reviews"] for d in figures(library, now, days=3)["by_day"]}
    assert days == {"2026-03-07": 1, "2026-03-08": 2, "2026-03-09": 0}


def test_today_totals_grades_streak_and_weeks(library, zone):
    tz = zone("Asia/Jakarta")
    now = at(tz, "2026-05-20 12:00")
    answers = []  # (day offset from today, rating, ms)
    for offset in range(-9, 1):
        if offset == -5:
            continue  # a missed day ends the earlier streak
        answers += [(offset, 3, 2000), (offset, 1, 4000)]
    answers += [(0, 4, 1000), (-20, 2, 500)]
    for n, (offset, rating, ms) in enumerate(answers):
        log(library, now + offset * DAY - n * 60_000, 1 + n % 20, rating, ms=ms)
    scores = figures(library, now, days=14)
    right = sum(rating > 1 for _, rating, _ in answers)
    assert scores["reviews"] == len(answers) and scores["correct"] == right
    assert scores["accuracy"] == round(right / len(answers), 4)
    assert scores["time_spent_s"] == round(sum(ms for *_, ms in answers) / 1000)
    assert (scores["reviews_today"], scores["correct_today"], scores["time_today_s"]) == (3, 2, 7)
    assert scores["streak_days"] == 5  # today and the four days before the missed one
    assert scores["grades"] == {str(g): sum(r == g for _, r, _ in answers) for g in range(1, 5)}
    weeks = scores["by_week"]
    assert [w["reviews"] for w in weeks] == [sum(d["reviews"] for d in scores["by_day"][:7]),
                                             sum(d["reviews"] for d in scores["by_day"][7:])]
    assert weeks[-1]["to"] == scores["by_day"][-1]["date"] and len(scores["by_day"]) == 14
    assert scores["by_day"][-6] == {"date": scores["by_day"][-6]["date"], "reviews": 0, "correct": 0,
                                    "accuracy": None}


def test_forecast_and_counts_from_the_schedule(library, zone):
    tz = zone("Asia/Jakarta")
    now = at(tz, "2026-05-20 12:00")
    conn = library.db.conn
    plan = {  # item: (status, state, due, last review)
        1: ("active", 2, now - 3 * DAY, now - 10 * DAY),  # overdue: today's
        2: ("active", 2, at(tz, "2026-05-21 03:00"), now - 30 * DAY),  # before 4 am: still today; mature
        3: ("active", 2, at(tz, "2026-05-21 05:00"), now - 2 * DAY),  # tomorrow; young
        4: ("active", 1, now + 29 * DAY, now),  # the last forecast day
        5: ("active", 3, now + 31 * DAY, now),  # beyond the forecast
        6: ("suspended", 2, now, now - DAY),
        7: ("retired", 2, now, now - DAY),
    }
    for item, (status, state, due, last) in plan.items():
        conn.execute("UPDATE items SET status = ?, state = ?, due = ?, last_review = ?, stability = 1 WHERE id = ?",
                     (status, state, due, last, item))
    scores = figures(library, now)
    forecast = scores["forecast"]
    assert len(forecast) == 30 and forecast[0]["date"] == "2026-05-20"
    assert [day["due"] for day in forecast[:2]] == [2, 1] and forecast[-1]["due"] == 1
    assert sum(day["due"] for day in forecast) == 4
    total = conn.execute("SELECT count(*) FROM items").fetchone()[0]
    assert scores["counts"] == {"new": total - 7, "learning": 2, "young": 2, "mature": 1, "suspended": 1,
                                "retired": 1}


def test_true_retention_counts_reviews_only_young_and_mature(library, zone):
    tz = zone("UTC")
    now = at(tz, "2026-06-30 12:00")
    # Item 1: learnt 5 days ago (stability w[2], about 2 days: young), reviewed and failed today.
    log(library, now - 5 * DAY, 1, 3, kind=0)
    log(library, now - 1000, 1, 1, kind=2)
    # Item 2: good after long gaps: its interval grows past 21 days, then two passes as a mature item.
    days = [-300, -290, -250, -150, -20]
    for n, day in enumerate(days):
        log(library, now + day * DAY, 2, 3, kind=0 if n == 0 else 2)
    log(library, now - 2000, 2, 3, kind=2)
    # Learning steps, relearning and practice are not reviews.
    log(library, now - 3000, 3, 1, kind=1)
    log(library, now - 4000, 3, 1, kind=3)
    log(library, now - 5000, 3, 1, kind=4)
    scores = figures(library, now)
    today = scores["true_retention"]["today"]
    assert today["young"] == {"reviews": 1, "passed": 0, "retention": 0.0}
    assert today["mature"] == {"reviews": 1, "passed": 1, "retention": 1.0}
    year = scores["true_retention"]["year"]
    # Item 2's reviews at -290 and -250 days came before its interval reached 21 days; -150 and -20 after.
    stability = rs.FSRS(list(rs.DEFAULT_PARAMETERS)).historical_memory_states(
        rs.FSRSItem([rs.FSRSReview(3, 0), rs.FSRSReview(3, 10), rs.FSRSReview(3, 40), rs.FSRSReview(3, 100)]))
    mature_before = [s.stability >= 21 for s in stability]  # interval = stability at retention 0.9
    assert year["mature"]["reviews"] == 1 + sum(mature_before[1:4])
    assert year["young"]["reviews"] + year["mature"]["reviews"] == 6
    assert year["total"]["passed"] == 5 and scores["true_retention"]["all"] == year


def test_calibration_predicted_recall_log_loss_and_rmse(library, zone):
    tz = zone("UTC")
    now = at(tz, "2026-06-30 12:00")
    w = list(rs.DEFAULT_PARAMETERS)
    decay = -w[20]
    factor = 0.9 ** (1 / decay) - 1
    # Each item: learnt with Good (stability w[2]), then answered `gap` days later.
    cases = {1: (3, 3), 2: (5, 1), 3: (12, 3), 4: (12, 1)}  # item: (gap, rating)
    for item, (gap, rating) in cases.items():
        log(library, now - 40 * DAY - item, item, 3, kind=0)
        log(library, now - (40 - gap) * DAY - item, item, rating, kind=1)
    log(library, now - 39 * DAY, 5, 3, kind=0)
    log(library, now - 39 * DAY + HOUR, 5, 1, kind=1)  # same day: short-term, not scored
    scores = figures(library, now)["calibration"]
    predicted = {item: (1 + factor * gap / w[2]) ** decay for item, (gap, _) in cases.items()}
    outcome = {item: int(rating > 1) for item, (_, rating) in cases.items()}
    assert scores["reviews"] == 4
    loss = -sum(math.log(p) if outcome[i] else math.log(1 - p) for i, p in predicted.items()) / 4
    assert scores["log_loss"] == pytest.approx(loss, abs=1e-4)
    # RMSE (bins): the benchmark's groups by gap (3.62-fold steps from 2.48 days); all are answer 2, no lapses.
    by_gap: dict[float, list[int]] = {}
    for item, (gap, _) in cases.items():
        by_gap.setdefault(round(2.48 * 3.62 ** math.floor(math.log(gap) / math.log(3.62)), 2), []).append(item)
    groups = list(by_gap.values())
    assert len(groups) == 2  # 3 days alone; 5 and 12 days together
    error = sum(len(g) * (sum(outcome[i] for i in g) / len(g) - sum(predicted[i] for i in g) / len(g)) ** 2
                for g in groups) / 4
    assert scores["rmse_bins"] == pytest.approx(math.sqrt(error), abs=1e-4)
    bins = {b["from"]: b for b in scores["bins"]}
    for p in predicted.values():
        assert bins[math.floor(p * 10) / 10]["reviews"] >= 1
    assert sum(b["reviews"] for b in scores["bins"]) == 4


def test_topics_weakest_first_and_hardest_items(library, zone):
    tz = zone("UTC")
    now = at(tz, "2026-06-30 12:00")
    conn = library.db.conn
    topics = {}
    for item, topic in conn.execute("SELECT id, json_extract(topic, '$.en') FROM items"):
        topics.setdefault(topic, []).append(item)
    csto, founded = topics["CSTO"][0], topics["founded in"][0]
    for n in range(4):
        log(library, now - (10 - n) * DAY, csto, 3 if n == 0 else 1, kind=2)  # 1 of 4 right
        log(library, now - (10 - n) * DAY + 1, founded, 3, kind=2)  # 4 of 4
    conn.execute("UPDATE items SET lapses = 3, leech = 1, status = 'suspended' WHERE id = ?", (csto,))
    scores = figures(library, now)
    assert [(t["topic"], t["reviews"], t["accuracy"]) for t in scores["topics"]] == [("CSTO", 4, 0.25),
                                                                                       ("founded in", 4, 1.0)]
    assert scores["topics"][0]["name"] == {"en": "CSTO", "id": "CSTO"}
    # The CSTO item asks about Armenia's membership (Armenia and the CSTO); the other about the CSTO's founding.
    assert [(e["topic"], e["reviews"], e["accuracy"]) for e in scores["entities"]] == [("armenia", 4, 0.25),
                                                                                         ("csto", 8, 0.625)]
    qid = conn.execute("SELECT qid FROM items WHERE id = ?", (csto,)).fetchone()[0]
    assert [(x["item"], x["lapses"], x["leech"]) for x in scores["leeches"]] == [(qid, 3, True)]
    # Most lapses, from the log: reviews answered Again (3 for the CSTO item).
    assert scores["most_lapses"][0]["item"] == qid and len(scores["most_lapses"]) == 1


def test_the_ledger_file_gives_the_same_figures_and_notices_changes(library, zone, tmp_path):
    tz = zone("Asia/Jakarta")
    now = at(tz, "2026-06-30 12:00")
    for n in range(60):
        log(library, now - (n % 30) * DAY - n * 1000, 1 + n % 25, 1 + n % 4, kind=(0, 1, 2, 4)[n % 4])
    first = figures(library, now)
    ledger = Path(f"{library.path}.stats")
    assert ledger.exists()
    assert figures(library, now) == first  # from the file
    ledger.unlink()
    assert figures(library, now) == first  # rebuilt
    later = now + 3 * DAY  # days close: the file is extended, not rebuilt
    assert figures(library, later)["reviews"] == 60
    log(library, now - 200 * DAY, 2, 3)  # older history arrives (an import): the file is rebuilt
    again = figures(library, later)
    assert again["reviews"] == 61 and sum(d["reviews"] for d in figures(library, later, days=400)["by_day"]) == 61
    conn = library.db.conn
    conn.execute("UPDATE decks SET parameters = ?", (json.dumps([w * 1.01 for w in rs.DEFAULT_PARAMETERS]),))
    assert figures(library, later)["calibration"] != again["calibration"]  # new weights, new predictions
    ledger.write_bytes(b"not a database")  # a damaged file: the same figures, from memory
    assert figures(library, later)["reviews"] == 61


def test_one_deck_and_report_for_a_library(library, zone, tmp_path):
    zone("UTC")
    other = tmp_path / "other.yaml"
    other.write_text(Path(library.deck_model("mini").path).read_text().replace("id: mini", "id: other", 1))
    library.add_deck_file(other)
    now = library.clock()
    other_item = library.db.conn.execute(
        "SELECT min(items.id) FROM items JOIN decks ON decks.id = items.deck WHERE decks.name = 'other'").fetchone()[0]
    log(library, now - DAY, 1, 3)
    log(library, now - DAY + 1, other_item, 1)
    assert report(library)["reviews"] == 2
    mini = report(library, "mini", days=7)
    assert (mini["reviews"], mini["correct"], len(mini["by_day"])) == (1, 1, 7)
    assert [d["deck"] for d in mini["decks"]] == ["mini"]
    assert report(library, "other")["topics"][0]["accuracy"] == 0.0


def test_cli_stats_json_has_every_figure(library, zone):
    from click.testing import CliRunner

    from quiz.cli import main

    zone("UTC")
    now = library.clock()
    log(library, now - 3 * DAY, 1, 3, kind=0)
    log(library, now - 1000, 1, 3)
    path = str(library.path)
    runner = CliRunner()
    result = runner.invoke(main, ["--db", path, "stats", "--json", "--days", "10"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert {"reviews", "correct", "accuracy", "streak_days", "time_spent_s", "by_day", "forecast", "counts",
            "true_retention", "topics", "leeches", "calibration", "decks", "grades", "by_week", "entities",
            "most_lapses", "reviews_today", "due", "due_today"} <= set(scores)
    assert set(scores["by_day"][0]) >= {"date", "reviews", "correct"} and len(scores["by_day"]) == 10
    assert set(scores["forecast"][0]) == {"date", "due"} and len(scores["forecast"]) == 30
    assert set(scores["topics"][0]) >= {"topic", "reviews", "accuracy"}
    assert set(scores["calibration"]) >= {"bins", "log_loss", "rmse_bins"}
    assert scores["calibration"]["reviews"] == 1 and scores["reviews"] == 2
    text = runner.invoke(main, ["--db", path, "stats"]).output
    assert "2 answers" in text and "calibration: 1 answer," in text and "true retention" in text
    bad = runner.invoke(main, ["--db", path, "stats", "nope"])
    assert bad.exit_code != 0 and "no deck named 'nope'" in bad.output and "Traceback" not in bad.output


@pytest.fixture
def scans(monkeypatch):
    """What the ledger redoes: each scan of the closed log (not the open part) and each deck relabelled."""
    from quiz.stats import ledger

    done: dict[str, list] = {"scans": [], "labels": []}
    scan, write_labels = ledger.Ledger.scan, ledger._write_labels

    def counted_scan(self, conn, since, until, *args, **options):
        if until is not None:
            done["scans"].append((since, options.get("decks"), options.get("sums", True)))
        return scan(self, conn, since, until, *args, **options)

    def counted_labels(conn, cache, decks):
        done["labels"].append(list(decks))
        return write_labels(conn, cache, decks)

    monkeypatch.setattr(ledger.Ledger, "scan", counted_scan)
    monkeypatch.setattr(ledger, "_write_labels", counted_labels)
    return done


def from_scratch(library, now: int) -> dict:
    Path(f"{library.path}.stats").unlink()
    return figures(library, now, days=60)


def history(library, now: int) -> None:
    """Two months of answers on every item of the mini deck, most right, so stabilities pass 21 days."""
    items = [row[0] for row in library.db.conn.execute("SELECT id FROM items ORDER BY id")]
    for item in items:
        for n in range(8):
            log(library, now - (60 - 7 * n) * DAY + item * 1000, item, 1 if (item + n) % 5 == 0 else 3,
                kind=0 if n == 0 else 2)


def test_a_change_redoes_only_the_part_of_the_ledger_it_affects(library, zone, scans):
    zone("Asia/Jakarta")
    now = library.clock()
    history(library, now)
    conn = library.db.conn
    deck = conn.execute("SELECT id FROM decks WHERE name = 'mini'").fetchone()[0]
    first = figures(library, now, days=60)
    assert [since for since, _decks, _sums in scans["scans"]] == [0] and scans["labels"] == [[deck]]

    scans["scans"].clear(), scans["labels"].clear()
    assert figures(library, now, days=60) == first  # nothing changed: nothing redone
    assert scans == {"scans": [], "labels": []}

    # Desired retention moves only the young/mature split: no scan of the log, and the same figures
    # as a ledger made from scratch.
    conn.execute("UPDATE decks SET desired_retention = 0.7 WHERE id = ?", (deck,))
    split = figures(library, now, days=60)
    assert scans == {"scans": [], "labels": []}
    assert split["true_retention"]["all"]["mature"]["reviews"] > first["true_retention"]["all"]["mature"]["reviews"]
    assert {k: v for k, v in split.items() if k != "true_retention"} == \
        {k: v for k, v in first.items() if k != "true_retention"}
    assert from_scratch(library, now) == split

    # New weights: that deck is replayed (the replay only, not the log's sums); the labels stay.
    figures(library, now, days=60)
    scans["scans"].clear(), scans["labels"].clear()
    conn.execute("UPDATE decks SET parameters = ? WHERE id = ?",
                 (json.dumps([w * 1.05 for w in rs.DEFAULT_PARAMETERS]), deck))
    weighed = figures(library, now, days=60)
    assert scans == {"scans": [(0, [deck], False)], "labels": []}
    assert weighed["calibration"] != split["calibration"] and weighed["topics"] == split["topics"]
    assert from_scratch(library, now) == weighed

    # The deck's content (a topic renamed): its labels are rewritten, the log is not read again.
    figures(library, now, days=60)
    scans["scans"].clear(), scans["labels"].clear()
    item = conn.execute("SELECT id FROM items WHERE deck = ? ORDER BY id", (deck,)).fetchone()[0]
    conn.execute("UPDATE items SET topic = ? WHERE id = ?", (json.dumps({"en": "renamed"}), item))
    conn.execute("UPDATE decks SET source_hash = 'changed' WHERE id = ?", (deck,))
    relabelled = figures(library, now, days=60)
    assert scans == {"scans": [], "labels": [[deck]]}
    assert "renamed" in [t["topic"] for t in relabelled["topics"]]
    assert relabelled["calibration"] == weighed["calibration"]
    assert from_scratch(library, now) == relabelled

    # Older history arriving (an import) changes the closed log: every sum is made again.
    figures(library, now, days=60)
    scans["scans"].clear(), scans["labels"].clear()
    log(library, now - 90 * DAY, item, 3, kind=0)
    imported = figures(library, now, days=120)
    assert [since for since, _decks, _sums in scans["scans"]] == [0] and scans["labels"] == []
    assert imported["reviews"] == first["reviews"] + 1
    Path(f"{library.path}.stats").unlink()
    assert figures(library, now, days=120) == imported


def test_days_closing_extend_the_ledger_to_the_same_figures(library, zone, scans):
    zone("America/New_York")  # a DST change inside the span
    now = at(ZoneInfo("America/New_York"), "2026-03-20 12:00")
    history(library, now)
    figures(library, now - 12 * DAY, days=60)
    for later in (now - 11 * DAY, now - 3 * DAY, now):  # the file extended, one span at a time
        extended = figures(library, later, days=60)
        assert from_scratch(library, later) == extended
        figures(library, later, days=60)
    assert all(since > 0 for since, _decks, _sums in scans["scans"][1:2])


def test_the_day_rows_come_in_any_order_within_an_item(library, zone):
    """Histories are read grouped by item; the replay does not rely on SQLite keeping time order in a group."""
    from quiz.stats import ledger
    from quiz.stats.days import StudyDays

    zone("UTC")
    now = library.clock()
    history(library, now)
    days = StudyDays(now - 70 * DAY, now)
    models, _marks = ledger.deck_models(library.db.conn, 0.9)
    straight, shuffled = ledger.Ledger(), ledger.Ledger()
    straight.scan(library.db.conn, 0, now, days, lambda items: {}, models)
    rows = [(item, times, day_list, codes) for item, times, day_list, codes in _histories(straight, library, days)]
    deck = next(iter(models))
    backwards = [(item, ",".join(times.split(",")[::-1]), ",".join(day_list.split(",")[::-1]),
                  "".join(codes[i:i + 2] for i in range(len(codes) - 2, -1, -2)))
                 for item, times, day_list, codes in rows]
    shuffled._replay(deck, backwards, {}, models[deck])
    assert shuffled.calibration == straight.calibration and shuffled.memory == straight.memory


def _histories(led, library, days):
    """Each item's history as the ledger reads it: times, days and type+rating codes."""
    conn = library.db.conn
    out = []
    for item in sorted(led.memory):
        rows = conn.execute("SELECT at, type, rating FROM reviews WHERE item = ? AND type != 4 ORDER BY at",
                            (item,)).fetchall()
        out.append((item, ",".join(str(at) for at, _, _ in rows), ",".join(str(days.ordinal(at)) for at, _, _ in rows),
                    "".join(f"{kind}{rating}" for _, kind, rating in rows)))
    return out


def test_a_new_deck_is_labelled_not_replayed(library, zone, scans, tmp_path):
    zone("UTC")
    now = library.clock()
    history(library, now)
    before = figures(library, now, days=60)
    scans["scans"].clear(), scans["labels"].clear()
    other = tmp_path / "other.yaml"
    other.write_text(Path(library.deck_model("mini").path).read_text().replace("id: mini", "id: other", 1))
    library.add_deck_file(other)
    new = library.db.conn.execute("SELECT id FROM decks WHERE name = 'other'").fetchone()[0]
    after = figures(library, now, days=60)
    assert scans == {"scans": [], "labels": [[new]]}
    assert after["reviews"] == before["reviews"] and [d["deck"] for d in after["decks"]] == ["mini", "other"]
    assert from_scratch(library, now) == after
