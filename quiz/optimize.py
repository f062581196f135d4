"""`quiz optimize`: FSRS weights fitted to the learner's own review log, adopted only if better.

The log becomes fsrs-rs training items as Anki builds them: each item's scheduled answers (practice
answers are not part of the schedule and are left out), oldest first, with the number of study days
between them (day_starts_at, the learner's time zone); every answer after the first that follows
at least one day's gap is one training item: the history up to and including it.

Evaluation is on a time-series split: the items are ordered by the time of the answer they
predict, weights are fitted on the oldest 80% and both those and the deck's current weights are
scored (log loss, RMSE (bins), fsrs-rs's own metrics) on the newest 20%, which the fit never saw.
The new weights are adopted only if their log loss there is lower (fitted again on the whole log
first, so no answer is wasted); otherwise the deck keeps its weights. Below MIN_REVIEWS scorable answers
nothing is fitted and the report says how many more are needed.

fsrs-rs-python 0.9 fits FSRS-6: 21 weights, the same vector (and defaults) as the `fsrs` package the
scheduler uses; anything else is refused rather than stored. Never imports textual.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

MIN_REVIEWS = 400  # scorable answers (a day or more after the one before) needed to fit
TEST_SHARE = 0.2
WEIGHTS = 21


@dataclass
class Optimization:
    deck: str
    reviews: int  # scorable answers in the log
    needed: int = 0  # more scorable answers needed before fitting (0: enough)
    adopted: bool = False
    current: dict = field(default_factory=dict)  # {"log_loss", "rmse_bins"} on the newest answers
    fitted: dict = field(default_factory=dict)
    parameters: list[float] | None = None  # the weights the deck uses now

    def to_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        if self.needed:
            return (f"{self.deck}: {self.reviews} answers to learn from; {self.needed} more needed "
                    f"(at least {MIN_REVIEWS}, each a day or more after the one before)")
        verdict = "adopted the new weights" if self.adopted else "kept the current weights"
        return (f"{self.deck}: {self.reviews} answers; current weights log loss {self.current['log_loss']:.4f}, "
                f"RMSE (bins) {self.current['rmse_bins']:.4f}; fitted {self.fitted['log_loss']:.4f}, "
                f"{self.fitted['rmse_bins']:.4f}: {verdict}")


def training_items(conn, deck_key: int, day_starts_at: int, now: int) -> list[tuple[int, object]]:
    """(time of the predicted answer, FSRSItem) for each scorable answer of the deck, oldest first."""
    import fsrs_rs_python as rs

    from quiz.stats.days import StudyDays
    from quiz.store.schema import PRACTICE

    rows = conn.execute("SELECT item, at, rating FROM reviews WHERE deck = ? AND type != ? ORDER BY item, at",
                        (deck_key, PRACTICE)).fetchall()
    if not rows:
        return []
    days = StudyDays(min(row[1] for row in rows), now, day_starts_at, days_after=0)
    out = []
    previous_item, previous_day, history = None, None, []
    for item, at, rating in rows:
        day = days.ordinal(at)
        if item != previous_item:
            previous_item, previous_day, history = item, None, []
        history.append(rs.FSRSReview(rating, 0 if previous_day is None else day - previous_day))
        if previous_day is not None and day > previous_day:
            out.append((at, rs.FSRSItem(list(history))))
        previous_day = day
    out.sort(key=lambda pair: pair[0])
    return out


def current_weights(conn, deck_key: int) -> list[float]:
    import fsrs_rs_python as rs

    text = conn.execute("SELECT parameters FROM decks WHERE id = ?", (deck_key,)).fetchone()[0]
    return json.loads(text) if text else list(rs.DEFAULT_PARAMETERS)


def optimize(library, deck: str, *, adopt: bool = True) -> Optimization:
    """Fit, compare on the newest answers, and store the weights if they are better. Raises UnknownDeck."""
    import fsrs_rs_python as rs

    stored = library._stored(deck)
    conn = library.db.conn
    items = training_items(conn, stored.key, library.config.day_starts_at, library.clock())
    weights = current_weights(conn, stored.key)
    report = Optimization(deck=stored.name, reviews=len(items), parameters=weights)
    if len(items) < MIN_REVIEWS:
        report.needed = MIN_REVIEWS - len(items)
        return report
    split = int(len(items) * (1 - TEST_SHARE))
    train = [item for _, item in items[:split]]
    test = [item for _, item in items[split:]]
    fitted = _fit(train)
    report.current = _score(rs.FSRS(weights), test)
    report.fitted = _score(rs.FSRS(fitted), test)
    # Log loss decides: it is a proper scoring rule over every answer, where RMSE (bins) averages groups
    # and moves by noise on a small test split; both are reported.
    better = report.fitted["log_loss"] < report.current["log_loss"]
    if better and adopt:
        final = _fit(train + test)
        _store(library, stored.key, final)
        report.parameters = final
        report.adopted = True
    return report


def _fit(items) -> list[float]:
    import fsrs_rs_python as rs

    weights = [float(w) for w in rs.FSRS(list(rs.DEFAULT_PARAMETERS)).compute_parameters(items)]
    if len(weights) != WEIGHTS:
        raise ValueError(f"fsrs-rs fitted {len(weights)} weights; the scheduler takes {WEIGHTS}")
    return weights


def _score(model, items) -> dict:
    evaluation = model.evaluate(items)
    return {"log_loss": round(float(evaluation.log_loss), 6), "rmse_bins": round(float(evaluation.rmse_bins), 6)}


def _store(library, deck_key: int, weights: list[float]) -> None:
    from quiz.store.database import transaction

    with transaction(library.db) as conn:
        conn.execute("UPDATE decks SET parameters = ? WHERE id = ?", (json.dumps(weights), deck_key))
    library.config = library.config  # rebuilds the deck's scheduler with its new weights


def workload(weights: list[float] | None, retention: float, deck_size: int, new_per_day: int,
             reviews_per_day: int, days: int = 365) -> dict:
    """The FSRS simulator's estimate for a desired retention: reviews and minutes a day, on average."""
    import fsrs_rs_python as rs

    config = rs.default_simulator_config()
    config.deck_size = max(1, deck_size)
    config.learn_span = days
    config.learn_limit = new_per_day
    config.review_limit = reviews_per_day
    result = rs.simulate(weights or list(rs.DEFAULT_PARAMETERS), retention, config, 42)
    reviews = result.review_cnt_per_day
    costs = result.cost_per_day
    return {"retention": retention, "reviews_per_day": round(sum(reviews) / len(reviews), 1) if reviews else 0.0,
            "minutes_per_day": round(sum(costs) / len(costs) / 60, 1) if costs else 0.0,
            "memorized": round(result.memorized_cnt_per_day[-1]) if result.memorized_cnt_per_day else 0}
