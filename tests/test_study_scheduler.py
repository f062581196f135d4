"""FSRS scheduling: deterministic fuzz, replay, previews, leeches."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quiz.config import StudyConfig
from quiz.store.items import Schedule
from quiz.store.reviews import Review
from quiz.study.scheduler import Scheduling

T0 = 1_750_000_000_000
DAY = 86_400_000


def grow(scheduling, item, days=300):
    """Answer Good at every due date: the intervals grow, past the point where fuzz applies."""
    schedule, at, log = Schedule(), T0, []
    while at < T0 + days * DAY:
        schedule = scheduling.review(item, schedule, 3, at)
        log.append(Review(at, item, 1, "mcq", "en", 0, 3, True, "x", 1000))
        at = schedule.due
    return schedule, log


def test_fuzz_is_deterministic_per_item_and_answer_count_and_within_fsrs_range():
    scheduling = Scheduling(StudyConfig())
    plain = Scheduling(StudyConfig(fuzz=False))
    first, _ = grow(scheduling, 7)
    again, _ = grow(scheduling, 7)
    assert first == again
    # Different items drift apart; without fuzz they would not.
    dues = {grow(scheduling, item)[0].due for item in range(1, 30)}
    assert len(dues) > 1
    assert len({grow(plain, item)[0].due for item in range(1, 30)}) == 1
    # One fuzzed review stays within fsrs's range around the unfuzzed interval.
    schedule = Schedule(state=2, stability=40.0, difficulty=5.0, due=T0, last_review=T0 - 40 * DAY, answers=5)
    base = (plain.review(1, schedule, 3, T0).due - T0) / DAY
    assert base > 20
    spread = 1 + 0.15 * (7 - 2.5) + 0.1 * (20 - 7) + 0.05 * (base - 20)  # fsrs.scheduler.FUZZ_RANGES
    fuzzed = {(scheduling.review(item, schedule, 3, T0).due - T0) / DAY for item in range(50)}
    assert len(fuzzed) > 1 and all(abs(days - base) <= round(spread) + 1 for days in fuzzed)


def test_replay_of_a_log_gives_the_same_schedule():
    scheduling = Scheduling(StudyConfig())
    schedule, log = grow(scheduling, 3)
    log.append(Review(log[-1].at + 1, 3, 1, "mcq", "en", 4, 1, False, "y", 1000))  # practice: counted only
    replayed = scheduling.replay(3, log)
    assert replayed.card_fields() == Schedule(**{**schedule.to_dict(), "answers": schedule.answers + 1}).card_fields()


def test_preview_matches_each_review():
    scheduling = Scheduling(StudyConfig())
    schedule, _ = grow(scheduling, 5, days=40)
    now = schedule.due + 3600_000
    preview = scheduling.preview(5, schedule, now)
    for rating in range(1, 5):
        assert timedelta(milliseconds=scheduling.review(5, schedule, rating, now).due - now) == preview[rating]
    assert preview[1] == timedelta(minutes=10)  # relearning step


def test_desired_retention_shortens_or_lengthens_intervals():
    schedule = Schedule(state=2, stability=20.0, difficulty=5.0, due=T0, last_review=T0 - 20 * DAY)
    config = StudyConfig(fuzz=False)
    high = Scheduling(config, desired_retention=0.97).review(1, schedule, 3, T0).due
    low = Scheduling(config, desired_retention=0.80).review(1, schedule, 3, T0).due
    assert high < low


@pytest.mark.parametrize(("limit", "leeches"), [(8, [8, 12, 16]), (4, [4, 6, 8, 10, 12, 14, 16]), (0, [])])
def test_leech_at_the_limit_then_every_half_limit(limit, leeches):
    scheduling = Scheduling(StudyConfig(leech_lapses=limit))
    assert [n for n in range(1, 18) if scheduling.is_leech(n)] == leeches


def test_a_lapse_counts_and_the_eighth_suspends():
    scheduling = Scheduling(StudyConfig())
    schedule = Schedule(state=2, stability=3.0, difficulty=6.0, due=T0, last_review=T0 - 3 * DAY, lapses=7)
    after = scheduling.review(1, schedule, 1, T0)
    assert after.lapses == 8 and after.leech and after.status == "suspended" and after.state == 3
    learning = scheduling.review(1, Schedule(), 1, T0)  # Again on a new item is not a lapse
    assert learning.lapses == 0 and learning.state == 1


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(item=st.integers(1, 10_000), answers=st.lists(st.tuples(st.integers(1, 60 * DAY), st.integers(1, 4)),
                                                     min_size=1, max_size=12))
def test_a_log_replayed_without_fuzz_differs_only_in_its_last_due_which_fuzzed_due_gives(item, answers):
    # What quiz.study.replay_ahead rests on: fsrs never reads a card's due, so a log replayed before its
    # item is known (fuzz=False) has every field of the fuzzed replay but the due, and fuzzing the last
    # due for the item makes it the same.
    scheduling = Scheduling(StudyConfig(leech_lapses=2))
    fuzzed = unfuzzed = Schedule()
    at = T0
    for gap, rating in answers:
        at += gap
        before = unfuzzed.answers
        fuzzed = scheduling.review(item, fuzzed, rating, at)
        unfuzzed = scheduling.review(item, unfuzzed, rating, at, fuzz=False)
        assert (fuzzed.state, fuzzed.stability, fuzzed.difficulty, fuzzed.lapses, fuzzed.status, fuzzed.leech) == \
               (unfuzzed.state, unfuzzed.stability, unfuzzed.difficulty, unfuzzed.lapses, unfuzzed.status,
                unfuzzed.leech)
    due = scheduling.fuzzed_due(item, before, at, unfuzzed.due, unfuzzed.state)
    assert Schedule(**{**unfuzzed.to_dict(), "due": due}) == fuzzed


def test_fuzzed_due_moves_a_review_s_due_and_nothing_else():
    scheduling, plain = Scheduling(StudyConfig()), Scheduling(StudyConfig(fuzz=False))
    schedule = Schedule(state=2, stability=40.0, difficulty=5.0, due=T0, last_review=T0 - 40 * DAY, answers=5)
    unfuzzed = scheduling.review(1, schedule, 3, T0, fuzz=False)
    assert unfuzzed == plain.review(1, schedule, 3, T0)
    dues = {scheduling.fuzzed_due(item, 5, T0, unfuzzed.due, unfuzzed.state) for item in range(20)}
    assert len(dues) > 1 and scheduling.review(7, schedule, 3, T0).due in dues
    assert scheduling.fuzzed_due(7, 5, T0, T0 + 600_000, 1) == T0 + 600_000  # learning: not fuzzed
    assert plain.fuzzed_due(7, 5, T0, unfuzzed.due, unfuzzed.state) == unfuzzed.due
