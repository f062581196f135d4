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
- stats screen: the app running headless at 80x24, from pressing `s` to the figures drawn.

Targets (issue 6): queries for every figure under 300 ms; the stats screen open in under 0.5 s.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_engine import profile_path
from synthetic_profile import DAY, NOW

from quiz.stats import compute
from quiz.study.clock import day_start


def copy_db(source: Path, target: Path) -> Path:
    for suffix in ("", "-wal", "-shm", ".stats", ".stats-wal", ".stats-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


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


async def screen_open(db: Path, runs: int) -> list[float]:
    from quiz.tui.app import QuizApp
    from quiz.tui.screens.stats import StatsScreen

    samples = []
    for _ in range(runs):
        app = QuizApp(db_path=db, clock=lambda: NOW)
        async with app.run_test(size=(80, 24)) as pilot:
            while app.library is None:
                await pilot.pause(0.05)
            await pilot.pause()
            started = time.perf_counter()
            await pilot.press("s")
            while not (isinstance(app.screen, StatsScreen) and app.screen.stats is not None):
                await asyncio.sleep(0.002)
            await pilot.pause()  # drawn
            samples.append(time.perf_counter() - started)
    return samples


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="quiz-bench-stats-"))
    db = copy_db(profile_path(1_000_000), folder / "quiz.db")
    conn = sqlite3.connect(db, isolation_level=None)
    rows = []

    reference = timed(lambda: first_cut(conn, NOW), 3)
    rows.append(("first cut (reference): 5 figures from the log", statistics.median(reference), None))

    cold = timed(lambda: compute(conn, NOW), 1)[0]
    rows.append(("every figure, ledger cold (one-off: replays the log, writes the file)", cold, None))

    proxy = Timed(conn)
    warm = timed(lambda: compute(proxy, NOW), 7)
    sql = proxy.seconds / 7
    rows.append(("every figure, ledger warm", statistics.median(warm), sql))

    next_day = timed(lambda: compute(conn, NOW + DAY), 1)[0]
    rows.append(("every figure, a day later (the file extended)", next_day, None))

    env = dict(os.environ, QUIZ_DB=str(db), QUIZ_CONFIG=str(folder / "none.toml"))
    command = [sys.executable, "-m", "quiz", "stats", "--json"]
    cli = []
    for _ in range(3):
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        cli.append(time.perf_counter() - started)
    keys = sorted(json.loads(done.stdout))
    rows.append(("`quiz stats --json`, whole process", statistics.median(cli), None))

    screen = asyncio.run(screen_open(db, 3))
    rows.append(("stats screen: `s` to figures drawn (80x24, headless)", statistics.median(screen), None))

    print(f"1,000,000 reviews, 100,225 items; median of runs; {len(keys)} JSON keys\n")
    print("| what | time | of which SQLite |")
    print("|---|---:|---:|")
    for name, seconds, in_sql in rows:
        print(f"| {name} | {ms(seconds)} | {ms(in_sql) if in_sql is not None else ''} |")
    conn.close()


if __name__ == "__main__":
    main()
