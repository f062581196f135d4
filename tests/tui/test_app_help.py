"""Help lists every key; the command palette offers the decks and runs what it offers; every
interface string exists in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tui_helpers import first_question, screen_text, settle

from quiz.i18n import UI
from quiz.tui.app import QuizApp
from quiz.tui.screens.help import KEYS, HelpScreen
from quiz.tui.screens.home import DeckTable, HomeScreen
from quiz.tui.screens.import_deck import DeckFileTree, ImportScreen
from quiz.tui.screens.settings import SettingsScreen
from quiz.tui.screens.stats import StatsScreen
from quiz.tui.screens.study import StudyScreen
from quiz.tui.screens.summary import SummaryScreen

SCREENS = [QuizApp, HomeScreen, DeckTable, StudyScreen, SummaryScreen, StatsScreen, SettingsScreen, HelpScreen,
           ImportScreen, DeckFileTree]
TUI = Path(__file__).resolve().parents[2] / "quiz" / "tui"


def bindings():
    return [binding for owner in SCREENS for binding in owner.BINDINGS]


def test_every_binding_has_an_id_and_a_line_in_help():
    listed = {binding_id for *_, ids in KEYS for binding_id in ids}
    ids = [binding.id for binding in bindings()]
    assert None not in ids
    assert set(ids) == listed


def test_every_key_shown_in_a_footer_says_what_it_does_in_both_languages():
    for binding in bindings():
        if binding.show:
            assert set(UI[f"bind.{binding.id}"]) == {"en", "id"}, binding.id


def test_every_interface_string_exists_in_both_languages_and_every_one_used_exists():
    for key, texts in UI.items():
        assert set(texts) == {"en", "id"} and all(texts.values()), key
        assert set(re.findall(r"{(\w+)", texts["en"])) == set(re.findall(r"{(\w+)", texts["id"])), key
    used = set()
    for path in TUI.rglob("*.py"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_.0-9]+)["']""", path.read_text()))
    assert used and used <= set(UI), sorted(used - set(UI))


@pytest.mark.parametrize("lang", ["en", "id"])
async def test_question_mark_shows_every_key(make_app, lang):
    app = make_app(lang=lang)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot, lambda: app.library is not None)
        await pilot.press("question_mark")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = screen_text(app)
        lines = text.splitlines()
        for _section, keys, what, _ids in KEYS:
            assert any(keys in line and app.t(what) in line for line in lines), (keys, what)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HomeScreen)


async def test_help_scrolls_at_80x24(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("question_mark")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen))
        table = app.screen.query_one("#help-keys")
        assert table.has_focus and table.max_scroll_y > 0
        assert "Ctrl+Q" not in screen_text(app)
        await pilot.press("pagedown")
        assert "Ctrl+Q" in screen_text(app)
        await pilot.press("pageup")
        assert app.t("key.choose") in screen_text(app)  # the longest line fits 80 columns
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def palette(pilot, query: str):
    """From the decks screen: the palette opened and `query` typed; (its command list, the prompts)."""
    from textual.command import CommandList, CommandPalette

    app = pilot.app
    await settle(pilot, lambda: app.screen.query_one("#decks").row_count == 3)
    await pilot.press("ctrl+p")
    await settle(pilot, lambda: isinstance(app.screen, CommandPalette))
    await pilot.press(*query)
    commands = app.screen.query_one(CommandList)
    await settle(pilot, lambda: commands.option_count > 0)
    return commands, [str(commands.get_option_at_index(i).prompt).split("\n")[0]
                      for i in range(commands.option_count)]


async def test_command_palette_offers_and_runs_study_deck(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        commands, prompts = await palette(pilot, "csto")
        assert prompts[0] == "study: CSTO facts"
        assert "study: CSTO facts" in screen_text(app)
        assert commands.highlighted == 0
        await pilot.press("enter")
        screen = await first_question(pilot)
        assert isinstance(screen, StudyScreen) and screen.deck == "facts" and not screen.practice


async def test_command_palette_opens_the_import_screen(make_app):
    from quiz.tui.screens.import_deck import ImportScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        _, prompts = await palette(pilot, "import")
        assert prompts[0] == "screen: Import a deck"
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, ImportScreen))


async def test_help_opened_in_a_session_lists_the_study_keys_first(make_app):
    app = make_app("facts")
    async with app.run_test(size=(80, 24)) as pilot:
        await first_question(pilot)
        await pilot.press("question_mark")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = screen_text(app)
        assert app.t("help.study") in text and app.t("key.undo") in text  # in view without scrolling
        assert text.index(app.t("help.study")) < text.index(app.t("help.everywhere"))
        assert app.t("help.decks") not in text  # (below, after scrolling)
