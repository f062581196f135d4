"""The study engine on a synthetic profile: next question, committed answer, due counts, queue, disk.

    python bench/bench_engine.py                   # builds the profiles on first use (about a minute each)
    python bench/bench_engine.py --answers 3000    # more samples

Profiles (bench/synthetic_profile.py) are cached in the system temp folder as quiz-profile-<reviews>.db; each
run studies a copy, so the figures do not drift from run to run. Prints Markdown tables.

- next(): pick the next item and re-draw its options (generator.one), as the app does per question.
- answer(): check, rate, FSRS review, and commit the log entry and the new state in one transaction.
- due counts: Library.decks() for every deck (one pass over the schedule index).
- queue: planning a session (20 new, 200 reviews) at 10k and at 1M reviews, same 100k items.
- disk: bytes per review in the review table (SQLite's dbstat), beside Anki's revlog schema filled
  with a million rows of the same shape (its table and its two indexes).

    python bench/bench_engine.py --startup                      # the engine's start-up and memory, alone
    python bench/bench_engine.py --startup --base /tmp/quiz-old  # ... beside another checkout of quiz

--startup: the engine's share of `quiz study DECK` without Textual, each a fresh child process (with
bytecode caching on, as an installed quiz has it): import the engine, open the library (registering
the bundled deck), start a session, the first question; russia-allies on a fresh database and again
(warm), and synthetic-1 on a copy of the 1M-review profile. Then the peak RSS (VmHWM) of a child that
answers 60 questions of the profile. --base runs the same children on another source tree (e.g. `git
archive HEAD` unpacked) side by side; its profile copy is marked with the schema version it reads.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synthetic_profile import DAY, NOW, build_profile

from quiz.config import StudyConfig
from quiz.study.engine import Library


def profile_path(reviews: int) -> Path:
    """The cached profile, built on first use and brought up to this quiz's schema (with each deck's
    parsed model stored), so that the copies runs study never pay for a migration."""
    path = Path(tempfile.gettempdir()) / f"quiz-profile-{reviews}.db"
    if not path.exists():
        print(f"building {path} ...", file=sys.stderr)
        build_profile(path, reviews=reviews)
    upgrade(path)
    return path


def upgrade(path: Path) -> None:
    from quiz.store.decks import model_version
    from quiz.store.schema import SCHEMA_VERSION

    conn = sqlite3.connect(path)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        stale = version < SCHEMA_VERSION or conn.execute(
            "SELECT count(*) FROM decks WHERE format != 'json' AND model_version IS NOT ?",
            (model_version(),)).fetchone()[0]
    finally:
        conn.close()
    if not stale:
        return
    print(f"upgrading {path} (schema {version} -> {SCHEMA_VERSION}, deck models) ...", file=sys.stderr)
    library = Library.open(path, sync_bundled=False)
    try:
        for deck in library.decks():
            library.deck_model(deck.deck)  # stores the parsed model
        library.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        library.close()
    for backup in path.parent.glob(f"{path.name}.v*.backup*"):  # the migration's safety copy: not needed here
        backup.unlink()


def copy_db(source: Path, target: Path) -> Path:
    """A consistent copy through SQLite's backup API, the source opened read-only: the -wal is read
    as SQLite reads it, never copied stale beside a newer main file. Whatever lay beside the target
    (its -wal/-shm, which SQLite would replay onto the copy, and the scores' ledger) goes first."""
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


def working_copy(reviews: int, folder: Path) -> Path:
    return copy_db(profile_path(reviews), folder / f"profile-{reviews}.db")


# A child process: only Library.open / resolve / session / next / answer / grade, which every version has.
CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from quiz.study.engine import Library
t1 = time.perf_counter()
db, deck, answers = sys.argv[1], sys.argv[2], int(sys.argv[3])
library = Library.open(db, sync_bundled=deck == "russia-allies")
t2 = time.perf_counter()
session = library.session(library.resolve(deck))
t3 = time.perf_counter()
shown = session.next()
t4 = time.perf_counter()
for number in range(answers):
    if shown is None:
        break
    q = shown.question
    right = number % 5 != 0
    if q.kind == "flashcard":
        session.grade(shown, 3 if right else 1, 4000)
    elif q.kind in ("type_in", "cloze"):
        session.answer(shown, q.answer_text if right else "no idea", 6000)
    else:
        session.answer(shown, list(q.answer) if right else [], 4000)
    shown = session.next()
library.close()
with open("/proc/self/status") as status:
    hwm = next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))
print(json.dumps({"import": t1 - t0, "open": t2 - t1, "session": t3 - t2, "first": t4 - t3, "to_first": t4 - t0,
                  "hwm": hwm, "modules": sorted(sys.modules)}))
