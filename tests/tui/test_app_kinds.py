"""Every kind of question, answered right and wrong, with the keyboard and with the mouse.

Each test studies one deck with every item but one kind suspended, so the question on screen is
of the wanted kind whatever the session's order. What the test checks: the screen's state, and the
review log, which must hold the answer as soon as the feedback shows (before the next question).
"""

from __future__ import annotations

import pytest
from tui_helpers import ask_cards_as, first_question, only_cards_typed, only_kinds, query, review_count, screen_text

from quiz.tui.widgets.options import Card


def last_review(db) -> tuple:
    return query(db, "SELECT kind, rating, correct, answer FROM reviews ORDER BY at DESC LIMIT 1")[0]


async def choose(pilot, screen, index: int, how: str) -> None:
    """Pick option `index` (0-based): its number key, or a click on its row."""
    if how == "key":
        await pilot.press(str(index + 1))
    else:
        card = screen.query_one("#card", Card)
        await pilot.click(card, offset=card.offset_of(index))
    await pilot.pause()


async def click_action(pilot, screen, action: str) -> None:
    card = screen.panel_card()  # the buttons: in the card, or under the answer line for typed kinds
    assert card.display and [a for _, _, a in card.spans].count(action) == 1, card.spans
    await pilot.click(card, offset=card.offset_of_button(action))
    await pilot.pause()


def assert_answered(screen, db, kind: str, correct: bool, count: int = 1) -> None:
    assert screen.phase == "answered"
    assert screen.outcome.correct is correct
    assert review_count(db) == count  # committed before the next question is even asked for
    logged_kind, _rating, logged_correct, _answer = last_review(db)
    assert (logged_kind, bool(logged_correct)) == (kind, correct)
    card = screen.panel_card()
    assert card.display and card.panel_shown and card.panel_kind == ("-right" if correct else "-wrong")
    text = screen_text(screen.app)
    assert ("✔ Right" if correct else "✘ Wrong") in text
    assert f"Answer: {screen.outcome.right_answer}" in text


async def go_on(pilot, screen, how: str) -> None:
    """Leave the feedback: Enter, or a click on Next. The next question comes; the log keeps one row."""
    answered = screen.shown
    if how == "key":
        await pilot.press("enter")
    else:
        await click_action(pilot, screen, "next")
    await pilot.pause()
    assert screen.phase == "asking" or screen.app.screen is not screen
    assert screen.shown is not answered


@pytest.mark.parametrize("how", ["key", "click"])
@pytest.mark.parametrize("kind", ["mcq", "mcq_not", "true_false"])
async def test_single_choice_right_then_wrong(make_app, db_path, kind, how):
    only_kinds(db_path, "facts", kind)
    app = make_app("facts")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await first_question(pilot)
        for count, right in enumerate((True, False), 1):  # a right answer's item comes back (a learning step)
            question = screen.shown.question
            assert question.kind == kind
            options = screen.query_one("#card", Card)
            assert options.choices == question.choices
            text = screen_text(app)
            assert all(f"{n}  {choice}" in text for n, choice in enumerate(question.choices, 1))
            pick = question.answer[0] if right else next(i for i in range(len(question.choices))
                                                         if i not in question.answer)
            assert review_count(db_path) == count - 1
            await choose(pilot, screen, pick, how)
            assert_answered(screen, db_path, kind, right, count)
            assert options.state(question.answer[0]) == "key" and options.mark(question.answer[0]) == "✔"
            assert (options.state(pick) == "wrong") is (not right)
            assert f"✔ {question.answer[0] + 1}  " in screen_text(app)
            assert (f"✘ {pick + 1}  " in screen_text(app)) is (not right)
            await go_on(pilot, screen, how)
            assert review_count(db_path) == count


@pytest.mark.parametrize("keys", [("t", "f"), ("1", "2")], ids=["tf", "12"])
async def test_true_false_keys(make_app, db_path, keys):
    only_kinds(db_path, "facts", "true_false")
    app = make_app("facts")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await first_question(pilot)
        for _ in range(2):  # one True question, one False, whichever comes first
            question = screen.shown.question
            assert question.choices == ["True", "False"]
            await pilot.press(keys[question.answer[0]])
            assert screen.outcome.correct
            await pilot.press("enter")
        assert [row[0] for row in query(db_path, "SELECT correct FROM reviews")] == [1, 1]


