"""How fast are the scores? Every figure of `quiz stats --json`, and the stats screen, on the 1M-review profile.

    python bench/bench_stats.py            # builds/uses the cached profile (bench/bench_engine.py's)

Side by side in one run, on a copy of the profile (100,225 items, 1,000,000 reviews):

- first cut (reference): the figures `quiz stats` had before issue 6 (answers, right, today, streak,
  due), straight from the log with the first cut's queries (kept below, verbatim in substance).
- figures, ledger cold: every figure of `quiz stats --json` with no ledger file yet: the one-off
  replay of the whole log (fsrs-rs) that writes `quiz.db.stats`.
- figures, ledger warm: every figure again, the file up to date (the usual case); also split into
  the time spent in SQLite (queries) and the rest (Python).
- the day after: the clock a day on, the file extended to the new cut-off (the profile has no answers
  that day, so this is the cost of the check and of an empty fold).
- `quiz stats --json`: the whole command in a fresh process (interpreter, imports, printing).
- first ledger (reference): the same figures with issue 6's first ledger (commit 7ed031c, run from
  `git archive` in a fresh process on a copy): its cold build and its warm figures.
- after a change: one deck's desired retention (only the young/mature split is redone), its weights
  (that deck is replayed) and its content (its labels rewritten); each should cost far less than cold.
- stats screen: the app running headless at 80x24, from pressing `s` to Today's figures drawn (cheap
  queries, first) and to every figure drawn; then once with no ledger file (cold).

    python bench/bench_stats.py --no-reference   # without the first ledger's run (about 30 s less)

Targets (issue 6): queries for every figure under 300 ms; the stats screen open in under 0.5 s.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_engine import copy_db, profile_path
from synthetic_profile import DAY, NOW

from quiz.stats import compute
from quiz.study.clock import day_start


def first_cut(conn, now: int, day_starts_at: int = 4) -> dict:
    """The first cut's figures (quiz/stats.py before issue 6): counts over the whole log every time."""
    decks = dict(conn.execute("SELECT id, name FROM decks ORDER BY name").fetchall())
    today = day_start(now, day_starts_at)
    tomorrow = day_start(now, day_starts_at, days=1)
    answers = {k: (n, r) for k, n, r in conn.execute("SELECT deck, count(*), sum(correct) FROM reviews GROUP BY deck")}
    today_counts = dict(conn.execute("SELECT deck, count(*) FROM reviews WHERE at >= ? GROUP BY deck", (today,)))
    due = {k: (a, b) for k, a, b in conn.execute(
        "SELECT deck, sum(due <= ?), sum(due < ?) FROM items WHERE status = 'active' AND state != 0 GROUP BY deck",
        (now, tomorrow))}

    def studied(offset: int) -> bool:
        start, end = day_start(now, day_starts_at, offset), day_start(now, day_starts_at, offset + 1)
        row = conn.execute("SELECT 1 FROM reviews WHERE at >= ? AND at < ? LIMIT 1", (start, end)).fetchone()
        return row is not None

    offset = 0 if studied(0) else -1
    streak = 0
    while studied(offset):
        streak += 1
        offset -= 1
    return {"decks": decks, "answers": answers, "today": today_counts, "due": due, "streak": streak}


class Timed:
    """A connection that adds up the time spent in SQLite (execute and fetching)."""

    def __init__(self, conn):
        self.conn, self.seconds = conn, 0.0

    def execute(self, sql, params=()):
        started = time.perf_counter()
        rows = self.conn.execute(sql, params).fetchall()
        self.seconds += time.perf_counter() - started
        return _Rows(rows)

    def __getattr__(self, name):
        return getattr(self.conn, name)


class _Rows(list):
    def fetchone(self):
        return self[0] if self else None

    def fetchall(self):
        return list(self)


