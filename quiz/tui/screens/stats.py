"""Scores: every figure of `quiz stats` (quiz/stats), in tabs that fit 80x24.

Today's work and the decks; the year's calendar (a heatmap of our own); accuracy per day and per
week and the grades; the 30-day forecast; items by state and true retention; topics and entities,
weakest first (w practises the weakest topic); the hardest items; and calibration (o fits FSRS to
the learner's answers, quiz/optimize.py). The figures load in a worker, in two steps: today's
figures first (a few key lookups, drawn at once), then every figure (the ledger, quiz/stats/ledger.py;
seconds the first time after an upgrade or a change of weights, which the note says). The charts
module is imported only here. Deck text (titles, topics, entity names) is always literal Text.
"""

from __future__ import annotations

import threading

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Sparkline, Static, TabbedContent, TabPane

from quiz.i18n import format_date
from quiz.tui.literal import clean
from quiz.tui.screens.base import QuizScreen
from quiz.tui.widgets.table import fill

CHART_DAYS = 365
PERIODS = ("today", "yesterday", "week", "month", "year", "all")
COUNTS = ("new", "learning", "young", "mature", "suspended", "retired")
TABS = ("today", "calendar", "accuracy", "forecast", "retention", "topics", "calibration")


class StatsLoaded(Message):
    def __init__(self, stats: dict | None, error: str | None = None):
        super().__init__()
        self.stats = stats
        self.error = error


class TodayLoaded(Message):
    def __init__(self, today: dict, warm: bool):
        super().__init__()
        self.today = today
        self.warm = warm


class Optimized(Message):
    def __init__(self, lines: list[str], error: str | None = None):
        super().__init__()
        self.lines = lines
        self.error = error


