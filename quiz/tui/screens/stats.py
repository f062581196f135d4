"""Scores: the figures of `quiz stats`, per deck, and answers per day as a chart."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Sparkline, Static

CHART_DAYS = 28


class StatsLoaded(Message):
    def __init__(self, stats: dict | None, error: str | None = None):
        super().__init__()
        self.stats = stats
        self.error = error


class StatsScreen(Screen[None]):
    CSS_PATH = "stats.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="stats.back")]

    def __init__(self):
        super().__init__()
        self.stats: dict | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="stats-title", classes="screen-title")
        with VerticalScroll(id="stats-body"):
            yield DataTable(id="stats-totals", show_header=False, cursor_type="none")
            yield DataTable(id="stats-decks", cursor_type="none")
            yield Static(id="chart-label", classes="hint")
            yield Sparkline([], id="per-day")
            yield Static(id="stats-note", classes="loading-note")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#stats-title", Static).update(self.app.t("stats.title"))
        self.query_one("#stats-note", Static).update(self.app.t("app.loading"))
        self.load()

    def library_ready(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def load(self) -> None:
        app = self.app
        with app._library_lock:
            if app.library is None:
                return  # LibraryReady will call load() again
            try:
                stats = app.library.stats()
                stats["by_day"] = app.library.answers_by_day(CHART_DAYS)
            except Exception as error:
                self.post_message(StatsLoaded(None, str(error)))
                return
        self.post_message(StatsLoaded(stats))

    def on_stats_loaded(self, message: StatsLoaded) -> None:
        if message.error:
            self.query_one("#stats-note", Static).update(Text(message.error))
            return
        self.stats = message.stats
        self.refresh_language()

    def refresh_language(self) -> None:
        t, stats = self.app.t, self.stats
        self.query_one("#stats-title", Static).update(t("stats.title"))
        if stats is None:
            return
        self.query_one("#stats-note", Static).update("" if stats["reviews"] else t("stats.no_answers"))
        totals = self.query_one("#stats-totals", DataTable)
        totals.clear(columns=True)
        totals.add_columns("what", "value")
        for label, value in [
            (t("stats.reviews"), str(stats["reviews"])),
            (t("stats.correct"), str(stats["correct"])),
            (t("stats.accuracy"), _percent(stats["accuracy"])),
            (t("stats.today"), str(stats.get("reviews_today", 0))),
            (t("stats.streak"), t("stats.days", n=stats["streak_days"])),
            (t("stats.due"), str(stats["due"])),
        ]:
            totals.add_row(label, Text(value, justify="right"))
        decks = self.query_one("#stats-decks", DataTable)
        decks.clear(columns=True)
        decks.add_columns(t("home.deck"), t("stats.reviews"), t("stats.accuracy"), t("stats.due"))
        titles = {d.deck: d.title_in(self.app.lang) for d in self.app.library.decks()} if self.app.library else {}
        for row in stats["decks"]:
            decks.add_row(Text(titles.get(row["deck"], row["deck"])), Text(str(row["reviews"]), justify="right"),
                          Text(_percent(row["accuracy"]), justify="right"), Text(str(row["due"]), justify="right"))
        per_day = [day["reviews"] for day in stats.get("by_day", [])]
        label = t("stats.per_day", n=len(per_day)) + f" (max {max(per_day, default=0)})"
        self.query_one("#chart-label", Static).update(label)
        self.query_one("#per-day", Sparkline).data = per_day


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"
