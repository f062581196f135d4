"""Calibration: FSRS's predicted recall at each review against what happened.

How the prediction is made. The log is replayed with fsrs-rs (`FSRS.historical_memory_states`,
Rust): each item's non-practice answers, in order, with the number of study days between them, give
its memory state (stability, difficulty) after each answer; the state before an answer and the days
since the one before give the predicted recall R = (1 + factor * t / S) ** decay (FSRS-6, the
deck's own weights from `decks.parameters`, else fsrs's defaults). A replay, not the stored
stability, because the items table keeps only the latest state; the replay is folded into the stats
ledger (quiz/stats/ledger.py) so each review is replayed once.

Which answers are scored, and how, as open-spaced-repetition/srs-benchmark does: an item's first
answer has no prediction and same-day answers (t = 0) are short-term, so neither is scored; the
outcome is 1 unless the rating is Again. Log loss is the mean binary cross-entropy; RMSE (bins)
groups the answers by days since the last answer, by the answer's number in the item's history and
by past lapses (each on the benchmark's logarithmic scale), and takes the root of the
count-weighted mean squared difference between the mean outcome and the mean prediction of each
group. Every sum is additive, so the ledger keeps the groups and any span of the log adds up.
"""

from __future__ import annotations

import math

# Predictions are kept away from 0 and 1 so one confident miss cannot make the log loss infinite.
_EPSILON = 1e-6
DISPLAY_BINS = 10  # predicted recall in tenths, for the table and the chart


def decay_factor(weights) -> tuple[float, float]:
    decay = -weights[20]
    return decay, 0.9 ** (1 / decay) - 1


def recall(stability: float, days: float, decay: float, factor: float) -> float:
    return (1 + factor * days / stability) ** decay


def interval(stability: float, retention: float, decay: float, factor: float) -> float:
    """FSRS's interval (days) for a stability and a desired retention."""
    return stability / factor * (retention ** (1 / decay) - 1)


def groups(days: int, number: int, lapses: int) -> tuple[float, float, float]:
    """The benchmark's RMSE (bins) group of an answer: days since the last, its number, past lapses."""
    return (round(2.48 * 3.62 ** math.floor(math.log(days) / math.log(3.62)), 2),
            round(1.99 * 1.89 ** math.floor(math.log(number) / math.log(1.89)), 0),
            round(1.65 * 1.73 ** math.floor(math.log(lapses) / math.log(1.73)), 0) if lapses else 0.0)


def log_loss_term(p: float, y: int) -> float:
    p = min(max(p, _EPSILON), 1 - _EPSILON)
    return -math.log(p) if y else -math.log(1 - p)


def summary(rows) -> dict:
    """rows: (display bin, days group, number group, lapses group, n, sum p, sum y, sum log loss)."""
    bins: dict[int, list[float]] = {}
    cells: dict[tuple, list[float]] = {}
    total = loss = 0.0
    for pbin, dgroup, igroup, lgroup, n, sp, sy, sll in rows:
        for key, table in ((pbin, bins), ((dgroup, igroup, lgroup), cells)):
            cell = table.setdefault(key, [0, 0.0, 0.0])
            cell[0] += n
            cell[1] += sp
            cell[2] += sy
        total += n
        loss += sll
    if not total:
        return {"reviews": 0, "bins": [], "log_loss": None, "rmse_bins": None}
    rmse = math.sqrt(sum(n * (sy / n - sp / n) ** 2 for n, sp, sy in cells.values()) / total)
    return {
        "reviews": int(total),
        "bins": [{"from": b / DISPLAY_BINS, "to": (b + 1) / DISPLAY_BINS, "reviews": int(n),
                  "predicted": round(sp / n, 4), "actual": round(sy / n, 4)}
                 for b, (n, sp, sy) in sorted(bins.items())],
        "log_loss": round(loss / total, 4), "rmse_bins": round(rmse, 4),
    }
