"""Import: ask for a deck file's path; the home screen adds it to the library."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from quiz.tui.screens.base import QuizModal


class ImportScreen(QuizModal):
    """Dismisses with the path typed (user folder expanded), or None."""

    CSS_PATH = "import_deck.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="import.cancel")]

    def compose(self) -> ComposeResult:
        t = self.app.t
        with Vertical(id="import-box"):
            yield Static(t("import.title"), id="import-title", classes="screen-title")
            yield Static(t("import.prompt"), id="import-prompt")
            yield Input(placeholder=t("import.placeholder"), id="import-path")
            yield Static(t("import.hint"), id="import-hint", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = event.value.strip()
        self.dismiss(str(Path(path).expanduser()) if path else None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def refresh_language(self) -> None:
        t = self.app.t
        self.query_one("#import-title", Static).update(t("import.title"))
        self.query_one("#import-prompt", Static).update(t("import.prompt"))
        self.query_one("#import-path", Input).placeholder = t("import.placeholder")
        self.query_one("#import-hint", Static).update(t("import.hint"))
