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
"""

from __future__ import annotations

import argparse
import random
import shutil
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
    path = Path(tempfile.gettempdir()) / f"quiz-profile-{reviews}.db"
    if not path.exists():
        print(f"building {path} ...", file=sys.stderr)
        build_profile(path, reviews=reviews)
    return path


def working_copy(reviews: int, folder: Path) -> Path:
    target = folder / f"profile-{reviews}.db"
    shutil.copyfile(profile_path(reviews), target)
    return target


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
    args = parser.parse_args()
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