"""


def child(tree: Path, db: Path, deck: str, answers: int = 0) -> dict:
    import json
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZ_") and k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(tree)
    env["QUIZ_CONFIG"] = str(db.parent / "none.toml")
    started = time.perf_counter()
    process = subprocess.run([sys.executable, "-c", CHILD, str(db), deck, str(answers)], env=env, cwd=db.parent,
                             capture_output=True, text=True)
    if process.returncode:
        raise SystemExit(f"{tree}: {deck} failed:\n{process.stderr[-3000:]}")
    result = json.loads(process.stdout)
    result["process"] = time.perf_counter() - started
    return result


def startup(trees: dict[str, Path], runs: int, answers: int) -> None:
    from quiz.store.schema import SCHEMA_VERSION

    rows: dict[str, dict[str, dict]] = {}
    for label, tree in trees.items():
        with tempfile.TemporaryDirectory() as folder:
            folder = Path(folder)
            profile = working_copy(1_000_000, folder)
            version = _schema_read_by(tree)
            if version < SCHEMA_VERSION:  # an older quiz refuses a newer file; the extra columns do not bother it
                conn = sqlite3.connect(profile)
                conn.execute(f"PRAGMA user_version = {version}")
                conn.close()
            child(tree, folder / "warm-up.db", "russia-allies")  # compiles bytecode, not measured
            fresh, warm, big = [], [], []
            for number in range(runs):
                db = folder / f"fresh-{number}.db"
                fresh.append(child(tree, db, "russia-allies"))
                warm.append(child(tree, db, "russia-allies"))
                big.append(child(tree, profile, "synthetic-1"))
            memory = child(tree, profile, "synthetic-1", answers)
            rows[label] = {"russia-allies, fresh database": _medians(fresh), "russia-allies, warm": _medians(warm),
                           "synthetic-1, 100k/1M profile": _medians(big), "memory": memory}
    print(f"Engine start-up, no Textual: median of {runs} child processes each; peak RSS after "
          f"{answers} answers of the profile.\n")
    print("| tree | deck | import engine | open library | session (load + plan) | first next() | "
          "to first question | process | peak RSS |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, table in rows.items():
        for name, r in table.items():
            if name == "memory":
                print(f"| {label} | synthetic-1, {answers} answers | | | | | | | {r['hwm']:.0f} MiB |")
                continue
            print(f"| {label} | {name} | {ms0(r['import'])} | {ms0(r['open'])} | {ms0(r['session'])} | "
                  f"{ms0(r['first'])} | {ms0(r['to_first'])} | {ms0(r['process'])} | {r['hwm']:.0f} MiB |")
    heavy = ("yaml", "sqlite_utils", "dateutil", "rapidfuzz", "fsrs", "textual")
    for label, table in rows.items():
        loaded = [m for m in heavy if m in table["synthetic-1, 100k/1M profile"]["modules"]]
        print(f"\n{label}: heavy modules loaded by the first question: {', '.join(loaded) or 'none'}")


def _schema_read_by(tree: Path) -> int:
    import subprocess

    code = "from quiz.store.schema import SCHEMA_VERSION; print(SCHEMA_VERSION)"
    return int(subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": str(tree)}, cwd=tree,
                              capture_output=True, text=True, check=True).stdout)


def _medians(results: list[dict]) -> dict:
    out = {key: statistics.median(r[key] for r in results)
           for key in ("import", "open", "session", "first", "to_first", "process", "hwm")}
    out["modules"] = results[-1]["modules"]
    return out


def ms0(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return statistics.median(ordered), pick(0.99), ordered[-1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def clock_from(start: int):
    """The profile's "now", moving with real time from the moment the bench starts."""
    origin = time.monotonic()
    return lambda: start + int((time.monotonic() - origin) * 1000)


def study(path: Path, answers: int, seed: int = 1) -> dict:
    config = StudyConfig(new_per_day=answers, reviews_per_day=answers)
    library = Library.open(path, config=config, clock=clock_from(NOW), sync_bundled=False)
    started = time.perf_counter()
    session = library.session("synthetic-1")  # the first session loads the deck and its generator
    first = time.perf_counter() - started
    rng = random.Random(seed)
    next_s, answer_s, both_s = [], [], []
    for _ in range(answers):
        t0 = time.perf_counter()
        shown = session.next()
        t1 = time.perf_counter()
        if shown is None:
            break
        q = shown.question
        right = rng.random() < 0.8
        if q.kind == "flashcard":
            session.grade(shown, 3 if right else 1, 4000)
        elif q.kind in ("type_in", "cloze"):
            session.answer(shown, q.answer_text if right else "no idea", 6000)
        else:
            session.answer(shown, list(q.answer) if right else [], 4000)
        t2 = time.perf_counter()
        next_s.append(t1 - t0)
        answer_s.append(t2 - t1)
        both_s.append(t2 - t0)
    library.close()
    return {"first": first, "next": next_s, "answer": answer_s, "both": both_s}


