"""FSRS scheduling of one item: review, a preview of each grade, replay of the log, leeches.

Wraps fsrs.Scheduler (py-fsrs 6), one per deck (desired retention is per deck). Two additions:

- Deterministic fuzz. py-fsrs fuzzes review intervals with the global `random()`; here fsrs runs
  with fuzzing off and the same fuzz (the same ranges as fsrs and Anki) is drawn from a Random
  seeded by the item and its answer count. Replaying the log therefore gives exactly the stored
  state, and the intervals shown before grading a flashcard are exactly what the grade will do.
- Lapses and leeches. A lapse is a review answered Again. At `leech_lapses` lapses (and every half
  of that again after, as Anki does) the item becomes a leech and is suspended.

Times are unix milliseconds (UTC), stability is in days.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from quiz.store.items import Schedule, make_schedule
from quiz.store.schema import NEW, PRACTICE, REVIEW, SUSPENDED
from quiz.study.rating import AGAIN, EASY

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from quiz.config import StudyConfig
    from quiz.store.reviews import Review

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
# (start, end, factor) in days: fsrs.scheduler.FUZZ_RANGES, which are Anki's.
_FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, math.inf, 0.05))


def to_datetime(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


def to_ms(moment: datetime) -> int:
    return (moment - EPOCH) // _MS


class Scheduling:
    """`parameters`: the deck's FSRS weights (decks.parameters, fitted to the learner), or None for fsrs's
    defaults; weights fsrs refuses are ignored too. fsrs is imported on first use, not before the first
    question is on screen."""

    def __init__(self, config: StudyConfig, desired_retention: float | None = None,
                 parameters: Sequence[float] | None = None):
        self._config = config
        self._desired_retention = desired_retention or config.desired_retention
        self._parameters = tuple(parameters) if parameters else None
        self._fsrs = None
        self._fsrs_module = None
        self.fuzz = config.fuzz
        self.leech_lapses = config.leech_lapses

    @property
    def fsrs(self):
        if self._fsrs is None:
            import fsrs

            self._fsrs_module = fsrs
            config = self._config
            options = dict(
                desired_retention=self._desired_retention,
                learning_steps=tuple(timedelta(minutes=m) for m in config.learning_steps),
                relearning_steps=tuple(timedelta(minutes=m) for m in config.relearning_steps),
                maximum_interval=config.maximum_interval,
                enable_fuzzing=False,  # fuzzed here, deterministically
            )
            scheduler = None
            if self._parameters is not None:
                try:
                    scheduler = fsrs.Scheduler(parameters=self._parameters, **options)
                except ValueError:
                    scheduler = None  # not weights this fsrs takes: its defaults rather than no schedule
            self._fsrs = scheduler or fsrs.Scheduler(**options)
        return self._fsrs

    @property
    def parameters(self) -> tuple[float, ...]:
        """The weights in use."""
        return tuple(self.fsrs.parameters)

    # -- one answer ---------------------------------------------------------------------------
    def review(self, item: int, schedule: Schedule, rating: int, at_ms: int, *, fuzz: bool = True) -> Schedule:
        """The schedule after answering with `rating` (1-4) at `at_ms`. `fuzz=False`: without the item's
        fuzz (the due fsrs gives), which nothing after depends on: fsrs reads a card's last review, never
        its due, so a log replayed that way differs only in its last due, which fuzzed_due then gives."""
        scheduler = self.fsrs
        fsrs = self._fsrs_module
        at = to_datetime(at_ms)
        card, _ = scheduler.review_card(self._card(item, schedule, at), fsrs.Rating(rating), review_datetime=at)
        due = to_ms(card.due)
        state = int(card.state)
        if fuzz:
            due = self.fuzzed_due(item, schedule.answers, at_ms, due, state)
        lapsed = schedule.state == REVIEW and rating == AGAIN
        lapses = schedule.lapses + lapsed
        leech = lapsed and self.is_leech(lapses)
        # Every field anew: made directly (dataclasses.replace was a fifth of a review's time; an
        # import replays thousands).
        return make_schedule(state, card.step, card.stability, card.difficulty, due, at_ms, schedule.answers + 1,
                             lapses, SUSPENDED if leech else schedule.status, schedule.leech or leech)

    def fuzzed_due(self, item: int, answers: int, at_ms: int, due_ms: int, state: int) -> int:
        """The due of the item's answer at `at_ms` after `answers` log entries, whose due without fuzz is
        `due_ms` and whose state after is `state`: in review, moved by the fuzz drawn for the item."""
        if not self.fuzz or state != REVIEW:
            return due_ms
        return at_ms + self._fuzzed(timedelta(milliseconds=due_ms - at_ms),
                                    random.Random(f"{item}/{answers}")) // _MS

    def practice(self, schedule: Schedule) -> Schedule:
        """A practice (cram) answer: logged and counted, the schedule untouched."""
        return replace(schedule, answers=schedule.answers + 1)

    def preview(self, item: int, schedule: Schedule, now_ms: int) -> dict[int, timedelta]:
        """What each rating would do now: rating -> time until the item is due again."""
        out = {}
        for rating in range(AGAIN, EASY + 1):
            after = self.review(item, schedule, rating, now_ms)
            out[rating] = timedelta(milliseconds=after.due - now_ms)
        return out

    def is_leech(self, lapses: int) -> bool:
        limit = self.leech_lapses
        if limit <= 0 or lapses < limit:
            return False
        return (lapses - limit) % max(1, limit // 2) == 0

    def retrievability(self, schedule: Schedule, now_ms: int) -> float:
        """Probability of recall now (0 for a new item)."""
        if schedule.state == NEW:
            return 0.0
        return self.fsrs.get_card_retrievability(self._card(0, schedule, None), to_datetime(now_ms))

    # -- the log ------------------------------------------------------------------------------
    def replay(self, item: int, reviews: Iterable[Review]) -> Schedule:
        """The schedule the item's log leads to (status aside): what the store must hold."""
        schedule = Schedule()
        for review in reviews:
            if review.type == PRACTICE:
                schedule = self.practice(schedule)
            else:
                schedule = self.review(item, schedule, review.rating, review.at)
        return schedule

    # -- helpers ------------------------------------------------------------------------------
    def _card(self, item: int, schedule: Schedule, now: datetime | None):
        self.fsrs  # noqa: B018 - imports fsrs
        fsrs = self._fsrs_module
        if schedule.state == NEW:
            return fsrs.Card(card_id=item, state=fsrs.State.Learning, step=0, due=now)
        return fsrs.Card(
            card_id=item, state=fsrs.State(schedule.state), step=schedule.step, stability=schedule.stability,
            difficulty=schedule.difficulty, due=to_datetime(schedule.due),
            last_review=to_datetime(schedule.last_review) if schedule.last_review is not None else None,
        )

    def _fuzzed(self, interval: timedelta, rng: random.Random) -> timedelta:
        """fsrs's fuzz, with the random number drawn from `rng`."""
        days = interval.days
        if days < 2.5:
            return interval
        delta = 1.0 + sum(factor * max(min(float(days), end) - start, 0.0) for start, end, factor in _FUZZ_RANGES)
        maximum = self.fsrs.maximum_interval
        low, high = max(2, round(days - delta)), min(round(days + delta), maximum)
        low = min(low, high)
        return timedelta(days=min(round(rng.random() * (high - low + 1) + low), maximum))

