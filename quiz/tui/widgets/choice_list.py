"""The options of a choice question, numbered, clickable, and always shown as literal text."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static


class ChoiceRow(Static):
    """One option. Its text is deck data: built with Content, never parsed as markup."""

    def __init__(self, index: int, text: str, multi: bool):
        super().__init__(classes="choice")
        self.index = index
        self.text = text
        self.multi = multi
        self.selected = False

    def on_mount(self) -> None:
        self.render_label()

    def render_label(self) -> None:
        box = ("[x] " if self.selected else "[ ] ") if self.multi else ""
        self.update(Content.assemble((f"{self.index + 1}  ", "bold"), box, self.text))

    def on_click(self) -> None:
        self.post_message(ChoiceList.Picked(self.index))


class ChoiceList(Vertical):
    """Numbered options. Posts Picked(index) on a click; the screen decides what a pick means."""

    class Picked(Message):
        def __init__(self, index: int):
            super().__init__()
            self.index = index

    def __init__(self, choices: list[str], multi: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices
        self.multi = multi

    def compose(self) -> ComposeResult:
        for index, text in enumerate(self.choices):
            yield ChoiceRow(index, text, self.multi)

    @property
    def rows(self) -> list[ChoiceRow]:
        return list(self.query(ChoiceRow))

    def toggle(self, index: int) -> None:
        row = self.rows[index]
        row.selected = not row.selected
        row.set_class(row.selected, "-selected")
        row.render_label()

    def selected(self) -> list[int]:
        return [row.index for row in self.rows if row.selected]

    def show_result(self, keys: list[int], picked: list[int]) -> None:
        """Mark the right options, and the learner's wrong picks."""
        for row in self.rows:
            row.set_class(row.index in keys, "-key")
            row.set_class(row.index in picked and row.index not in keys, "-wrong")
            row.set_class(row.index in picked, "-picked")
