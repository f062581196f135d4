"""Help: every key, in the interface language."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

KEYS = [
    ("Enter", "key.study_deck"),
    ("p", "key.practice_deck"),
    ("1-9", "key.choose"),
    ("t / f", "key.true_false"),
    ("Enter", "key.submit"),
    ("Space", "key.reveal"),
    ("u", "key.undo"),
    ("g", "key.guess"),
    ("s", "key.suspend"),
    ("Escape", "key.end"),
    ("S", "app.stats"),
    (",", "app.settings"),
    ("Ctrl+L", "key.language"),
    ("Ctrl+P", "key.palette"),
    ("?", "app.help"),
    ("Ctrl+Q", "app.quit"),
]


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="help.close"),
        Binding("question_mark", "dismiss", "Close", show=False, id="help.close2"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(id="help-title", classes="screen-title")
            yield DataTable(id="help-keys", show_header=False, cursor_type="none")
            yield Static(id="help-close", classes="hint")

    def on_mount(self) -> None:
        self.refresh_language()

    def refresh_language(self) -> None:
        t = self.app.t
        self.query_one("#help-title", Static).update(t("help.title"))
        self.query_one("#help-close", Static).update(t("help.close"))
        table = self.query_one("#help-keys", DataTable)
        table.clear(columns=True)
        table.add_columns("key", "what")
        for key, what in KEYS:
            table.add_row(key, t(what))

    async def action_dismiss(self, result=None) -> None:
        self.dismiss(result)
