"""The Textual app: a thin layer over quiz.study.engine.

The library (SQLite + deck models) opens in a thread worker so the first frame does not wait for
it; everything else the engine does per keypress is fast enough (bench/) to run on the UI thread,
while the engine stays single-threaded as it requires: every call into it, from a worker or the UI
thread, holds `_library_lock` (uncontended on the UI thread but in a session's first moments, while
its warm-up worker runs).
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from quiz.i18n import ui
from quiz.settings import Settings, load_settings, save_settings
from quiz.tui.commands import LiteralCommands

_NEVER_HELD = frozenset({"escape", "ctrl+c"})
GC_YOUNG = 10_000  # objects allocated (and not freed) before a young collection
OPENING_NOTE_AFTER = 0.5  # seconds: a session ready sooner shows no "Opening your decks…" first
EARLY_PAINT_WAIT = 1.0  # seconds the session's worker waits for a head start's question to be drawn
LIBRARY_CLOSE_WAIT = 3.0  # seconds quitting waits for a worker to be done with the library before closing it


class LibraryReady(Message):
    """The library opened (or failed to: `error` says why, in one line; `warning`: it opened, with
    the default study settings, because the config file's could not be used)."""

    def __init__(self, error: str | None = None, warning: str | None = None):
        super().__init__()
        self.error = error
        self.warning = warning


class EarlyQuestion(Message):
    """The head start's first question (quiz.study.head_start) for `screen`: shown before its session."""

    def __init__(self, screen, first):
        super().__init__()
        self.screen = screen
        self.first = first
        self.painted = threading.Event()  # set once the question is on screen (or will not be)


class StartScreen(Screen):
    """The app's first screen, under every other. While `quiz study DECK` is starting, keys pressed
    here are kept for the study screen (QuizApp.hold_key): keys typed as the app starts all arrive in
    its first moments, and an answer typed as the question appears must not be lost. Escape leaves
    the start for the decks, as it leaves a study screen with no question yet."""

    BINDINGS = [Binding("escape", "leave", "Decks", show=False)]

    def on_key(self, event: events.Key) -> None:
        if self.app.hold_key(event):
            event.stop()
            event.prevent_default()

    def action_leave(self) -> None:
        if self.app.starting():
            self.app.go_home()


class QuizApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "quiz"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = {LiteralCommands}  # deck titles in the palette are deck data: never parsed as markup
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("comma", "settings", "Settings", id="app.settings"),
        Binding("ctrl+l", "switch_language", "Language", show=False, id="app.language"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, priority=True, id="app.palette"),
        Binding("ctrl+q", "quit", "Quit", show=False, id="app.quit", priority=True),
    ]

    def __init__(self, db_path: str | Path | None = None, deck: str | None = None, lang: str | None = None,
                 limit: int | None = None, practice: bool = False, settings_path: Path | None = None,
                 clock: Callable[[], int] | None = None, topic: str | None = None, head_start=None):
        """`clock`: unix milliseconds, for the library and every time the screens show (tests fix it);
        None is the real time. `head_start`: `deck`'s first question being drawn by another process
        (quiz.study.head_start.HeadStart), from `quiz study DECK`."""
        super().__init__()
        self.db_path = db_path
        self.settings_path = settings_path
        self.settings: Settings = load_settings(settings_path)
        self.lang = lang or self.settings.language
        self.start = (deck, limit, practice, topic)
        self.head_start = head_start
        self.clock = clock
        self.library = None
        self.library_error: str | None = None
        self.config_problem: str | None = None  # why config.toml's study settings are not used
        self.deck_titles: list[tuple[str, str]] = []  # (deck name, title), as home last listed them
        self._library_lock = threading.Lock()
        self._opening = None  # the study screen `quiz study DECK` starts on, until it is pushed
        self._held_keys: list[tuple[str, str | None]] | None = None  # for that screen, until its question shows
        self.start_error: str | None = None  # why `quiz study DECK` could not start (the app then exits)
        self._memory_settled = False
        self._collections = 0  # collections made between keys (collect_garbage)
        self._gc_threshold: tuple[int, ...] | None = None  # the thresholds before settle_memory()

    # -- start-up ------------------------------------------------------------------------------
    def run(self, *args, **kwargs):
        # Start-up makes many objects and frees few: collecting them before the first screen is
        # drawn is wasted time. settle_memory() turns the collector back on.
        gc.disable()
        try:
            return super().run(*args, **kwargs)
        finally:
            gc.enable()

    def settle_memory(self) -> None:
        """Once the first screen is drawn: keep what start-up made out of every later collection
        (gc.freeze), so collections during a session scan only what the session makes."""
        if not self._memory_settled:
            self._memory_settled = True
            gc.freeze()
            # Young collections less often (700 objects by default: several within one key): the
            # study screen collects between keys instead (collect_garbage).
            self._gc_threshold = gc.get_threshold()
            gc.set_threshold(GC_YOUNG, *self._gc_threshold[1:])
            gc.enable()

    def collect_garbage(self) -> None:
        """For a screen to call between keys, once a key's frame is painted (the study screen does):
        the young generation every time, the middle one every tenth, everything every hundredth. A
        full collection takes ~10 ms on the 100k-item profile; left to Python's thresholds, it and
        the middle ones would start in the middle of some key's handler."""
        if self._memory_settled:
            self._collections += 1
            gc.collect(2 if self._collections % 100 == 0 else 1 if self._collections % 10 == 0 else 0)

    def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        deck, limit, practice, topic = self.start
        self.set_timer(10, self.settle_memory)  # whatever the first screen is waiting for
        if deck:  # straight to the question; the decks screen is built when the learner leaves
            from quiz.tui.screens.study import StudyScreen

            # The session is built first and its screen pushed with the question on it; only if that
            # takes a while does the screen come first, saying the decks are being opened. (Drawing
            # that screen meanwhile would cost the start-up a frame, and the worker the UI thread's
            # share of the interpreter.)
            screen = StudyScreen(deck, limit=limit, practice=practice, topic=topic, opened_by_app=True)
            self._opening = screen
            self._held_keys = []
            self.set_timer(OPENING_NOTE_AFTER, self._show_opening)
            self.prepare_session(screen)
        else:
            from quiz.tui.screens.home import HomeScreen

            self.push_screen(HomeScreen())
            self.open_library()

    def get_default_screen(self) -> Screen:
        return StartScreen(id="_default")

    def starting(self) -> bool:
        """Whether `quiz study DECK`'s first question has yet to be shown (keys are held for it)."""
        return self._held_keys is not None

    def hold_key(self, event: events.Key) -> bool:
        """Keep a key for the study screen `quiz study DECK` opens on, until its first question is on
        screen and it is the screen keys go to (release_held_keys). Escape, Ctrl+C and the app's own
        keys (help, settings, language) are never held: leaving, or asking for help, is not put off."""
        if self._held_keys is None or event.key in _NEVER_HELD or any(event.key == b.key for b in self.BINDINGS):
            return False
        if event.key == "ctrl+j":  # Enter, typed before Textual set up the terminal (a newline then)
            self._held_keys.append(("enter", "\r"))
        else:
            self._held_keys.append((event.key, event.character))
        return True

    def release_held_keys(self, screen) -> None:
        """`screen`, the start's study screen, shows its first question: the keys pressed before it,
        in order, now, if it is the screen keys go to (else when it is again: help may be over it)."""
        if self._held_keys is None or self.screen is not screen:
            return
        held, self._held_keys = self._held_keys, None
        for key, character in held:
            # Sent by the app, as a key from the terminal is: made in a screen's callback, it would be
            # that screen's, and stop bubbling there, before the app's bindings see it.
            self.post_message(events.Key(key, character).set_sender(self))

    def go_home(self, deck: str | None = None) -> None:
        """Leave the current screen for the decks: back to them, or to a new one if the app started
        on a session (`deck`, the one studied, highlighted)."""
        from quiz.tui.screens.home import HomeScreen

        # A start that ends here: its held keys are not for the decks, and a session still being
        # built for it is dropped when it comes (_session_prepared).
        self._held_keys = self._opening = None

        if any(isinstance(screen, HomeScreen) for screen in self.screen_stack[:-1]):
            self.pop_screen()
        elif isinstance(self.screen, StartScreen):  # (left before the study screen was up)
            self.push_screen(HomeScreen(highlight=deck))
        else:
            self.switch_screen(HomeScreen(highlight=deck))

    @work(thread=True, exclusive=True, group="library", exit_on_error=False)
    def open_library(self) -> None:
        with self._library_lock:
            self.ensure_library()
        self.post_message(LibraryReady(self.library_error, self.config_problem))

    @work(thread=True, exclusive=True, group="library", exit_on_error=False)
    def prepare_session(self, screen) -> None:
        """Open the library and build `screen`'s session and first question, then show them. With a
        head start, its question is shown first, and the session built here is planned at the time
        that question was drawn, to ask the same one: a key on it waits for this lock (StudyScreen)."""
        with self._library_lock:
            head_start = self.head_start  # (this runs once: for the session `quiz study DECK` starts on)
            early = head_start.result() if head_start is not None else None
            if head_start is not None and head_start.cancelled:
                return  # the app is quitting (on_unmount): nobody wants this session
            if early is not None and early.lang == self.lang:
                message = EarlyQuestion(screen, early)
                self.post_message(message)
                # The session is built once the question is drawn: sharing the interpreter with that
                # drawing would only make it later.
                message.painted.wait(EARLY_PAINT_WAIT)
            else:
                early = None
            self.ensure_library()  # (after the head start's process has exited: it may write)
            ready = screen.open_session(self, planned_at=early.planned_at if early is not None else None)
            screen.built = ready  # for a key on the early question, which waits for this lock
        # A library that could not be opened is the session's error too: the study screen says it, once.
        self.post_message(LibraryReady(None, self.config_problem))
        self.call_from_thread(self._session_prepared, screen, ready)

    def push_screen(self, screen, *args, **kwargs):
        # A screen opened before the study screen `quiz study DECK` starts on is up (help, settings,
        # the palette, in its first moments) goes on top of it, not under it.
        if self._opening is not None and screen is not self._opening:
            self._show_opening()
        return super().push_screen(screen, *args, **kwargs)

    def on_early_question(self, message: EarlyQuestion) -> None:
        screen = message.screen
        if (screen is not self._opening and screen not in self.screen_stack) or screen.has_session():
            message.painted.set()
            return
        screen.show_early(message.first, painted=message.painted)
        self._show_opening()

    def _show_opening(self) -> None:
        opening, self._opening = self._opening, None
        if opening is not None:
            self.push_screen(opening)

    def _session_prepared(self, screen, ready) -> None:
        if screen is not self._opening and screen not in self.screen_stack:
            return  # the learner left it before its session was ready: nobody is waiting for this one
        if ready.error is not None:
            # `quiz study DECK` cannot study DECK (no such deck, a broken file or database): a command
            # line error, said by the command line once the terminal is back (cli._run_app), status 1.
            self.start_error, self._opening = ready.error, None
            self.exit(return_code=1)
            return
        screen.session_prepared(ready)
        self._show_opening()

    def ensure_library(self) -> None:
        """Open the library if nobody has yet (in a worker, holding `_library_lock`)."""
        from quiz.formats.problems import DeckError
        from quiz.store.database import StoreError
        from quiz.study.engine import Library

        if self.library is not None or self.library_error is not None:
            return
        try:
            problems: list[str] = []
            config = self.settings.study_config(problems=problems)
            self.config_problem = problems[0] if problems else None
            self.library = Library.open(self.db_path, config=config, clock=self.clock)
        except (StoreError, DeckError, OSError, ValueError) as error:
            self.library_error = str(error)

    def opened_library(self):  # -> quiz.study.engine.Library, imported lazily
        """The library, opened now if need be (in a worker, holding `_library_lock`); raises StoreError
        with the reason it could not be opened."""
        from quiz.store.database import StoreError

        self.ensure_library()
        if self.library is None:
            raise StoreError(self.library_error or "the library could not be opened")
        return self.library

    def on_library_ready(self, message: LibraryReady) -> None:
        # Screens that wait for the library (home, stats) refresh themselves.
        for screen in self.screen_stack:
            ready = getattr(screen, "library_ready", None)
            if ready:
                ready()
        if message.error:
            self.notify(message.error, severity="error", timeout=30, markup=False)
        if message.warning:
            self.notify(self.t("config.unused", problem=message.warning), severity="warning", timeout=30,
                        markup=False)

    # -- shared by the screens -----------------------------------------------------------------
    def t(self, key: str, **values: object) -> str:
        return ui(key, self.lang, **values)

    def now(self) -> datetime:
        """The current time (UTC), from the app's clock."""
        if self.clock is None:
            return datetime.now(UTC)
        return datetime.fromtimestamp(self.clock() / 1000, UTC)

    def ticks(self) -> float:
        """Seconds for measuring how long an answer took: monotonic, or the app's clock."""
        return time.monotonic() if self.clock is None else self.clock() / 1000

    # -- actions -------------------------------------------------------------------------------
    def action_help_quit(self) -> None:
        # Ctrl+C (Textual's: it copies in an answer line): how to quit, in the interface language.
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(self.t("app.quit_how", keys=key), markup=False)
                return

    def action_help(self) -> None:
        from quiz.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            # (before the study screen `quiz study DECK` opens on is up, its keys are the ones wanted)
            self.push_screen(HelpScreen(first=getattr(self._opening or self.screen, "HELP_SECTION", None)))

    def action_settings(self) -> None:
        from quiz.tui.screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    def action_stats(self) -> None:
        from quiz.tui.screens.stats import StatsScreen

        if not isinstance(self.screen, StatsScreen):
            self.push_screen(StatsScreen())

    def action_import_deck(self) -> None:
        """The import screen, from anywhere (the palette): the decks screen's own `i` where it is on top."""
        from quiz.tui.screens.home import HomeScreen
        from quiz.tui.screens.import_deck import ImportScreen

        if isinstance(self.screen, HomeScreen):
            self.screen.action_import()
        elif not isinstance(self.screen, ImportScreen):
            self.push_screen(ImportScreen())

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder=self.t("cmd.placeholder"), id="--command-palette"))

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
            screen.refresh_bindings()  # the footer's words

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

    def study(self, deck: str, practice: bool = False, topic: str | None = None) -> None:
        from quiz.tui.screens.study import StudyScreen

        self.push_screen(StudyScreen(deck, practice=practice, topic=topic))

    def get_system_commands(self, screen):
        """The command palette: namespaced titles, as Posting does, all in the interface language.
        (LiteralCommands shows them as plain text, so a deck title is never markup.)"""
        t = self.t
        for name, action in (("app.stats", self.action_stats), ("app.import", self.action_import_deck),
                             ("app.settings", self.action_settings), ("app.help", self.action_help)):
            yield SystemCommand(t("cmd.screen", name=t(name)), t(f"cmd.help.{name}"), action)
        other = "id" if self.lang == "en" else "en"
        yield SystemCommand(t("cmd.language", name=t(f"lang.{other}")), t("key.language"),
                            self.action_switch_language)
        for name, title in self.deck_titles:
            yield SystemCommand(t("cmd.study", deck=title), name, lambda name=name: self.study(name))
            yield SystemCommand(t("cmd.practice", deck=title), name,
                                lambda name=name: self.study(name, practice=True))
        yield SystemCommand(t("cmd.theme"), t("cmd.help.theme"), self.action_change_theme)
        yield SystemCommand(t("cmd.keys"), t("cmd.help.keys"), self.action_show_help_panel)
        yield SystemCommand(t("cmd.screenshot"), t("cmd.help.screenshot"),
                            lambda: self.set_timer(0.1, self.deliver_screenshot))
        yield SystemCommand(t("cmd.quit"), t("cmd.help.quit"), self.action_quit)

    def on_unmount(self) -> None:
        if self.head_start is not None:
            self.head_start.cancel()  # (a worker waiting for it would keep the app from ending)
        # A worker may be using the library as the app quits (a session being built): closing its
        # connection under it can crash the process. Closed once the worker is done with it; a worker
        # that takes longer (it may be waiting for this thread) leaves it to the process's end.
        if self.library is not None and self._library_lock.acquire(timeout=LIBRARY_CLOSE_WAIT):
            try:
                self.library.close()
            finally:
                self._library_lock.release()
        if self._gc_threshold is not None:
            gc.set_threshold(*self._gc_threshold)
