"""Answer checking: exact keys for choices, folded text and typo tolerance for typed answers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz.questions.question import Question
from quiz.study.checking import allowed_edits, check


def choice(kind="mcq", answer=(1,), n=4) -> Question:
    return Question(id="q", kind=kind, lang="en", prompt="?", deck="d", template="t",
                    choices=[f"option {i}" for i in range(n)], answer=list(answer))


def typed(answer="Kazakhstan", accepted=("Kazakhstan", "Qazaqstan")) -> Question:
    return Question(id="q", kind="type_in", lang="en", prompt="?", deck="d", template="t", answer_text=answer,
                    accepted=list(accepted))


def test_single_answer_is_right_only_for_the_key():
    question = choice()
    assert check(question, [1]).correct
    assert not check(question, [0]).correct
    assert not check(question, []).correct  # "I don't know"
    assert check(question, [1]).given == "option 1"
    with pytest.raises(ValueError):
        check(question, [1, 2])
    with pytest.raises(ValueError):
        check(question, [4])
    with pytest.raises(ValueError):
        check(question, "option 1")


@given(st.sets(st.integers(0, 4), min_size=1), st.sets(st.integers(0, 4)))
def test_multi_select_is_right_only_for_exactly_the_keys(keys, picked):
    question = choice("multi_select", sorted(keys), n=5)
    assert check(question, sorted(picked)).correct == (picked == keys)


def test_multi_select_logs_every_chosen_option():
    question = choice("multi_select", (0, 2), n=5)
    assert check(question, [2, 0]).given == "option 0\noption 2"
    with pytest.raises(ValueError):
        check(question, [0, 0])


@pytest.mark.parametrize("text", ["Kazakhstan", "kazakhstan", " KAZAKHSTAN. ", "Kazakhstán", "qazaqstan"])
def test_typed_answers_ignore_case_accents_punctuation_and_take_aliases(text):
    result = check(typed(), text)
    assert result.correct and not result.typo


@pytest.mark.parametrize("text", ["Kazakstan", "Kazakhtsan", "Kazakhstam"])
def test_near_misses_are_typos(text):
    result = check(typed(), text)
    assert result.correct and result.typo and result.expected == "Kazakhstan" and result.typed == text


@pytest.mark.parametrize(("answer", "text"), [("2002", "2003"), ("Iran", "Iraq"), ("Kazakhstan", "Kazak"),
                                              ("Kazakhstan", "")])
def test_digits_short_answers_and_far_misses_are_wrong(answer, text):
    result = check(typed(answer, (answer,)), text)
    assert not result.correct and not result.typo


def test_a_name_the_deck_knows_is_never_a_typo():
    assert check(typed("Austria", ("Austria",)), "Australia").correct is False
    assert check(typed("Slovenia", ("Slovenia",)), "Slovakia").correct is False
    question = typed("Gambia", ("Gambia",))
    assert check(question, "Zambia").typo
    assert not check(question, "Zambia", other_names={"zambia"}).correct


@pytest.mark.parametrize(("answer", "text", "typo"), [("Asia", "Asai", True), ("Laos", "Loas", True),
                                                      ("USA", "UAS", True), ("Iran", "Iarn", True),
                                                      ("Iran", "Irna", True), ("Iran", "Iraq", False),
                                                      ("Laos", "Lao", False), ("1991", "1919", False),
                                                      ("Asia", "Aisa", True), ("Asia", "Aias", False)])
def test_a_short_word_may_only_have_two_neighbouring_letters_swapped(answer, text, typo):
    result = check(typed(answer, (answer,)), text)
    assert result.correct is typo and result.typo is typo


def test_a_short_word_swapped_into_a_name_the_deck_knows_is_wrong():
    assert not check(typed("Mali", ("Mali",)), "Mail", other_names={"mail"}).correct


def test_allowed_edits_grow_with_length():
    assert [allowed_edits(word) for word in ("laos", "russia", "kazakhstan", "1999")] == [0, 1, 2, 0]


def test_flashcards_are_not_checked():
    question = Question(id="q", kind="flashcard", lang="en", prompt="?", deck="d", template="t")
    with pytest.raises(ValueError):
        check(question, "anything")