class StatsScreen(QuizScreen):
    CSS_PATH = "stats.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="stats.back"),
        Binding("w", "practice_weakest", "Practice weakest", id="stats.practice"),
        Binding("o", "optimize", "Fit FSRS", id="stats.optimize"),
    ]

    def __init__(self):
        super().__init__()
        self.stats: dict | None = None  # every figure, once computed
        self.today: dict | None = None  # today's figures, first
        self.warm = True
        self.optimizing = False
        self.drawn: set[str] = set()
        self.today_drawn = threading.Event()  # set once Today's figures are on screen

    def compose(self) -> ComposeResult:
        from quiz.tui.widgets.charts import DaySparkline, Heatmap

        yield Header()
        yield Static(id="stats-title", classes="screen-title")
        yield Static(id="stats-note", classes="loading-note")
        with TabbedContent(id="stats-tabs"):
            with TabPane("", id="tab-today"), VerticalScroll():
                yield DataTable(id="stats-totals", show_header=False, cursor_type="none")
                yield DataTable(id="stats-decks", cursor_type="none")
            with TabPane("", id="tab-calendar"), VerticalScroll():
                yield Static(id="calendar-label", classes="hint")
                yield Heatmap(id="calendar")
            with TabPane("", id="tab-accuracy"), VerticalScroll():
                yield Static(id="chart-label", classes="hint")
                yield DaySparkline([], id="per-day")
                yield Static(id="weeks-label", classes="hint")
                yield Static(id="weeks")
                yield Static(id="grades-label", classes="hint")
                yield Static(id="grades")
            with TabPane("", id="tab-forecast"), VerticalScroll():
                yield Static(id="forecast-label", classes="hint")
                yield DaySparkline([], id="forecast-chart")
                yield Static(id="forecast")
            with TabPane("", id="tab-retention"), VerticalScroll():
                yield DataTable(id="stats-counts", cursor_type="none")
                yield Static(id="retention-label", classes="hint")
                yield DataTable(id="stats-retention", cursor_type="none")
            with TabPane("", id="tab-topics"), VerticalScroll():
                yield Static(id="topics-label", classes="hint")
                yield DataTable(id="stats-topics", cursor_type="row")
                yield DataTable(id="stats-entities", cursor_type="none")
                yield Static(id="hardest-label", classes="hint")
                yield DataTable(id="stats-hardest", cursor_type="none")
            with TabPane("", id="tab-calibration"), VerticalScroll():
                yield Static(id="calibration-label", classes="hint")
                yield Static(id="calibration")
                yield Static(id="optimize-label", classes="hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.refresh_language()
        self.load()

    def library_ready(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def load(self) -> None:
        from quiz.stats import ledger_is_warm, report, report_today
        from quiz.store.decks import stored_decks

        app = self.app
        with app._library_lock:
            if app.library is None:
                return  # LibraryReady will call load() again
            try:
                titles = {deck.name: deck.title for deck in stored_decks(app.library.db.conn)}
                today = report_today(app.library)
                today["titles"] = titles
            except Exception as error:
                self.post_message(StatsLoaded(None, str(error)))
                return
        self.today_drawn.clear()
        self.post_message(TodayLoaded(today, True))
        # Today's figures drawn first: the sums below hold the GIL for a while.
        self.today_drawn.wait(0.5)
        with app._library_lock:
            if app.library is None:
                return
            try:
                if not ledger_is_warm(app.library):  # say that this takes seconds, once
                    self.post_message(TodayLoaded(today, False))
                stats = report(app.library, days=CHART_DAYS)
                stats["titles"] = titles
            except Exception as error:
                self.post_message(StatsLoaded(None, str(error)))
                return
        self.post_message(StatsLoaded(stats))

    def on_today_loaded(self, message: TodayLoaded) -> None:
        self.today, self.warm = message.today, message.warm
        self.call_after_refresh(self.today_drawn.set)
        if self.stats is None:
            self.refresh_language()

    def on_stats_loaded(self, message: StatsLoaded) -> None:
        if message.error:
            self._note(Text(message.error))
            return
        self.stats = message.stats
        self.refresh_language()

    # -- actions -----------------------------------------------------------------------------
    def weakest(self) -> dict | None:
        topics = self.stats["topics"] if self.stats else []
        return topics[0] if topics else None

    def action_practice_weakest(self) -> None:
        topic = self.weakest()
        if topic is None:
            self.app.notify(self.app.t("stats.no_topic"), markup=False)
            return
        self.app.study(topic["deck"], practice=True, topic=topic["topic"])

    def action_optimize(self) -> None:
        if self.optimizing or self.app.library is None:
            return
        self.optimizing = True
        self.app.notify(self.app.t("stats.optimizing"), markup=False)
        self.optimize()

    @work(thread=True, exclusive=True, group="optimize", exit_on_error=False)
    def optimize(self) -> None:
        from quiz.optimize import optimize

        app, t = self.app, self.app.t
        lines = []
        with app._library_lock:
            try:
                for summary in app.library.decks():
                    result = optimize(app.library, summary.deck)
                    if result.needed:
                        lines.append(t("stats.optimize_needed", deck=result.deck, n=result.needed))
                    elif result.adopted:
                        lines.append(t("stats.optimize_adopted", deck=result.deck,
                                       old=f"{result.current['log_loss']:.3f}", new=f"{result.fitted['log_loss']:.3f}"))
                    else:
                        lines.append(t("stats.optimize_kept", deck=result.deck))
            except Exception as error:
                self.post_message(Optimized(lines, str(error)))
                return
        self.post_message(Optimized(lines))

    def on_optimized(self, message: Optimized) -> None:
        self.optimizing = False
        for line in message.lines:
            self.app.notify(line, markup=False, timeout=10)
        if message.error:
            self.app.notify(message.error, severity="error", markup=False)
        self.load()

    # -- drawing -----------------------------------------------------------------------------
    def refresh_language(self) -> None:
        t, stats = self.app.t, self.stats
        self.query_one("#stats-title", Static).update(t("stats.title"))
        tabs = self.query_one("#stats-tabs", TabbedContent)
        for name in TABS:
            tabs.get_tab(f"tab-{name}").label = t(f"stats.tab_{name}")
        self.drawn = set()
        if stats is None:
            self._note(t("app.loading") if self.today is None else
                       t("stats.computing" if self.warm else "stats.computing_first"))
            if self.today is not None:
                self._today(self.today)  # the rest when every figure is in
            return
        self._note("" if stats["reviews"] else t("stats.no_answers"))
        # Only the tab in view is drawn now; the others when they are first shown.
        self.draw(tabs.active.removeprefix("tab-") or "today")

    def _note(self, text) -> None:
        note = self.query_one("#stats-note", Static)
        note.update(text)
        note.display = bool(text)  # (`:empty` is about children: a Static always matches it)

    def draw(self, name: str) -> None:
        if self.stats is None or name in self.drawn:
            return
        self.drawn.add(name)
        getattr(self, f"_{name}")(self.stats)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.draw(event.pane.id.removeprefix("tab-"))

    def _today(self, stats: dict) -> None:
        t, lang = self.app.t, self.app.lang
        streak = stats["streak_days"]
        totals = [
            (t("stats.today"), str(stats["reviews_today"])),
            (t("stats.correct_today"), str(stats["correct_today"])),
            (t("stats.time_today"), t("stats.minutes", n=round(stats["time_today_s"] / 60))),
            (t("stats.streak"), t("stats.day" if streak == 1 else "stats.days", n=streak)),
            (t("stats.due"), str(stats["due"])),
            (t("stats.due_today"), str(stats["due_today"])),
        ]
        if "reviews" in stats:
            totals += [
                (t("stats.reviews"), str(stats["reviews"])),
                (t("stats.correct"), str(stats["correct"])),
                (t("stats.accuracy"), _percent(stats["accuracy"])),
                (t("stats.time_total"), t("stats.minutes", n=round(stats["time_spent_s"] / 60))),
            ]
        else:  # today's figures first: the totals over the whole log are still being added up
            totals += [(t(key), "…") for key in ("stats.reviews", "stats.correct", "stats.accuracy",
                                                 "stats.time_total")]
        fill(self.query_one("#stats-totals", DataTable), [("what", None), ("value", None)],
             [([Text(label, style="bold"), Text(value, justify="right")], None) for label, value in totals])
        titles = stats.get("titles", {})
        rows = []
        for row in stats["decks"]:
            title = titles.get(row["deck"]) or row["deck"]
            if isinstance(title, dict):
                title = _name(title, lang, row["deck"])
            reviews, accuracy = (str(row["reviews"]), _percent(row["accuracy"])) if "reviews" in row else ("…", "…")
            rows.append(([Text(clean(title)), Text(reviews, justify="right"), Text(accuracy, justify="right"),
                          Text(str(row["due"]), justify="right")], None))
        columns = [(t("home.deck"), None)]
        columns += [(Text(t(key), justify="right"), None) for key in ("stats.reviews", "stats.accuracy", "stats.due")]
        decks = self.query_one("#stats-decks", DataTable)
        fill(decks, columns, rows)
        decks.display = bool(rows)

    def _calendar(self, stats: dict) -> None:
        from quiz.tui.widgets.charts import Heatmap

        days = stats["by_day"]
        studied = sum(1 for day in days if day["reviews"])
        self.query_one("#calendar-label", Static).update(
            self.app.t("stats.calendar", n=sum(day["reviews"] for day in days), days=studied))
        self.query_one("#calendar", Heatmap).show(days, self.app.lang)

    def _accuracy(self, stats: dict) -> None:
        from quiz.tui.widgets.charts import bars_text

        t, lang = self.app.t, self.app.lang
        days = stats["by_day"][-28:]
        per_day = [day["reviews"] for day in days]
        label = t("stats.per_day", n=len(per_day), max=max(per_day, default=0))
        if days:
            label += f" · {format_date(days[0]['date'], lang)} – {t('stats.today_axis')}"
        self.query_one("#chart-label", Static).update(label)
        self.query_one("#per-day", Sparkline).data = per_day
        weeks = [week for week in stats["by_week"][-8:]]
        self.query_one("#weeks-label", Static).update(t("stats.per_week"))
        self.query_one("#weeks", Static).update(bars_text(
            [(format_date(week["to"], lang), week["accuracy"] or 0.0, f"{_percent(week['accuracy'])} "
              f"({week['reviews']})") for week in weeks], width=30))
        grades = stats["grades"]
        self.query_one("#grades-label", Static).update(t("stats.grades"))
        self.query_one("#grades", Static).update(bars_text(
            [(t(f"stats.grade_{g}"), grades[str(g)], str(grades[str(g)])) for g in range(1, 5)], width=40,
            style="cyan"))

    def _forecast(self, stats: dict) -> None:
        from quiz.tui.widgets.charts import bars_text

        t, lang = self.app.t, self.app.lang
        forecast = stats["forecast"]
        self.query_one("#forecast-label", Static).update(
            t("stats.forecast", n=sum(day["due"] for day in forecast)))
        self.query_one("#forecast-chart", Sparkline).data = [day["due"] for day in forecast]
        self.query_one("#forecast", Static).update(bars_text(
            [(format_date(day["date"], lang), day["due"], str(day["due"])) for day in forecast[:14]], width=40,
            style="yellow"))

    def _retention(self, stats: dict) -> None:
        t = self.app.t
        counts = stats["counts"]
        fill(self.query_one("#stats-counts", DataTable),
             [(t("stats.counts"), None), (Text("", justify="right"), None)],
             [([Text(t(f"stats.count_{name}")), Text(str(counts[name]), justify="right")], None) for name in COUNTS])
        self.query_one("#retention-label", Static).update(t("stats.true_retention"))
        retention = stats["true_retention"]
        rows = []
        for period in PERIODS:
            cells = [Text(t(f"stats.period_{period}"))]
            for group in ("young", "mature", "total"):
                cell = retention[period][group]
                cells.append(Text(f"{_percent(cell['retention'])} ({cell['reviews']})", justify="right"))
            rows.append((cells, None))
        fill(self.query_one("#stats-retention", DataTable),
             [(t("stats.period"), None)] + [(Text(t(f"stats.{g}"), justify="right"), None)
                                            for g in ("young", "mature", "total")], rows)

    def _topics(self, stats: dict) -> None:
        t, lang = self.app.t, self.app.lang
        self.query_one("#topics-label", Static).update(t("stats.weakest_hint"))
        for table_id, key, label in (("#stats-topics", "topics", "stats.topic"),
                                     ("#stats-entities", "entities", "stats.entity")):
            rows = [([Text(clean(_name(row["name"], lang, row["topic"]))),
                      Text(str(row["reviews"]), justify="right"), Text(_percent(row["accuracy"]), justify="right"),
                      Text(_percent(row["retention"]), justify="right")], None) for row in stats[key][:20]]
            columns = [(t(label), None)] + [(Text(t(k), justify="right"), None)
                                            for k in ("stats.reviews", "stats.accuracy", "stats.retention")]
            table = self.query_one(table_id, DataTable)
            fill(table, columns, rows)
            table.display = bool(rows)
        self.query_one("#hardest-label", Static).update(t("stats.hardest"))
        seen, rows = set(), []
        for row in stats["leeches"] + stats["most_lapses"]:
            if row["item"] in seen:
                continue
            seen.add(row["item"])
            topic = _name(row["topic"], lang, "")
            mark = f" ({t('stats.leech')})" if row["leech"] else ""
            rows.append(([Text(clean(f"{topic} · {row['kind']}{mark}")), Text(clean(row["deck"])),
                          Text(str(row["lapses"]), justify="right")], None))
        hardest = self.query_one("#stats-hardest", DataTable)
        fill(hardest, [(t("stats.topic"), None), (t("home.deck"), None),
                       (Text(t("stats.lapses"), justify="right"), None)], rows[:10])
        hardest.display = bool(rows)

    def _calibration(self, stats: dict) -> None:
        from quiz.tui.widgets.charts import bars_text

        t = self.app.t
        calibration = stats["calibration"]
        label = self.query_one("#calibration-label", Static)
        chart = self.query_one("#calibration", Static)
        if not calibration["reviews"]:
            label.update(t("stats.no_calibration"))
            chart.update("")
        else:
            label.update(t("stats.calibration", n=calibration["reviews"], loss=f"{calibration['log_loss']:.3f}",
                           rmse=f"{calibration['rmse_bins']:.3f}"))
            rows = []
            for cell in calibration["bins"]:
                span = f"{cell['from']:.0%}–{cell['to']:.0%}"
                rows.append((f"{span} {t('stats.predicted')}", cell["predicted"], f"{cell['predicted']:.0%}"))
                rows.append((f"{'':>{len(span)}} {t('stats.actual')}", cell["actual"],
                             f"{cell['actual']:.0%} ({cell['reviews']})"))
            chart.update(bars_text(rows, width=30, style="magenta"))
        self.query_one("#optimize-label", Static).update(t("stats.optimize_hint"))


def _name(names: dict, lang: str, fallback: str) -> str:
    return names.get(lang) or names.get("*") or names.get("en") or next(iter(names.values()), fallback)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"
