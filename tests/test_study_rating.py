"""The rating policy: wrong is Again, right is Good, Hard when slow or a typo, Easy when fast and mature."""

from __future__ import annotations

from quiz.study.rating import AGAIN, EASY, GOOD, HARD, RatingPolicy

POLICY = RatingPolicy()


def rate(**kwargs):
    args = {"correct": True, "elapsed_ms": 4000, "chars": 80, "typed": False, "typo": False,
            "interval_days": None} | kwargs
    return POLICY.rate(**args)


def test_wrong_is_again_whatever_else():
    assert rate(correct=False) == AGAIN
    assert rate(correct=False, elapsed_ms=100, interval_days=100) == AGAIN


def test_right_is_good_hard_when_slow_or_a_typo():
    assert rate() == GOOD
    assert rate(typo=True) == HARD
    assert rate(elapsed_ms=60_000) == HARD
    # Reading time counts: a long question may take longer before it is slow.
    assert rate(elapsed_ms=15_000, chars=40) == HARD
    assert rate(elapsed_ms=15_000, chars=400) == GOOD
    # Typing takes longer than pressing a number.
    assert rate(elapsed_ms=20_000, typed=True) == GOOD


def test_easy_only_when_fast_and_mature():
    assert rate(elapsed_ms=1000) == GOOD  # fast but new
    assert rate(elapsed_ms=1000, interval_days=5) == GOOD  # fast but young
    assert rate(elapsed_ms=1000, interval_days=30) == EASY
    assert rate(elapsed_ms=8000, interval_days=30) == GOOD  # mature but not fast


def test_the_policy_is_configurable_and_round_trips():
    strict = RatingPolicy(slow_ms=1000, slow_ms_per_char=0, mature_days=1)
    assert strict.rate(correct=True, elapsed_ms=1500, chars=10, typed=False) == HARD
    assert RatingPolicy.from_dict(strict.to_dict()) == strict
