"""Snapshots of every screen at 80x24, in English and Indonesian (pytest-textual-snapshot).

Deterministic by construction: a copy of the same database, a fixed clock and time zone (see
conftest.py), decks whose session order and options are fixed by their ids, keys rather than the
mouse (no hover), and no blinking cursor. After a change to a screen, look at the new pictures
(`pytest tests/tui --snapshot-update`, then snapshot_report.html) before accepting them.
"""

from __future__ import annotations

import pytest
from tui_helpers import START_MS, Clock, ask_cards_as, first_question, only_cards_typed, only_kinds, settle

from quiz.tui.screens.help import HelpScreen
from quiz.tui.screens.settings import SettingsScreen
from quiz.tui.screens.stats import StatsScreen
from quiz.tui.screens.summary import SummaryScreen

LANGS = pytest.mark.parametrize("lang", ["en", "id"])
SIZE = (80, 24)


def wrong_option(question) -> int:
    return next(i for i in range(len(question.choices)) if i not in question.answer)


def history(db_path, clock: Clock) -> None:
    """A few days of answers, so the scores and the chart have something to show."""
    from quiz.study.engine import Library

    clock.ms = START_MS - 3 * 86_400_000
    with Library.open(db_path, clock=clock, sync_bundled=False) as library:
        for day, answers in ((3, 4), (1, 2), (0, 3)):
            clock.ms = START_MS - day * 86_400_000
            session = library.session("facts", limit=answers)
            for n in range(answers):
                shown = session.next()
                if shown is None:
                    break
                question = shown.question
                if question.kind == "flashcard":
                    session.grade(shown, 3, 4000)
                elif question.choices:
                    session.answer(shown, question.answer if n % 3 else [wrong_option(question)], 4000)
                else:
                    session.answer(shown, question.answer_text, 4000)
    clock.ms = START_MS


@LANGS
def test_home(snap_compare, make_app, lang):
    async def ready(pilot):
        await settle(pilot, lambda: pilot.app.screen.query_one("#decks").row_count == 3)

    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=ready)


@LANGS
def test_study_mcq(snap_compare, make_app, db_path, lang):
    only_kinds(db_path, "facts", "mcq")

    async def ready(pilot):
        await first_question(pilot)

    assert snap_compare(make_app("facts", lang=lang), terminal_size=SIZE, run_before=ready)


@LANGS
def test_study_wrong_answer_feedback(snap_compare, make_app, db_path, lang):
    only_kinds(db_path, "facts", "mcq")

    async def answer_wrong(pilot):
        screen = await first_question(pilot)
        await pilot.press(str(wrong_option(screen.shown.question) + 1))
        await settle(pilot, lambda: screen.phase == "answered")

    assert snap_compare(make_app("facts", lang=lang), terminal_size=SIZE, run_before=answer_wrong)


@LANGS
def test_study_flashcard_revealed(snap_compare, make_app, config_path, lang):
    ask_cards_as(config_path, "flashcard")

    async def reveal(pilot):
        screen = await first_question(pilot)
        await pilot.press("space")
        await settle(pilot, lambda: screen.phase == "revealed")

    assert snap_compare(make_app("cards", lang=lang), terminal_size=SIZE, run_before=reveal)


@LANGS
def test_study_type_in_with_a_typo(snap_compare, make_app, db_path, config_path, lang):
    ask_cards_as(config_path, "typed")
    only_cards_typed(db_path)

    async def typo(pilot):
        screen = await first_question(pilot)
        typed = screen.query_one("#typed")
        typed.cursor_blink = False
        answer = screen.shown.question.answer_text
        await pilot.press(*answer[:-2], answer[-1], "enter")  # one letter left out
        await settle(pilot, lambda: screen.phase == "answered")

    assert snap_compare(make_app("cards", lang=lang), terminal_size=SIZE, run_before=typo)


@LANGS
def test_summary(snap_compare, make_app, db_path, lang):
    only_kinds(db_path, "facts", "true_false")

    async def session(pilot):
        screen = await first_question(pilot)
        await pilot.press(str(screen.shown.question.answer[0] + 1), "enter")
        await pilot.press(str(wrong_option(screen.shown.question) + 1), "escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, SummaryScreen))

    assert snap_compare(make_app("facts", lang=lang), terminal_size=SIZE, run_before=session)


@LANGS
def test_stats(snap_compare, make_app, db_path, clock, lang):
    history(db_path, clock)

    async def scores(pilot):
        await settle(pilot, lambda: pilot.app.screen.query_one("#decks").row_count == 3)
        await pilot.press("s")
        await settle(pilot, lambda: isinstance(pilot.app.screen, StatsScreen) and pilot.app.screen.stats)

    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=scores)


@LANGS
def test_settings(snap_compare, make_app, lang):
    async def settings(pilot):
        await settle(pilot, lambda: pilot.app.library is not None)
        await pilot.press("comma")
        await settle(pilot, lambda: isinstance(pilot.app.screen, SettingsScreen))

    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=settings)


@LANGS
def test_help(snap_compare, make_app, lang):
    async def keys(pilot):
        await settle(pilot, lambda: pilot.app.screen.query_one("#decks").row_count == 3)
        await pilot.press("question_mark")
        await settle(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))

    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=keys)


def test_study_light_theme_at_120x40(snap_compare, make_app, db_path, config_path):
    """The other theme and a larger terminal: the feedback's colours and the grade buttons."""
    config_path.write_text('[interface]\ntheme = "textual-light"\n')
    only_kinds(db_path, "facts", "multi_select", "flashcard")

    async def answer_then_reveal(pilot):
        screen = await first_question(pilot)
        question = screen.shown.question
        if question.kind == "multi_select":
            await pilot.press(*(str(i + 1) for i in question.answer), str(wrong_option(question) + 1), "enter")
            await settle(pilot, lambda: screen.phase == "answered")

    assert snap_compare(make_app("facts"), terminal_size=(120, 40), run_before=answer_then_reveal)
