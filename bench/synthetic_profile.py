"""A synthetic learner's database: about 100,000 items and 1,000,000 reviews, built in seconds.

    python bench/synthetic_profile.py /tmp/profile-1m.db                      # 2 decks, ~100k items, 1M reviews
    python bench/synthetic_profile.py /tmp/profile-10k.db --reviews 10000

The decks are bench/synthetic_deck.py decks (so every item is a real question the engine can show),
registered through the store like any deck. The history is made up and written in one transaction
with executemany, not through the engine's per-answer path: two years of reviews spread over 70%
of the items, with schedules that follow from them (the last review, a stability near the last
interval, a due date after it; about 8% of the reviewed items due now). It is shaped like a real
collection for the queries the engine makes; it is not an FSRS replay.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synthetic_deck import build, to_yaml

DAY = 86_400_000
NOW = 1_767_268_800_000  # 2026-01-01 12:00 UTC: the profile's "now" (bench_engine runs at this time)
HISTORY_DAYS = 730


def build_profile(path: Path, reviews: int = 1_000_000, decks: int = 2, entities: int = 5030,
                  seed: int = 1) -> dict:
    """Write the profile database at `path` (replacing it); returns its counts."""
    from quiz.store.database import open_database, transaction
    from quiz.store.decks import register

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    db = open_database(path)
    for number in range(1, decks + 1):
        document = build(entities, seed=seed + number)
        document["deck"]["id"] = f"synthetic-{number}"
        document["deck"]["title"] = {"en": f"Synthetic {number}", "id": f"Sintetis {number}"}
        register(db, to_yaml(document), origin="imported", now_ms=NOW - HISTORY_DAYS * DAY)
    registered = time.perf_counter()

    rng = random.Random(seed)
    items = db.conn.execute("SELECT id, deck, kind FROM items").fetchall()
    studied = rng.sample(items, int(len(items) * 0.7))
    # Unique review times over two years, oldest first; each goes to a studied item.
    times = sorted(rng.sample(range(NOW - HISTORY_DAYS * DAY, NOW - DAY), reviews))
    owners = [studied[rng.randrange(len(studied))] for _ in range(reviews)]
    seen: dict[int, int] = {}  # item -> answers so far
    lapses: dict[int, int] = {}
    last: dict[int, int] = {}
    log = []
    for at, (item, deck, kind) in zip(times, owners, strict=True):
        rating = rng.choices((1, 2, 3, 4), weights=(10, 5, 80, 5))[0]
        count = seen.get(item, 0)
        review_type = 0 if count == 0 else 2
        if review_type == 2 and rating == 1:
            lapses[item] = lapses.get(item, 0) + 1
        seen[item] = count + 1
        last[item] = at
        answer = None if kind == "flashcard" else f"Country {rng.randrange(5000)}"
        log.append((at, item, deck, kind, "en", review_type, rating, int(rating > 1), answer,
                    rng.randint(1500, 25000)))
    schedules = []
    for item, count in seen.items():
        last_review = last[item]
        elapsed = NOW - last_review
        # Most are due in the future; some were due before now (overdue, to be reviewed).
        if rng.random() < 0.08:
            interval = int(elapsed * rng.uniform(0.5, 0.98))
        else:
            interval = elapsed + rng.randint(DAY, 90 * DAY)
        state = 1 if rng.random() < 0.03 else 2
        schedules.append((state, 0 if state == 1 else None, max(0.5, interval / DAY), rng.uniform(3, 8),
                          last_review + interval, last_review, count, lapses.get(item, 0), item))
    with transaction(db) as conn:
        conn.executemany("INSERT INTO reviews (at, item, deck, kind, lang, type, rating, correct, answer, ms) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", log)
        conn.executemany("UPDATE items SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, "
                         "last_review = ?, answers = ?, lapses = ? WHERE id = ?", schedules)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return {"items": len(items), "studied": len(seen), "reviews": reviews, "decks": decks,
            "register_s": round(registered - started, 1), "total_s": round(time.perf_counter() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--decks", type=int, default=2)
    parser.add_argument("--entities", type=int, default=5030, help="entities per deck (about 10 items each)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(build_profile(args.path, args.reviews, args.decks, args.entities, args.seed))


if __name__ == "__main__":
    main()
