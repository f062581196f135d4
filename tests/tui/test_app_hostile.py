"""A deck whose text looks like markup or terminal control is studied through every screen.

Its title, questions, options, answers, explanations and sources hold `[@click=app.quit]x[/]`,
`[/]`, `[A] Paris`, `[$accent]`, `[link=http://x]y[/link]`, ESC sequences and NUL. Shown as
markup they would quit the app on a click, raise a markup error, or vanish; reaching the terminal
they would recolour or clear it. Everything must show literally, and the app must keep running.
"""

from __future__ import annotations

import sqlite3

from tui_helpers import first_question, screen_text, settle

from quiz.tui.literal import clean, literal
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.stats import StatsScreen
from quiz.tui.screens.study import StudyScreen
from quiz.tui.screens.summary import SummaryScreen
from quiz.tui.widgets.options import Card

TITLE = "[@click=app.quit]Hostile[/] [b]deck"


def set_active(db, kinds: tuple[str, ...]) -> None:
    """Only these kinds of the hostile deck are asked."""
    with sqlite3.connect(db) as conn:
        marks = ",".join("?" * len(kinds))
        conn.execute(f"UPDATE items SET status = CASE WHEN kind IN ({marks}) THEN 'active' ELSE 'suspended' END "
                     "WHERE deck = (SELECT id FROM decks WHERE name = 'hostile')", kinds)
    conn.close()


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


def test_the_glass_strips_control_characters():
    assert clean("a\x1b[31mb\x00c\x9bd\te") == "a[31mbcd e"
    assert literal("[@click=app.quit]x[/]").plain == "[@click=app.quit]x[/]"


async def test_hostile_deck_through_every_screen(make_app, db_path):
    set_active(db_path, ("mcq", "type_in"))
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

        await pilot.press("enter")
        screen = await first_question(pilot)
        assert TITLE in assert_safe(app)  # in the header
        seen = set()
        while screen.shown is not None and screen.shown.question.kind not in seen:
            question = screen.shown.question
            seen.add(question.kind)
            text = assert_safe(app)
            assert question.prompt in text
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
            else:
                await pilot.press(*"[/] [b]x", "enter")
                text = assert_safe(app)
                assert "[/] [b]x" in text and "Answer: [/] Rome [b]" in text
            for literal_text in ("Because [@click=app.quit]x[/]  [bold]", "[$accent]Outlet[/]",
                                 "“[link=http://x]y[/link]”"):
                if literal_text in question.explanation or literal_text.strip("“”") in str(question.sources):
                    assert literal_text in screen_text(app), screen_text(app)
            await click_the_markup(pilot, clicked)
            await pilot.press("enter")
        assert seen == {"mcq", "type_in"}

        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, SummaryScreen))
        assert_safe(app)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen))

        set_active(db_path, ("flashcard",))
        await pilot.press("enter")
        screen = await first_question(pilot)
        for _ in range(3):
            question = screen.shown.question
            assert question.kind == "flashcard" and question.prompt in assert_safe(app)
            actions = screen.query_one("#card", Card)
            assert [action for *_, action in actions.spans] == ["reveal"]
            await pilot.click(actions, offset=actions.offset_of_button("reveal"))
            text = assert_safe(app)
            assert f"Answer: {question.answer_text}" in text
            if question.explanation:
                assert question.explanation in text
            await click_the_markup(pilot, clicked)
            await pilot.click(actions, offset=actions.offset_of_button("grade(3)"))
            if not isinstance(app.screen, StudyScreen) or screen.shown is None:
                break
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, SummaryScreen))
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen))

        await pilot.press("s")
        await settle(pilot, lambda: isinstance(app.screen, StatsScreen) and app.screen.stats is not None)
        text = assert_safe(app)
        assert TITLE in text
        await pilot.press("escape", "ctrl+l")
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert "[@click=app.quit]Dek[/] jahat" in assert_safe(app)