def timed(fn, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


async def screen_open(db: Path, runs: int, cold: bool = False) -> tuple[list[float], list[float]]:
    """From pressing `s`: (Today's figures drawn, every figure drawn); `cold` removes the ledger file first."""
    from quiz.tui.app import QuizApp
    from quiz.tui.screens.stats import StatsScreen

    first, every = [], []
    for _ in range(runs):
        if cold:
            Path(f"{db}.stats").unlink(missing_ok=True)
        app = QuizApp(db_path=db, clock=lambda: NOW)
        async with app.run_test(size=(80, 24)) as pilot:
            while app.library is None:
                await pilot.pause(0.05)
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause(0.2)  # the home screen settled
            # The key as the terminal sends it (pilot.press would return only once every worker is done).
            started = time.perf_counter()
            app.simulate_key("s")
            # today_drawn: set after the refresh that drew Today's figures.
            while not (isinstance(app.screen, StatsScreen) and app.screen.today_drawn.is_set()):
                await asyncio.sleep(0.002)
            first.append(time.perf_counter() - started)
            while app.screen.stats is None:
                await asyncio.sleep(0.002)
            await pilot.pause()  # drawn
            every.append(time.perf_counter() - started)
    return first, every


REFERENCE_COMMIT = "7ed031c"  # the first ledger (quiz/stats as issue 6's first commit left it)


def reference_cold(db: Path) -> tuple[float, float] | None:
    """The first ledger's cold build and warm figures, in a fresh process running that commit's quiz package."""
    root = Path(__file__).resolve().parent.parent
    folder = Path(tempfile.mkdtemp(prefix="quiz-bench-ref-"))
    try:
        archive = subprocess.run(["git", "-C", str(root), "archive", REFERENCE_COMMIT, "quiz"], capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    except (OSError, subprocess.CalledProcessError):
        shutil.rmtree(folder, ignore_errors=True)
        return None
    script = (f"import sys, time, sqlite3; sys.path.insert(0, {str(folder)!r}); from quiz.stats import compute\n"
              f"conn = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
              "t = time.perf_counter(); compute(conn, " + str(NOW) + "); cold = time.perf_counter() - t\n"
              "t = time.perf_counter(); compute(conn, " + str(NOW) + "); print(cold, time.perf_counter() - t)")
    try:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    cold, warm = map(float, done.stdout.split())
    return cold, warm


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="quiz-bench-stats-"))
    try:
        run(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # two copies of the profile


def run(folder: Path) -> None:
    db = copy_db(profile_path(1_000_000), folder / "quiz.db")
    conn = sqlite3.connect(db, isolation_level=None)
    rows = []

    reference = timed(lambda: first_cut(conn, NOW), 3)
    rows.append(("first cut (reference): 5 figures from the log", statistics.median(reference), None))

    if "--no-reference" not in sys.argv:
        found = reference_cold(copy_db(db, folder / "reference.db"))
        if found:
            rows.append((f"first ledger ({REFERENCE_COMMIT}, reference): every figure, ledger cold", found[0], None))
            rows.append((f"first ledger ({REFERENCE_COMMIT}, reference): every figure, ledger warm", found[1], None))

    cold = timed(lambda: compute(conn, NOW), 1)[0]
    rows.append(("every figure, ledger cold (one-off: replays the log, writes the file)", cold, None))

    proxy = Timed(conn)
    warm = timed(lambda: compute(proxy, NOW), 7)
    sql = proxy.seconds / 7
    rows.append(("every figure, ledger warm", statistics.median(warm), sql))

    next_day = timed(lambda: compute(conn, NOW + DAY), 1)[0]
    rows.append(("every figure, a day later (the file extended)", next_day, None))

    # What a change costs: each redoes only its part of the file (quiz/stats/ledger.py).
    deck, weights = conn.execute("SELECT decks.id, parameters FROM decks JOIN reviews ON reviews.deck = decks.id "
                                 "WHERE reviews.at > ? ORDER BY reviews.at LIMIT 1", (NOW - 30 * DAY,)).fetchone()
    share = conn.execute("SELECT count(*) FROM reviews WHERE deck = ?", (deck,)).fetchone()[0]
    conn.execute("UPDATE decks SET desired_retention = 0.8 WHERE id = ?", (deck,))
    rows.append(("every figure, after one deck's desired retention changed", timed(lambda: compute(conn, NOW), 1)[0],
                 None))
    import fsrs_rs_python as rs

    conn.execute("UPDATE decks SET parameters = ? WHERE id = ?",
                 (json.dumps([w * 1.01 for w in rs.DEFAULT_PARAMETERS]), deck))
    rows.append((f"every figure, after one deck's weights changed (that deck replayed: {share:,} answers)",
                 timed(lambda: compute(conn, NOW), 1)[0], None))
    conn.execute("UPDATE decks SET source_hash = source_hash || 'x' WHERE id = ?", (deck,))
    rows.append(("every figure, after one deck's content changed (its labels rewritten)",
                 timed(lambda: compute(conn, NOW), 1)[0], None))
    conn.execute("UPDATE decks SET desired_retention = NULL, parameters = ? WHERE id = ?", (weights, deck))
    compute(conn, NOW)

    env = dict(os.environ, QUIZ_DB=str(db), QUIZ_CONFIG=str(folder / "none.toml"))
    command = [sys.executable, "-m", "quiz", "stats", "--json"]
    cli = []
    for _ in range(3):
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        cli.append(time.perf_counter() - started)
    keys = sorted(json.loads(done.stdout))
    rows.append(("`quiz stats --json`, whole process", statistics.median(cli), None))

    first, every = asyncio.run(screen_open(db, 3))
    rows.append(("stats screen: `s` to Today's figures drawn (80x24, headless)", statistics.median(first), None))
    rows.append(("stats screen: `s` to every figure drawn", statistics.median(every), None))
    first, every = asyncio.run(screen_open(db, 1, cold=True))
    rows.append(("stats screen, ledger cold: `s` to Today's figures drawn (and the note)", first[0], None))
    rows.append(("stats screen, ledger cold: `s` to every figure drawn", every[0], None))

    print(f"1,000,000 reviews, 100,225 items; median of runs; {len(keys)} JSON keys\n")
    print("| what | time | of which SQLite |")
    print("|---|---:|---:|")
    for name, seconds, in_sql in rows:
        print(f"| {name} | {ms(seconds)} | {ms(in_sql) if in_sql is not None else ''} |")
    conn.close()


if __name__ == "__main__":
    main()
