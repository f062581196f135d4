"""Home: the learner's decks with their counts; Enter studies the highlighted one."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from quiz.i18n import format_date, ui


class HomeScreen(Screen[None]):
    CSS_PATH = "home.tcss"
    BINDINGS = [
        Binding("enter", "study", "Study", id="home.study", priority=True),
        Binding("p", "practice", "Practice", id="home.practice"),
        Binding("S", "stats", "Scores", id="home.stats"),
        Binding("q", "quit", "Quit", id="home.quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="home-title", classes="screen-title")
        yield DataTable(id="decks", cursor_type="row", zebra_stripes=True)
        yield Static(id="home-note", classes="loading-note")
        yield Static(id="home-hint", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_language()
        self.refresh_decks()

    def on_screen_resume(self) -> None:
        self.refresh_decks()  # counts change after a session

    def library_ready(self) -> None:
        self.refresh_decks()

    def refresh_language(self) -> None:
        self.query_one("#home-title", Static).update(self.app.t("home.title"))
        self.query_one("#home-hint", Static).update(self.app.t("home.hint"))
        self.refresh_decks()

    def refresh_decks(self) -> None:
        table = self.query_one("#decks", DataTable)
        note = self.query_one("#home-note", Static)
        library = self.app.library
        if library is None:
            note.update(self.app.library_error or self.app.t("app.loading"))
            return
        selected = table.cursor_row
        table.clear(columns=True)
        t = self.app.t
        table.add_column(t("home.deck"), key="deck")
        for key in ("new", "due", "learned"):
            table.add_column(t(f"home.{key}"), key=key)
        table.add_column(t("home.last"), key="last")
        summaries = library.decks()
        for summary in summaries:
            learned = summary.total - summary.new - summary.suspended
            last = _last_studied(summary.last_studied, self.app.lang)
            # Deck titles are deck data: rich Text, never markup.
            table.add_row(Text(summary.title_in(self.app.lang)), Text(str(summary.new), justify="right"),
                          Text(str(summary.due + summary.learning), justify="right"),
                          Text(str(learned), justify="right"), Text(last), key=summary.deck)
        note.update("" if summaries else t("home.empty"))
        if summaries:
            table.move_cursor(row=min(max(selected, 0), len(summaries) - 1))
            if self.is_current:  # focusing a widget of a covered screen would steal the keys
                table.focus()

    def _highlighted(self) -> str | None:
        table = self.query_one("#decks", DataTable)
        if self.app.library is None or table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def action_study(self) -> None:
        deck = self._highlighted()
        if deck:
            self.app.study(deck)

    def action_practice(self) -> None:
        deck = self._highlighted()
        if deck:
            self.app.study(deck, practice=True)

    def action_stats(self) -> None:
        self.app.action_stats()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.app.study(event.row_key.value)


def _last_studied(when: datetime | None, lang: str) -> str:
    if when is None:
        return ui("home.never", lang)
    return format_date(when.astimezone().date().isoformat(), lang)
