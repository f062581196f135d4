"""A deck whose text looks like markup or terminal control is studied through every screen.

Its title, questions, options, answers, explanations and sources hold `[@click=app.quit]x[/]`,
`[/]`, `[A] Paris`, `[$accent]`, `[link=http://x]y[/link]`, ESC sequences and NUL. Shown as
markup they would quit the app on a click, raise a markup error, or vanish; reaching the terminal
they would recolour or clear it. Everything must show literally, and the app must keep running.
"""

from __future__ import annotations

from dataclasses import replace

from tui_helpers import first_question, screen_text, settle

from quiz.tui.literal import clean, literal
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.stats import StatsScreen
from quiz.tui.screens.summary import SummaryScreen
from quiz.tui.widgets.options import Card

TITLE = "[@click=app.quit]Hostile[/] [b]deck"


def assert_safe(app) -> str:
    assert app.is_running and app.return_code is None
    text = screen_text(app)
    assert "\x1b" not in text and "\x00" not in text
    return text


async def click_the_markup(pilot, clicked: set[str]) -> None:
    """Click each place on screen where deck text looks like a link or an action (once per line of
    text): as markup, `[@click=app.quit]` would quit and `[link=...]` would open a browser."""
    for y, line in enumerate(screen_text(pilot.app).splitlines()):
        for token in ("[@click=", "[link="):
            x = line.find(token)
            # (not the header: a click there makes it taller; its title is checked on screen)
            if x >= 0 and y > 0 and line.strip() not in clicked:
                clicked.add(line.strip())
                await pilot.click(offset=(x + 1, y))
    assert_safe(pilot.app)


async def ask_hostile(pilot, screen, clicked: set[str]) -> None:
    """Answer the hostile question on screen every way there is (each option clicked, then undone),
    checking that its text, answer, explanation and sources show literally and nothing runs."""
    app = pilot.app
    question = screen.shown.question
    assert question.prompt in assert_safe(app)
    if question.kind == "mcq":
        options = screen.query_one("#card", Card)
        for index, choice in enumerate(question.choices):
            assert choice in screen_text(app)
            await pilot.click(options, offset=options.offset_of(index))
            text = assert_safe(app)
            assert screen.phase == "answered"
            assert f"Answer: {question.answer_text}" in text
            await pilot.press("u")
            assert screen.phase == "asking"
        await pilot.click(options, offset=options.offset_of(question.answer[0]))
    elif question.kind == "type_in":
        await pilot.press(*"[/] [b]x", "enter")
        text = assert_safe(app)
        assert "[/] [b]x" in text and "Answer: [/] Rome [b]" in text
    else:
        actions = screen.query_one("#card", Card)
        assert [action for *_, action in actions.spans] == ["reveal"]
        await pilot.click(actions, offset=actions.offset_of_button("reveal"))
        text = assert_safe(app)
        assert f"Answer: {question.answer_text}" in text
        if question.explanation:
            assert question.explanation in text
    for literal_text in ("Because [@click=app.quit]x[/]  [bold]", "[$accent]Outlet[/]",
                         "“[link=http://x]y[/link]”"):
        if literal_text in question.explanation or literal_text.strip("“”") in str(question.sources):
            assert literal_text in screen_text(app), screen_text(app)
    await click_the_markup(pilot, clicked)
    if question.kind == "flashcard":
        actions = screen.query_one("#card", Card)
        await pilot.click(actions, offset=actions.offset_of_button("grade(3)"))


def test_the_glass_strips_control_characters():
    assert clean("a\x1b[31mb\x00c\x9bd\te") == "a[31mbcd e"
    assert literal("[@click=app.quit]x[/]").plain == "[@click=app.quit]x[/]"


async def test_hostile_deck_through_every_screen(make_app, db_path):
    clicked: set[str] = set()
    app = make_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot, lambda: app.screen.query_one("#decks").row_count == 3)
        text = assert_safe(app)
        assert TITLE in text
        await click_the_markup(pilot, clicked)  # its row: highlighted, not quit
        assert app.screen.query_one("#decks").cursor_row == 2

        # The command palette shows it literally too (Textual's own provider would parse it).
        await pilot.press("ctrl+p", *"hos")
        await settle(pilot, lambda: f"study: {TITLE}" in screen_text(app))
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen))

        # Its three cards, asked every way: "mixed" asks the two with choices as multiple choice
        # (new cards), "typed" the other typed; a card asked neither way is a flashcard.
        seen = set()
        for mode in ("mixed", "typed"):
            app.library.config = replace(app.library.config, card_questions=mode)
            app.clear_notifications()  # the last pass's "Answer undone." toasts would cover the text
            await pilot.press("enter")
            screen = await first_question(pilot)
            assert TITLE in assert_safe(app)  # in the header
            for _ in range(3):
                seen.add(screen.shown.question.kind)
                await ask_hostile(pilot, screen, clicked)
                if screen.phase == "answered":
                    await pilot.press("enter")
                if screen.shown is None or app.screen is not screen:
                    break
            if app.screen is screen:
                await pilot.press("escape")
            await settle(pilot, lambda: isinstance(app.screen, SummaryScreen))
            assert_safe(app)
            await pilot.press("enter")
            await settle(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert seen == {"mcq", "type_in", "flashcard"}

        await pilot.press("s")
        await settle(pilot, lambda: isinstance(app.screen, StatsScreen) and app.screen.stats is not None)
        text = assert_safe(app)
        assert TITLE in text
        await pilot.press("escape", "ctrl+l")
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert "[@click=app.quit]Dek[/] jahat" in assert_safe(app)