def due_counts(path: Path, repeat: int = 30) -> list[float]:
    library = Library.open(path, config=StudyConfig(), clock=lambda: NOW, sync_bundled=False)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        library.decks()
        times.append(time.perf_counter() - t0)
    library.close()
    return times


def queue_time(path: Path, repeat: int = 15) -> float:
    library = Library.open(path, config=StudyConfig(), clock=lambda: NOW, sync_bundled=False)
    library.session("synthetic-1")  # warm the page cache
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        library.session("synthetic-1")
        times.append(time.perf_counter() - t0)
    library.close()
    return statistics.median(times)


def bytes_per_review(path: Path) -> float:
    conn = sqlite3.connect(path)
    size = conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name = 'reviews'").fetchone()[0]
    count = conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    conn.close()
    return size / count


def anki_revlog_bytes(folder: Path, rows: int = 1_000_000, seed: int = 1) -> float:
    """Anki's revlog (schema 11: table + ix_revlog_usn + ix_revlog_cid) with `rows` rows like ours."""
    rng = random.Random(seed)
    path = folder / "anki-revlog.db"
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE revlog (id integer primary key, cid integer not null, usn integer not null,
            ease integer not null, ivl integer not null, lastIvl integer not null, factor integer not null,
            time integer not null, type integer not null);
        CREATE INDEX ix_revlog_usn ON revlog (usn);
        CREATE INDEX ix_revlog_cid ON revlog (cid);
    """)
    cards = [NOW - rng.randrange(730 * DAY) for _ in range(70_000)]  # card ids are creation times in ms
    times = sorted(rng.sample(range(NOW - 730 * DAY, NOW), rows))
    conn.executemany("INSERT INTO revlog VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)", (
        (at, rng.choice(cards), rng.choice((1, 2, 3, 3, 3, 3, 4)), rng.randint(1, 200), rng.randint(1, 120),
         rng.choice((0, 2500, 2650, 2300)), rng.randint(1500, 25000), rng.choice((0, 1, 1, 1, 2)))
        for at in times))
    conn.commit()
    size = conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name IN ('revlog', 'ix_revlog_usn', "
                        "'ix_revlog_cid')").fetchone()[0]
    conn.close()
    return size / rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=2000)
    parser.add_argument("--startup", action="store_true", help="the engine's start-up and memory (child processes)")
    parser.add_argument("--base", type=Path, help="with --startup: another quiz source tree to measure beside")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.startup:
        trees = {"this": Path(__file__).resolve().parent.parent}
        if args.base:
            trees = {"base": args.base.resolve(), **trees}
        startup(trees, args.runs, 60)
        return
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        big = working_copy(1_000_000, folder)
        small = working_copy(10_000, folder)
        items = sqlite3.connect(big).execute("SELECT count(*) FROM items").fetchone()[0]
        result = study(big, args.answers)
        counts = due_counts(big)
        queue_small, queue_big = queue_time(small), queue_time(big)
        ours, anki = bytes_per_review(profile_path(1_000_000)), anki_revlog_bytes(folder)

    print(f"Profile: {items:,} items in 2 decks, 1,000,000 reviews; {len(result['next']):,} questions answered.\n")
    print("| operation | p50 | p99 | max |")
    print("|---|---:|---:|---:|")
    for name, key in (("next() (pick + re-draw options)", "next"), ("answer() (check + FSRS + commit)", "answer"),
                      ("keypress to next question (answer + next)", "both")):
        p50, p99, top = percentiles(result[key])
        print(f"| {name} | {ms(p50)} | {ms(p99)} | {ms(top)} |")
    p50, _, top = percentiles(counts)
    print(f"| due counts, all decks (decks()) | {ms(p50)} | | {ms(top)} |")
    print()
    print("| one-off | time |")
    print("|---|---:|")
    print(f"| first session of a deck (load the deck, build its generator, plan) | {ms(result['first'])} |")
    print(f"| plan a session (20 new, 200 reviews), 10k reviews | {ms(queue_small)} |")
    print(f"| plan a session (20 new, 200 reviews), 1M reviews | {ms(queue_big)} "
          f"({queue_big / queue_small:.2f}x) |")
    print()
    print("| review log on disk | bytes per review |")
    print("|---|---:|")
    print(f"| quiz `reviews` (no index beyond its time key; stores the answer given) | {ours:.1f} |")
    print(f"| Anki `revlog` with its two indexes, same rows | {anki:.1f} |")


if __name__ == "__main__":
    main()
