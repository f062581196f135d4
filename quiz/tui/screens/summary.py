"""Session summary: what was answered, how well, how long, and what comes next."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from quiz.i18n import interval
from quiz.tui.screens.base import QuizScreen
from quiz.tui.widgets.table import fill


class SummaryScreen(QuizScreen):
    CSS_PATH = "summary.tcss"
    BINDINGS = [
        Binding("enter", "home", "Decks", id="summary.home", priority=True),
        Binding("escape", "home", "Decks", show=False, id="summary.back"),
        Binding("q", "app.quit", "Quit", id="summary.quit"),
    ]

    def __init__(self, summary, deck: str | None = None):
        super().__init__()
        self.summary = summary
        self.deck = deck  # the deck studied: the decks screen highlights it

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="summary-title", classes="screen-title")
        yield DataTable(id="summary-table", show_header=False, cursor_type="none")
        yield Static(id="summary-hint", classes="hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.refresh_language()

    def refresh_language(self) -> None:
        t, s, lang = self.app.t, self.summary, self.app.lang
        self.query_one("#summary-title", Static).update(t("summary.title"))
        self.query_one("#summary-hint", Static).update(t("summary.hint"))
        minutes, seconds = divmod(round(s.seconds), 60)
        if s.next_due is None:
            next_due = t("summary.nothing_due")
        else:
            next_due = interval((s.next_due - self.app.now()).total_seconds(), lang)
        rows = [
            (t("summary.answered"), str(s.answered)),
            (t("summary.accuracy"), "-" if s.accuracy is None else f"{s.accuracy:.0%} ({s.correct}/{s.answered})"),
            (t("summary.time"), f"{minutes}:{seconds:02d}"),
            (t("summary.next_due"), next_due),
            (t("summary.due_tomorrow"), str(s.due_tomorrow)),
        ]
        fill(self.query_one("#summary-table", DataTable), [("what", None), ("value", None)],
             [([Text(label, style="bold"), Text(value)], None) for label, value in rows])

    def action_home(self) -> None:
        self.app.go_home(self.deck)
