"""Settings: language, desired retention, daily limits, theme and how cards are asked, saved to the
config file.

Under the desired retention, the daily workload it implies: the FSRS simulator (fsrs-rs, quiz/optimize.py
`workload`) run for a year over the learner's items with the form's daily limits, again as the
retention is typed (in a worker; a simulation takes milliseconds).
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from quiz.settings import CARD_QUESTIONS, SettingsError
from quiz.tui.screens.base import QuizScreen

# Each language named in itself, so a learner who cannot read the current one still finds theirs.
LANGUAGE_NAMES = [("English", "en"), ("Bahasa Indonesia", "id")]
LABELS = {"language-label": "settings.language", "retention-label": "settings.retention",
          "new-label": "settings.new_per_day", "reviews-label": "settings.reviews_per_day",
          "theme-label": "settings.theme", "cards-label": "settings.card_questions"}


class SettingsScreen(QuizScreen):
    CSS_PATH = "settings.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="settings.save", priority=True),
        Binding("escape", "app.pop_screen", "Cancel", id="settings.cancel"),
    ]

    def compose(self) -> ComposeResult:
        settings, t = self.app.settings, self.app.t
        yield Header()
        yield Static(t("settings.title"), id="settings-title", classes="screen-title")
        with Grid(id="settings-form"):
            yield Label(t(LABELS["language-label"]), id="language-label")
            yield Select(LANGUAGE_NAMES, value=self.app.lang, allow_blank=False, id="language")
            yield Label(t(LABELS["retention-label"]), id="retention-label")
            # Text, not type="number": "0,9" (the Indonesian way to write it) is welcome too.
            retention = f"{settings.desired_retention:.2f}"
            if self.app.lang == "id":
                retention = retention.replace(".", ",")
            yield Input(retention, id="retention", restrict=r"[0-9.,]*", max_length=6)
            yield Label(t(LABELS["new-label"]), id="new-label")
            yield Input(str(settings.new_per_day), id="new-per-day", type="integer", max_length=5)
            yield Label(t(LABELS["reviews-label"]), id="reviews-label")
            yield Input(str(settings.reviews_per_day), id="reviews-per-day", type="integer", max_length=6)
            yield Label(t(LABELS["theme-label"]), id="theme-label")
            themes = sorted(self.app.available_themes)
            yield Select([(name, name) for name in themes], allow_blank=False, id="theme",
                         value=self.app.theme if self.app.theme in themes else themes[0])
            yield Label(t(LABELS["cards-label"]), id="cards-label")
            yield Select(self.card_options(), value=settings.card_questions, allow_blank=False, id="cards")
        yield Static(id="workload", classes="hint", markup=False)
        with Horizontal(id="settings-buttons"):
            # Compact (one line each): the form and its buttons fit in 80x24 with six settings.
            yield Button(t("settings.save"), id="save", variant="primary", compact=True)
            yield Button(t("settings.cancel"), id="cancel", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.workload: dict | None = None
        self.estimate()

    def card_options(self) -> list[tuple[str, str]]:
        """How a card deck's cards may be asked, in the interface language (quiz.config.CARD_QUESTIONS)."""
        return [(self.app.t(f"cards.{mode}"), mode) for mode in CARD_QUESTIONS]

    def refresh_language(self) -> None:
        t = self.app.t
        self.query_one("#settings-title", Static).update(t("settings.title"))
        for widget_id, key in LABELS.items():
            self.query_one(f"#{widget_id}", Label).update(t(key))
        cards = self.query_one("#cards", Select)
        chosen = cards.value
        cards.set_options(self.card_options())
        cards.value = chosen
        cards.mutate_reactive(Select.value)  # (an unchanged value would keep its old label)
        self.query_one("#save", Button).label = t("settings.save")
        self.query_one("#cancel", Button).label = t("settings.cancel")
        self.show_workload()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in ("retention", "new-per-day", "reviews-per-day"):
            self.estimate()

    def form_numbers(self) -> tuple[float | None, int, int]:
        settings = self.app.settings
        try:
            retention = float(self.query_one("#retention", Input).value.strip().replace(",", "."))
        except ValueError:
            retention = None
        if retention is not None and not 0.70 <= retention <= 0.99:
            retention = None
        limits = []
        for widget_id, default in (("#new-per-day", settings.new_per_day), ("#reviews-per-day",
                                                                           settings.reviews_per_day)):
            try:
                limits.append(max(0, int(self.query_one(widget_id, Input).value)))
            except ValueError:
                limits.append(default)
        return retention, limits[0], limits[1]

    def estimate(self) -> None:
        retention, new, reviews = self.form_numbers()
        if retention is None:
            self.workload = None
            self.show_workload()
            return
        self.simulate(retention, new, reviews)

    @work(thread=True, exclusive=True, group="workload", exit_on_error=False)
    def simulate(self, retention: float, new: int, reviews: int) -> None:
        from quiz.optimize import workload

        app = self.app
        size = 0
        library = app.library
        if library is not None and app._library_lock.acquire(timeout=1):
            try:
                size = sum(deck.total for deck in library.decks())
            finally:
                app._library_lock.release()
        result = workload(None, retention, size or 500, new, reviews)
        self.app.call_from_thread(self.set_workload, result)

    def set_workload(self, result: dict) -> None:
        self.workload = result
        self.show_workload()

    def show_workload(self) -> None:
        t, result = self.app.t, getattr(self, "workload", None)
        if result is None:
            line = t("settings.workload_unknown")
        else:
            minutes, reviews = result["minutes_per_day"], result["reviews_per_day"]
            # An average: "about 90 reviews", not 89.5; a tenth only where it is most of the number.
            figures = [f"{result['retention']:.2f}", f"{reviews:.1f}" if reviews < 10 else f"{reviews:.0f}",
                       f"{minutes:.1f}" if minutes < 10 else f"{minutes:.0f}"]
            if self.app.lang == "id":  # Indonesian writes 0,90 and 1,3
                figures = [figure.replace(".", ",") for figure in figures]
            retention, reviews, minutes_text = figures
            line = t("settings.workload", retention=retention, reviews=reviews, minutes=minutes_text)
        self.query_one("#workload", Static).update(line)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.app.pop_screen()

    def read_form(self):
        """The settings the form holds; SettingsError (in the interface language) if one is wrong."""
        t = self.app.t
        retention_text = self.query_one("#retention", Input).value.strip().replace(",", ".")
        try:
            retention = float(retention_text)
        except ValueError:
            raise SettingsError(t("settings.bad_retention")) from None
        if not 0.70 <= retention <= 0.99:
            raise SettingsError(t("settings.bad_retention"))
        limits = []
        for widget_id, top in (("#new-per-day", 9999), ("#reviews-per-day", 99999)):
            try:
                value = int(self.query_one(widget_id, Input).value)
            except ValueError:
                value = -1
            if not 0 <= value <= top:
                raise SettingsError(t("settings.bad_limit", top=top))
            limits.append(value)
        settings = self.app.settings.replace(
            language=self.query_one("#language", Select).value, theme=self.query_one("#theme", Select).value,
            desired_retention=retention, new_per_day=limits[0], reviews_per_day=limits[1],
            card_questions=self.query_one("#cards", Select).value)
        settings.validate()
        return settings

    def action_save(self) -> None:
        try:
            settings = self.read_form()
        except SettingsError as error:
            self.app.notify(self.app.t("settings.invalid", problem=str(error)), severity="error", markup=False)
            return
        self.app.apply_settings(settings)
        self.app.notify(self.app.t("settings.saved"), markup=False)
        self.app.pop_screen()
