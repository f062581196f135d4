"""Home: the learner's decks with their counts; Enter studies the highlighted one."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from quiz.i18n import format_date, ui
from quiz.tui.literal import clean
from quiz.tui.screens.base import QuizScreen
from quiz.tui.widgets.table import fill


class HomeScreen(QuizScreen):
    CSS_PATH = "home.tcss"
    BINDINGS = [
        # Not a priority binding: Enter then reaches the table first, in order after a cursor key typed
        # just before it, and the table's RowSelected studies the row it chose (as a priority binding,
        # "Down Enter" typed quickly studied the row the cursor was leaving).
        Binding("enter", "study", "Study", id="home.study"),
        Binding("p", "practice", "Practice", show=False, id="home.practice"),
        Binding("s,S", "stats", "Scores", id="home.stats"),
        Binding("i", "import", "Import", id="home.import"),
        Binding("q", "app.quit", "Quit", id="home.quit"),
    ]

    def __init__(self, highlight: str | None = None):
        super().__init__()
        self.summaries: list = []  # the library's DeckSummary list, as last read
        self._highlight = highlight  # the deck to put the cursor on once the decks are listed

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="home-title", classes="screen-title")
        yield DeckTable(id="decks", cursor_type="row", zebra_stripes=True)
        yield Static(id="home-note", classes="loading-note")
        yield Static(id="home-hint", classes="hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.refresh_language()
        self.refresh_decks()

    def on_screen_resume(self) -> None:
        self.refresh_decks()  # counts change after a session

    def library_ready(self) -> None:
        if self.is_current:  # else on_screen_resume reads them when the learner comes back
            self.refresh_decks()

    def refresh_language(self) -> None:
        self.query_one("#home-title", Static).update(self.app.t("home.title"))
        self.query_one("#home-hint", Static).update(self.app.t("home.hint"))
        self.show_decks()

    def refresh_decks(self) -> None:
        """Read the decks' counts (on the UI thread: only while no worker can hold the library)."""
        library = self.app.library
        if library is None:
            self.show_decks()
            return
        if not self.app._library_lock.acquire(blocking=False):  # a worker is using it: soon
            self.set_timer(0.1, self.refresh_decks)
            return
        try:
            self.summaries = library.decks()
        finally:
            self.app._library_lock.release()
        self.show_decks()

    def show_decks(self) -> None:
        table = self.query_one("#decks", DataTable)
        note = self.query_one("#home-note", Static)
        t, lang = self.app.t, self.app.lang
        if self.app.library is None:
            note.update(Text(self.app.library_error or t("app.loading")))
            return
        titles = [clean(s.title_in(lang)) for s in self.summaries]
        # Two decks of one title (a deck imported twice, under two names) are told apart by their names.
        shared = {title for title in titles if titles.count(title) > 1}
        titles = [f"{title} ({s.deck})" if title in shared else title
                  for title, s in zip(titles, self.summaries, strict=True)]
        self.app.deck_titles = [(s.deck, title) for s, title in zip(self.summaries, titles, strict=True)]
        selected = table.cursor_row
        columns = [(t("home.deck"), "deck")]
        columns += [(Text(t(f"home.{key}"), justify="right"), key) for key in ("new", "due", "learned")]
        columns.append((t("home.last"), "last"))
        rows = []
        for summary, title in zip(self.summaries, titles, strict=True):
            learned = summary.total - summary.new - summary.suspended
            # Deck titles are deck data: rich Text, never markup.
            rows.append(([Text(title), Text(str(summary.new), justify="right"),
                          Text(str(summary.due), justify="right"),  # due now, learning steps included
                          Text(str(learned), justify="right"), Text(_last_studied(summary.last_studied, lang))],
                         summary.deck))
        fill(table, columns, rows)
        note.update("" if self.summaries else t("home.empty"))
        self.call_after_refresh(self.app.settle_memory)  # the decks are on screen
        if self._highlight is not None:
            names = [summary.deck for summary in self.summaries]
            if self._highlight in names:
                selected, self._highlight = names.index(self._highlight), None
        if self.summaries:
            table.move_cursor(row=min(max(selected, 0), len(self.summaries) - 1))
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

    def action_import(self) -> None:
        from quiz.tui.screens.import_deck import ImportScreen

        def imported(deck: str | None) -> None:
            self.refresh_decks()
            names = [summary.deck for summary in self.summaries]
            if deck in names:
                self.query_one("#decks", DataTable).move_cursor(row=names.index(deck))

        self.app.push_screen(ImportScreen(), imported)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.app.study(event.row_key.value)


class DeckTable(DataTable):
    """The decks, a row each: Home and End go to the first and last deck (DataTable's go to the first
    and last column, of no use in a list)."""

    BINDINGS = [
        Binding("home", "scroll_top", "First deck", show=False, id="home.first"),
        Binding("end", "scroll_bottom", "Last deck", show=False, id="home.last"),
    ]


def _last_studied(when: datetime | None, lang: str) -> str:
    if when is None:
        return ui("home.never", lang)
    return format_date(when.astimezone().date().isoformat(), lang)