@pytest.mark.parametrize("how", ["key", "click"])
async def test_multi_select_right_only_with_exactly_the_keys(make_app, db_path, how):
    only_kinds(db_path, "facts", "multi_select")
    app = make_app("facts")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await first_question(pilot)
        question = screen.shown.question
        assert question.kind == "multi_select"
        keys, other = question.answer, next(i for i in range(len(question.choices)) if i not in question.answer)
        choices = screen.query_one("#card", Card)
        await choose(pilot, screen, other, how)  # toggled on, then off again: not an answer
        await choose(pilot, screen, other, how)
        assert screen.phase == "asking" and choices.selected() == [] and review_count(db_path) == 0
        await pilot.press("enter")  # nothing chosen: not an answer (a stray Enter must not fail it)
        assert screen.phase == "asking" and review_count(db_path) == 0
        assert any("Choose one or more options first" in n.message for n in app._notifications)
        for index in keys:
            await choose(pilot, screen, index, how)
        assert choices.selected() == sorted(keys)
        assert "[x]" in screen_text(app)
        await choose(pilot, screen, other, how)  # one too many
        if how == "key":
            await pilot.press("enter")
        else:
            await click_action(pilot, screen, "submit")
        assert_answered(screen, db_path, "multi_select", False)
        await pilot.press("u")  # take it back and answer with exactly the keys
        assert review_count(db_path) == 0
        for index in keys:
            await choose(pilot, screen, index, how)
        await pilot.press("enter")
        assert_answered(screen, db_path, "multi_select", True)


@pytest.mark.parametrize("kind", ["type_in", "cloze"])
async def test_typed_right_then_wrong(make_app, db_path, kind):
    """The first answer typed straight away (the answer line has the focus) and sent with Enter; the
    second after a click into the answer line, and the feedback left with a click on Next."""
    only_kinds(db_path, "facts", kind)
    app = make_app("facts")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await first_question(pilot)
        for count, (typed_text, how) in enumerate((("2002", "key"), ("2003", "click")), 1):
            question = screen.shown.question
            assert question.kind == kind and question.answer_text == "2002"
            typed = screen.query_one("#typed")
            assert typed.display and typed.value == "" and typed.can_focus
            if how == "click":
                screen.set_focus(None)
                await pilot.click(typed)
            else:
                # Letters the study screen binds (t, f, g, s, u, space) are text here, not commands.
                await pilot.press(*"tfgsu ")
                assert typed.value == "tfgsu " and screen.phase == "asking"
                typed.value = ""
            assert typed.has_focus
            await pilot.press(*typed_text, "enter")
            assert_answered(screen, db_path, kind, typed_text == "2002", count)
            assert last_review(db_path)[3] == typed_text
            # The keys are the screen's again: the answer line keeps the focus (no restyle) but no key.
            assert typed.locked and typed.has_focus
            await pilot.press("x", "backspace")
            assert typed.value == typed_text and screen.phase == "answered"
            await go_on(pilot, screen, how)


async def test_a_near_miss_is_a_typo_and_the_difference_shows(make_app, db_path, config_path):
    ask_cards_as(config_path, "typed")
    only_cards_typed(db_path)
    app = make_app("cards")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await first_question(pilot)
        answer = screen.shown.question.answer_text
        assert answer in ("Astana", "Canberra")
        typo = {"Astana": "Astna", "Canberra": "Canbera"}[answer]
        await pilot.press(*typo, "enter")
        assert screen.outcome.correct and screen.outcome.typo
        text = screen_text(app)
        assert "Accepted, with a typo:" in text and f"{typo} → {answer}" in text
        assert last_review(db_path)[1] == 2  # a typo is rated Hard


@pytest.mark.parametrize("how", ["key", "click"])
async def test_flashcard_reveal_then_grade_with_intervals(make_app, db_path, config_path, how):
    ask_cards_as(config_path, "flashcard")
    app = make_app("cards")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await first_question(pilot)
        for grade in (1, 3):
            question = screen.shown.question
            assert question.kind == "flashcard"
            assert not screen.query_one("#card", Card).panel_shown
            assert f"Answer: {question.answer_text}" not in screen_text(app)
            if how == "key":
                await pilot.press("space")
            else:
                await click_action(pilot, screen, "reveal")
            assert screen.phase == "revealed"
            text = screen_text(app)
            assert f"Answer: {question.answer_text}" in text
            # Every grade shows the interval it leads to, as Anki does.
            labels = screen.query_one("#card", Card).labels()
            assert [label.split("\n")[0].split()[1] for label in labels] == ["Again", "Hard", "Good", "Easy"]
            assert all(label.split("\n")[1].startswith(("in ", "tomorrow")) for label in labels)
            assert review_count(db_path) == (0 if grade == 1 else 1)
            shown = screen.shown
            if how == "key":
                await pilot.press(str(grade))
            else:
                await click_action(pilot, screen, f"grade({grade})")
            assert screen.shown is not shown
            kind, rating, correct, _ = last_review(db_path)
            assert (kind, rating, bool(correct)) == ("flashcard", grade, grade > 1)
        assert review_count(db_path) == 2
