"""Scores: the figures of `quiz stats`, per deck, and answers per day as a chart."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Sparkline, Static

from quiz.i18n import format_date
from quiz.tui.literal import clean
from quiz.tui.screens.base import QuizScreen
from quiz.tui.widgets.table import fill

CHART_DAYS = 28


class StatsLoaded(Message):
    def __init__(self, stats: dict | None, error: str | None = None):
        super().__init__()
        self.stats = stats
        self.error = error


class StatsScreen(QuizScreen):
    CSS_PATH = "stats.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="stats.back")]

    def __init__(self):
        super().__init__()
        self.stats: dict | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="stats-title", classes="screen-title")
        with VerticalScroll(id="stats-body"):
            yield Static(id="stats-note", classes="loading-note")
            yield DataTable(id="stats-totals", show_header=False, cursor_type="none")
            yield DataTable(id="stats-decks", cursor_type="none")
            yield Static(id="chart-label", classes="hint")
            yield Sparkline([], id="per-day")
            with Horizontal(id="chart-axis"):
                yield Static(id="chart-first")
                yield Static(id="chart-last")
        yield Footer(compact=True)

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
                stats["summaries"] = {d.deck: d for d in app.library.decks()}
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
        t, stats, lang = self.app.t, self.stats, self.app.lang
        self.query_one("#stats-title", Static).update(t("stats.title"))
        if stats is None:
            self.query_one("#stats-note", Static).update(t("app.loading"))
            return
        self.query_one("#stats-note", Static).update("" if stats["reviews"] else t("stats.no_answers"))
        streak = stats["streak_days"]
        totals = [
            (t("stats.reviews"), str(stats["reviews"])),
            (t("stats.correct"), str(stats["correct"])),
            (t("stats.accuracy"), _percent(stats["accuracy"])),
            (t("stats.today"), str(stats.get("reviews_today", 0))),
            (t("stats.streak"), t("stats.day" if streak == 1 else "stats.days", n=streak)),
            (t("stats.due"), str(stats["due"])),
        ]
        fill(self.query_one("#stats-totals", DataTable), [("what", None), ("value", None)],
             [([Text(label, style="bold"), Text(value, justify="right")], None) for label, value in totals])
        summaries = stats.get("summaries", {})
        rows = []
        for row in stats["decks"]:
            summary = summaries.get(row["deck"])
            title = summary.title_in(lang) if summary else row["deck"]
            rows.append(([Text(clean(title)), Text(str(row["reviews"]), justify="right"),
                          Text(_percent(row["accuracy"]), justify="right"), Text(str(row["due"]), justify="right")],
                         None))
        columns = [(t("home.deck"), None)]
        columns += [(Text(t(key), justify="right"), None) for key in ("stats.reviews", "stats.accuracy", "stats.due")]
        decks = self.query_one("#stats-decks", DataTable)
        fill(decks, columns, rows)
        decks.display = bool(rows)
        days = stats.get("by_day", [])
        per_day = [day["reviews"] for day in days]
        self.query_one("#chart-label", Static).update(
            t("stats.per_day", n=len(per_day), max=max(per_day, default=0)))
        self.query_one("#per-day", Sparkline).data = per_day
        if days:
            self.query_one("#chart-first", Static).update(format_date(str(days[0]["day"]), lang))
            self.query_one("#chart-last", Static).update(t("stats.today_axis"))


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"
