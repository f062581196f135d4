"""First-cut scores: answers, accuracy, today's answers, the streak, what is due."""

from __future__ import annotations

import pytest

from quiz.study.clock import day_start
from quiz.study.engine import UnknownDeck

DAY = 86_400_000
NOON = day_start(1_750_000_000_000) + 8 * 3_600_000  # midday of a study day (which starts at 4 am)


@pytest.fixture
def start_ms() -> int:
    return NOON


def study(library, answers: int, right_every: int = 2) -> int:
    """Answer `answers` questions, every `right_every`-th wrong; the number right."""
    session = library.session("mini", limit=50)
    right = 0
    for n in range(answers):
        shown = session.next()
        q = shown.question
        ok = n % right_every != 0
        if q.kind == "flashcard":
            session.grade(shown, 3 if ok else 1, 1000)
        elif q.kind in ("type_in", "cloze"):
            session.answer(shown, q.answer_text if ok else "zzz", 1000)
        else:
            session.answer(shown, q.answer if ok else [next(i for i in range(len(q.choices)) if i not in q.answer)],
                           1000)
        right += ok
    return right


def test_scores_count_answers_accuracy_and_today(library):
    clock = library.clock
    right = study(library, 6)
    clock.ms += DAY
    right += study(library, 4)
    scores = library.stats()
    assert scores["reviews"] == 10 and scores["correct"] == right
    assert scores["accuracy"] == pytest.approx(right / 10, abs=1e-4)
    assert scores["reviews_today"] == 4
    (deck,) = scores["decks"]
    assert {key: deck[key] for key in ("deck", "reviews", "correct")} == {"deck": "mini", "reviews": 10,
                                                                          "correct": right}
    assert deck["due"] == scores["due"] and deck["due"] >= 0
    assert scores["due_today"] >= scores["due"]


def test_the_streak_counts_consecutive_study_days(library):
    clock = library.clock
    assert library.stats()["streak_days"] == 0
    for _ in range(3):
        study(library, 1)
        clock.ms += DAY
    # Today has no answer yet: the streak still stands until the day is over.
    assert library.stats()["streak_days"] == 3
    study(library, 1)
    assert library.stats()["streak_days"] == 4
    clock.ms += 2 * DAY  # a day missed
    assert library.stats()["streak_days"] == 0
    study(library, 1)
    assert library.stats()["streak_days"] == 1


def test_a_study_day_starts_at_four_in_the_morning(library):
    clock = library.clock
    study(library, 1)
    clock.ms = day_start(NOON, days=1) - 3_600_000  # 3 am next calendar day: still the same study day
    study(library, 1)
    assert library.stats()["reviews_today"] == 2


def test_one_deck_or_an_unknown_deck(library):
    assert library.stats("mini")["decks"][0]["deck"] == "mini"
    with pytest.raises(UnknownDeck):
        library.stats("nope")


def test_answers_by_day_for_a_chart(library):
    clock = library.clock
    study(library, 3)
    clock.ms += 2 * DAY
    study(library, 2)
    days = library.answers_by_day(4)
    assert [d["reviews"] for d in days] == [0, 3, 0, 2]
    assert days[-1]["correct"] == 1 and len({d["day"] for d in days}) == 4
    assert library.answers_by_day(2, "mini")[-1]["reviews"] == 2
