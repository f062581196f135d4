"""Settings: language, desired retention, daily limits and theme, saved to the config file."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from quiz.settings import SettingsError
from quiz.tui.screens.base import QuizScreen

# Each language named in itself, so a learner who cannot read the current one still finds theirs.
LANGUAGE_NAMES = [("English", "en"), ("Bahasa Indonesia", "id")]
LABELS = {"language-label": "settings.language", "retention-label": "settings.retention",
          "new-label": "settings.new_per_day", "reviews-label": "settings.reviews_per_day",
          "theme-label": "settings.theme"}


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
        with Horizontal(id="settings-buttons"):
            yield Button(t("settings.save"), id="save", variant="primary")
            yield Button(t("settings.cancel"), id="cancel")
        yield Footer(compact=True)

    def refresh_language(self) -> None:
        t = self.app.t
        self.query_one("#settings-title", Static).update(t("settings.title"))
        for widget_id, key in LABELS.items():
            self.query_one(f"#{widget_id}", Label).update(t(key))
        self.query_one("#save", Button).label = t("settings.save")
        self.query_one("#cancel", Button).label = t("settings.cancel")

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
            desired_retention=retention, new_per_day=limits[0], reviews_per_day=limits[1])
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
