"""quiz optimize: fits FSRS to the learner's log, and adopts the weights only if they predict better."""

from __future__ import annotations

import json
import random

import fsrs_rs_python as rs
import pytest
from click.testing import CliRunner

import quiz.optimize as optimize_module
from quiz.cli import main
from quiz.config import StudyConfig
from quiz.optimize import MIN_REVIEWS, WEIGHTS, optimize, workload
from quiz.study.engine import Library, UnknownDeck

DAY = 86_400_000
NOW = 1_780_000_000_000


@pytest.fixture
def library(tmp_path, mini_path, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    lib = Library.open(tmp_path / "quiz.db", config=StudyConfig(), clock=lambda: NOW, sync_bundled=False)
    lib.add_deck_file(mini_path)
    yield lib
    lib.close()


def stored_weights(library):
    text = library.db.conn.execute("SELECT parameters FROM decks WHERE name = 'mini'").fetchone()[0]
    return json.loads(text) if text else None


def simulate(library, items: int, reviews: int, seed: int = 7) -> int:
    """A learner who remembers far better than FSRS's defaults expect: recall drawn from FSRS with
    first stabilities ten times the defaults. Returns the number of log entries written."""
    truth = list(rs.DEFAULT_PARAMETERS)
    truth[:4] = [w * 10 for w in truth[:4]]
    model = rs.FSRS(truth)
    decay, factor = -truth[20], 0.9 ** (1 / -truth[20]) - 1
    rng = random.Random(seed)
    conn = library.db.conn
    deck = conn.execute("SELECT id FROM decks WHERE name = 'mini'").fetchone()[0]
    # One item per simulated history: copies of the deck's first item (the log only needs the rows).
    for n in range(items):
        conn.execute("INSERT INTO items (deck, qid, template, anchor, kind, facts, topic, hash) SELECT deck, "
                     "qid || ?, template, anchor, kind, facts, topic, hash FROM items WHERE id = 1", (f"-{n}",))
    keys = [row[0] for row in conn.execute("SELECT id FROM items WHERE qid LIKE '%-%' ORDER BY id")]
    rows = []
    for n in range(items):
        item = keys[n]
        day = -rng.randrange(300, 400)
        state = model.memory_state(rs.FSRSItem([rs.FSRSReview(3, 0)]))
        rows.append((day, item, 0, 3))
        for _ in range(reviews - 1):
            gap = rng.randrange(1, 40)
            day += gap
            if day >= 0:
                break
            recalled = rng.random() < (1 + factor * gap / state.stability) ** decay
            rating = 3 if recalled else 1
            states = model.next_states(state, 0.9, gap)
            state = (states.good if recalled else states.again).memory
            rows.append((day, item, 2, rating))
    for stamp, (day, item, kind, rating) in enumerate(sorted(rows)):
        conn.execute("INSERT INTO reviews VALUES (?, ?, ?, 'mcq', 'en', ?, ?, ?, NULL, 1000)",
                     (NOW + day * DAY + stamp, item, deck, kind, rating, int(rating > 1)))
    return len(rows)


def test_too_little_history_says_how_many_more_answers_are_needed(library):
    simulate(library, items=10, reviews=4)
    result = optimize(library, "mini")
    assert 0 < result.reviews < MIN_REVIEWS and result.needed == MIN_REVIEWS - result.reviews
    assert not result.adopted and stored_weights(library) is None
    assert f"{result.needed} more needed" in result.summary()


def test_enough_history_fits_better_weights_and_adopts_them(library):
    simulate(library, items=400, reviews=8)
    result = optimize(library, "mini")
    assert result.reviews >= MIN_REVIEWS and result.needed == 0
    assert result.fitted["log_loss"] < result.current["log_loss"]
    assert result.fitted["rmse_bins"] > 0 and result.current["rmse_bins"] > 0
    assert result.adopted
    weights = stored_weights(library)
    assert weights == result.parameters and len(weights) == WEIGHTS
    assert weights[:4] != pytest.approx(list(rs.DEFAULT_PARAMETERS)[:4], rel=0.1)  # moved towards the learner


def test_weights_that_predict_worse_are_not_adopted(library, monkeypatch):
    simulate(library, items=400, reviews=8)
    worse = list(rs.DEFAULT_PARAMETERS)
    worse[:4] = [0.1, 0.1, 0.1, 0.1]  # forgets everything at once: further from this learner than the defaults
    monkeypatch.setattr(optimize_module, "_fit", lambda items: worse)
    result = optimize(library, "mini")
    assert result.fitted["log_loss"] > result.current["log_loss"]
    assert not result.adopted and stored_weights(library) is None
    assert "kept the current weights" in result.summary()


def test_unknown_deck(library):
    with pytest.raises(UnknownDeck):
        optimize(library, "nope")


def test_cli_optimize_reports_and_json(library, tmp_path):
    simulate(library, items=10, reviews=4)
    path = str(library.path)
    library.close()
    runner = CliRunner()
    result = runner.invoke(main, ["--db", path, "optimize", "mini"])
    assert result.exit_code == 0, result.output
    assert "more needed" in result.output
    result = runner.invoke(main, ["--db", path, "optimize", "mini", "--json"])
    (entry,) = json.loads(result.output)
    assert entry["deck"] == "mini" and entry["needed"] > 0 and entry["adopted"] is False
    result = runner.invoke(main, ["--db", path, "optimize", "nope"])
    assert result.exit_code != 0 and "no deck named 'nope'" in result.output and "Traceback" not in result.output


def test_workload_grows_with_desired_retention():
    low, high = workload(None, 0.80, 500, 20, 9999), workload(None, 0.95, 500, 20, 9999)
    assert 0 < low["reviews_per_day"] < high["reviews_per_day"]
    assert low["minutes_per_day"] < high["minutes_per_day"]
