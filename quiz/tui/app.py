"""The Textual app: a thin layer over quiz.study.engine.

The library (SQLite + deck models) opens in a thread worker so the first frame does not wait for
it; everything else the engine does per keypress is fast enough (bench/) to run on the UI thread,
which also keeps the engine single-threaded as it requires.
"""

from __future__ import annotations

import threading
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message

from quiz.i18n import ui
from quiz.settings import Settings, load_settings, save_settings


class LibraryReady(Message):
    """The library opened (or failed to: `error` says why, in one line)."""

    def __init__(self, error: str | None = None):
        super().__init__()
        self.error = error


class QuizApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "quiz"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("comma", "settings", "Settings", id="app.settings"),
        Binding("ctrl+l", "switch_language", "Language", show=False, id="app.language"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    def __init__(self, db_path: str | Path | None = None, deck: str | None = None, lang: str | None = None,
                 limit: int | None = None, practice: bool = False, settings_path: Path | None = None):
        super().__init__()
        self.db_path = db_path
        self.settings_path = settings_path
        self.settings: Settings = load_settings(settings_path)
        self.lang = lang or self.settings.language
        self.start = (deck, limit, practice)
        self.library = None
        self.library_error: str | None = None
        self._library_lock = threading.Lock()

    # -- start-up ------------------------------------------------------------------------------
    def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        from quiz.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        deck, limit, practice = self.start
        if deck:
            from quiz.tui.screens.study import StudyScreen

            self.push_screen(StudyScreen(deck, limit=limit, practice=practice))
        self.open_library()

    @work(thread=True, exclusive=True, group="library", exit_on_error=False)
    def open_library(self) -> None:
        from quiz.formats.problems import DeckError
        from quiz.store.database import StoreError
        from quiz.study.engine import Library

        with self._library_lock:
            try:
                config = self.settings.study_config()
                self.library = Library.open(self.db_path, config=config)
            except (StoreError, DeckError, OSError, ValueError) as error:
                self.library_error = str(error)
        self.post_message(LibraryReady(self.library_error))

    def on_library_ready(self, message: LibraryReady) -> None:
        # Screens that wait for the library (home, stats) refresh themselves.
        for screen in self.screen_stack:
            ready = getattr(screen, "library_ready", None)
            if ready:
                ready()
        if message.error:
            self.notify(message.error, severity="error", timeout=30, markup=False)

    def t(self, key: str, **values: object) -> str:
        return ui(key, self.lang, **values)

    # -- actions -------------------------------------------------------------------------------
    def action_help(self) -> None:
        from quiz.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_settings(self) -> None:
        from quiz.tui.screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    def action_stats(self) -> None:
        from quiz.tui.screens.stats import StatsScreen

        if not isinstance(self.screen, StatsScreen):
            self.push_screen(StatsScreen())

    def action_switch_language(self) -> None:
        self.set_language("id" if self.lang == "en" else "en")

    def set_language(self, lang: str) -> None:
        """Switch the interface and the questions; the screens re-render themselves."""
        self.lang = lang
        self.settings = self.settings.replace(language=lang)
        save_settings(self.settings, self.settings_path)
        for screen in self.screen_stack:
            refresh = getattr(screen, "refresh_language", None)
            if refresh:
                refresh()

    def apply_settings(self, settings: Settings) -> None:
        save_settings(settings, self.settings_path)
        language_changed = settings.language != self.lang
        self.settings = settings
        if settings.theme in self.available_themes:
            self.theme = settings.theme
        if self.library is not None:
            self.library.config = settings.study_config(self.library.config)
        if language_changed:
            self.set_language(settings.language)

    def study(self, deck: str, practice: bool = False) -> None:
        from quiz.tui.screens.study import StudyScreen

        self.push_screen(StudyScreen(deck, practice=practice))

    def get_system_commands(self, screen):
        """The command palette: namespaced titles, as Posting does."""
        yield SystemCommand(ui("cmd.screen", self.lang, name=self.t("app.stats")), self.t("app.stats"),
                            self.action_stats)
        yield SystemCommand(ui("cmd.screen", self.lang, name=self.t("app.settings")), self.t("app.settings"),
                            self.action_settings)
        yield SystemCommand(ui("cmd.screen", self.lang, name=self.t("app.help")), self.t("app.help"),
                            self.action_help)
        other = "id" if self.lang == "en" else "en"
        yield SystemCommand(ui("cmd.language", self.lang, name=self.t(f"lang.{other}")),
                            self.t("key.language"), self.action_switch_language)
        if self.library is not None:
            for summary in self.library.decks():
                title = summary.title_in(self.lang)
                yield SystemCommand(ui("cmd.study", self.lang, deck=title), summary.deck,
                                    lambda name=summary.deck: self.study(name))
                yield SystemCommand(ui("cmd.practice", self.lang, deck=title), summary.deck,
                                    lambda name=summary.deck: self.study(name, practice=True))
        yield from super().get_system_commands(screen)

    def on_unmount(self) -> None:
        if self.library is not None:
            self.library.close()
