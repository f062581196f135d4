"""Help: every key, grouped by where it works, in the interface language.

KEYS names the bindings each line explains (tests/tui checks that every binding of every screen
is listed here, so a new key cannot be forgotten).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from quiz.tui.screens.base import QuizModal
from quiz.tui.widgets.table import fill

# (section, keys as shown, what it does, the binding ids it stands for)
KEYS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("help.decks", "Enter", "key.study_deck", ("home.study",)),
    ("help.decks", "Home / End", "key.first_last_deck", ("home.first", "home.last")),
    ("help.decks", "p", "key.practice_deck", ("home.practice",)),
    ("help.decks", "s", "app.stats", ("home.stats",)),  # S too, as the first cut had it
    ("help.decks", "i", "key.import", ("home.import", "import.cancel")),
    ("help.decks", "Backspace", "key.parent_folder", ("import.parent",)),
    ("help.decks", "q", "app.quit", ("home.quit", "summary.quit")),
    ("help.decks", "w", "key.practice_weakest", ("stats.practice",)),
    ("help.decks", "o", "key.optimize", ("stats.optimize",)),
    ("help.study", "1-9", "key.choose", tuple(f"study.choose{n}" for n in range(1, 10))),
    ("help.study", "t / f", "key.true_false", ("study.true", "study.false")),
    ("help.study", "Enter", "key.submit", ("study.submit", "summary.home")),
    ("help.study", "Space", "key.reveal", ("study.space",)),
    ("help.study", "u / Ctrl+Z", "key.undo", ("study.undo", "study.undo_typing")),
    ("help.study", "g", "key.guess", ("study.guess",)),
    ("help.study", "s", "key.suspend", ("study.suspend",)),
    ("help.study", "m / Ctrl+O", "key.open_media", ("study.media", "study.media_typing")),
    ("help.study", "Escape", "key.end", ("study.end",)),
    ("help.study", "PgUp / PgDn", "key.scroll", ("study.page_up", "study.page_down")),
    ("help.everywhere", "?", "app.help", ("app.help", "help.close", "help.close2")),
    ("help.everywhere", ",", "app.settings", ("app.settings",)),
    ("help.everywhere", "Ctrl+S", "key.save_settings", ("settings.save",)),
    ("help.everywhere", "Escape", "key.back", ("stats.back", "settings.cancel", "summary.back")),
    ("help.everywhere", "Ctrl+L", "key.language", ("app.language",)),
    ("help.everywhere", "Ctrl+P", "key.palette", ("app.palette",)),
    ("help.everywhere", "Ctrl+Q", "app.quit", ("app.quit",)),
]


class HelpScreen(QuizModal):
    CSS_PATH = "help.tcss"
    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="help.close"),
        Binding("question_mark", "dismiss", "Close", show=False, id="help.close2"),
    ]

    def __init__(self, first: str | None = None):
        """`first`: the section to list first (the keys of the screen help was opened on)."""
        super().__init__()
        self.first = first

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(id="help-title", classes="screen-title")
            yield DataTable(id="help-keys", show_header=False, cursor_type="none", zebra_stripes=False)
            yield Static(id="help-close", classes="hint")

    def on_mount(self) -> None:
        self.refresh_language()

    def on_resize(self) -> None:
        # Room for the table inside the box (border, title, closing line): it scrolls if it needs more.
        self.query_one("#help-keys", DataTable).styles.max_height = max(4, int(self.size.height * 0.9) - 4)

    def refresh_language(self) -> None:
        t = self.app.t
        self.query_one("#help-title", Static).update(t("help.title"))
        self.query_one("#help-close", Static).update(t("help.close"))
        rows, section = [], None
        # The first section, then the keys that work everywhere, then the rest (sorted is stable).
        order = (lambda key: (key[0] != self.first, key[0] != "help.everywhere")) if self.first else None
        for where, keys, what, _ids in sorted(KEYS, key=order) if order else KEYS:
            if where != section:
                section = where
                rows.append(([Text(t(where), style="bold italic"), Text("")], None))
            rows.append(([Text(keys, style="bold"), Text(t(what))], None))
        table = self.query_one("#help-keys", DataTable)
        fill(table, [("key", None), ("what", None)], rows)
        table.focus()

    async def action_dismiss(self, result=None) -> None:
        self.dismiss(result)
