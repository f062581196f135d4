"""What keeps the study screen's keys fast (issue 4) without changing what they do: the answer line
keeps the focus while other kinds show (no blur and focus again: two restyles), garbage is collected
between keys rather than in them, and a panel's text can be wrapped before the key that shows it."""

from __future__ import annotations

import gc

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from tui_helpers import first_question, only_kinds, review_count, screen_text, settle

from quiz.tui.widgets.options import Card


async def answer_right(pilot, screen) -> None:
    question = screen.shown.question
    if question.kind in ("type_in", "cloze"):
        await pilot.press(*question.answer_text, "enter")
    elif question.kind == "true_false":
        await pilot.press("t" if question.answer[0] == 0 else "f")
    else:
        await pilot.press(str(question.answer[0] + 1))
    await pilot.pause()
    assert screen.phase == "answered" and screen.outcome.correct, screen_text(pilot.app)


async def test_the_answer_line_keeps_the_focus_through_other_kinds(make_app, db_path):
    only_kinds(db_path, "facts", "type_in", "mcq")
    app = make_app("facts")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await first_question(pilot)
        typed = screen.query_one("#typed")
        seen_typed = False
        transitions = 0  # a typed question, then another kind
        answered = 0
        previous = None
        while answered < 12 and app.screen is screen and screen.shown is not None:
            kind = screen.shown.question.kind
            if kind == "type_in":
                seen_typed = True
                assert typed.display and not typed.locked and typed.has_focus
            else:
                assert not typed.display and (typed.locked or not seen_typed)
                if seen_typed:  # hidden and locked, still focused: the keys go through it
                    assert typed.has_focus
                    transitions += previous == "type_in"
            await answer_right(pilot, screen)
            answered += 1
            assert review_count(db_path) == answered
            previous = kind
            await pilot.press("enter")
            await pilot.pause()
        assert seen_typed and transitions, "the session should mix typed and other kinds"


async def test_garbage_is_collected_between_keys_and_the_thresholds_restored(make_app, db_path):
    before = gc.get_threshold()
    only_kinds(db_path, "facts", "mcq")
    app = make_app("facts")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await first_question(pilot)
        await settle(pilot, lambda: app._memory_settled)
        assert gc.get_threshold()[0] > before[0]  # young collections left to the idle moments
        collections = app._collections
        await answer_right(pilot, screen)
        await settle(pilot, lambda: app._collections > collections)
        assert not screen._collect_pending
        await pilot.press("enter")
        await settle(pilot, lambda: app._collections > collections + 1)
    assert gc.get_threshold() == before


class CardApp(App):
    CSS = "VerticalScroll { height: 1fr; padding: 1 2 0 2; scrollbar-gutter: stable; }"

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Card(id="card")


def panel() -> list[Content]:
    long = "An explanation long enough to wrap over several lines of the card: " + "word " * 40 + "end."
    return [Content.styled("✘ Wrong", "bold"), Content(f"{long}\nSecond paragraph.\n{long}")]


async def test_a_prepared_panel_draws_the_same_lines():
    app = CardApp()
    async with app.run_test(size=(60, 20)) as pilot:
        card = app.query_one(Card)
        card.set_question(Content("Which one?"), ["One", "Two"])
        card.draw()
        await pilot.pause()
        card.set_panel(panel(), "-wrong")
        card.draw()
        plain = [line.plain for line in card.lines]
        assert max(len(line) for line in plain) <= card.width() and len(plain) > 12
        card.set_panel(None)
        card._wraps.clear()
        card.prepare(panel())
        assert card._wraps  # the long paragraphs, wrapped ahead
        card.set_panel(panel(), "-wrong")
        card.draw()
        assert [line.plain for line in card.lines] == plain
        await pilot.resize_terminal(40, 20)  # another width: wrapped again for it, not taken from before
        await pilot.pause()
        card.draw()
        assert max(len(line.plain) for line in card.lines) <= card.width() < 60 - 4
        assert len(card.lines) > len(plain)
