"""Settings: language, desired retention, daily limits and theme, saved to the config file."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from quiz.settings import SettingsError


class SettingsScreen(Screen[None]):
    CSS_PATH = "settings.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="settings.save", priority=True),
        Binding("escape", "app.pop_screen", "Cancel", id="settings.cancel"),
    ]

    def compose(self) -> ComposeResult:
        settings, t = self.app.settings, self.app.t
        yield Header()
        yield Static(t("settings.title"), id="settings-title", classes="screen-title")
        with VerticalScroll(id="settings-form"):
            yield Label(t("settings.language"), id="language-label")
            yield Select([(t("lang.en"), "en"), (t("lang.id"), "id")], value=self.app.lang, allow_blank=False,
                         id="language")
            yield Label(t("settings.retention"), id="retention-label")
            yield Input(str(settings.desired_retention), id="retention", type="number")
            yield Label(t("settings.new_per_day"), id="new-label")
            yield Input(str(settings.new_per_day), id="new-per-day", type="integer")
            yield Label(t("settings.reviews_per_day"), id="reviews-label")
            yield Input(str(settings.reviews_per_day), id="reviews-per-day", type="integer")
            yield Label(t("settings.theme"), id="theme-label")
            themes = sorted(self.app.available_themes)
            yield Select([(name, name) for name in themes], allow_blank=False, id="theme",
                         value=self.app.theme if self.app.theme in themes else themes[0])
            with Horizontal(id="settings-buttons"):
                yield Button(t("settings.save"), id="save", variant="primary")
                yield Button(t("settings.cancel"), id="cancel")
        yield Footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.app.pop_screen()

    def action_save(self) -> None:
        try:
            settings = self.app.settings.replace(
                language=self.query_one("#language", Select).value,
                theme=self.query_one("#theme", Select).value,
                desired_retention=float(self.query_one("#retention", Input).value),
                new_per_day=int(self.query_one("#new-per-day", Input).value),
                reviews_per_day=int(self.query_one("#reviews-per-day", Input).value),
            )
            settings.validate()
        except (ValueError, SettingsError) as error:
            problem = str(error) if isinstance(error, SettingsError) else "a number is missing or malformed"
            self.app.notify(self.app.t("settings.invalid", problem=problem), severity="error", markup=False)
            return
        self.app.apply_settings(settings)
        self.app.notify(self.app.t("settings.saved"), markup=False)
        self.app.pop_screen()
